import CZlib
import SotaSupport

/// Reads the member list of a ZIP file (an NPZ) from its central directory, with ZIP64 support,
/// without reading member data.
struct ZipArchive {
    struct Member: Equatable {
        var name: String
        /// 0 stored, 8 deflated.
        var method: Int
        var compressedSize: Int
        var uncompressedSize: Int
        var localHeaderOffset: Int
    }

    enum Problem: Error, Equatable {
        /// No end-of-central-directory record: not a zip, or cut short.
        case noDirectory
        case malformed(String)
    }

    let members: [Member]

    init(file: RandomAccessFile) throws {
        let tailSize = min(file.size, 65_557)
        let tail = try file.read(at: file.size - tailSize, count: tailSize)
        guard tail.count >= 22, let eocd = (0...(tail.count - 22)).reversed().first(where: {
            tail[$0] == 0x50 && tail[$0 + 1] == 0x4B && tail[$0 + 2] == 0x05 && tail[$0 + 3] == 0x06
        }) else { throw Problem.noDirectory }
        var count = tail.le16(eocd + 10)
        var directorySize = tail.le32(eocd + 12)
        var directoryOffset = tail.le32(eocd + 16)
        let locator = eocd - 20
        if locator >= 0, tail.le32(locator) == 0x0706_4B50 {
            let zip64Offset = tail.le64(locator + 8)
            let record = try file.read(at: zip64Offset, count: 56)
            guard record.count == 56, record.le32(0) == 0x0606_4B50 else { throw Problem.malformed("bad ZIP64 directory record") }
            count = record.le64(32)
            directorySize = record.le64(40)
            directoryOffset = record.le64(48)
        }
        // ZIP64 fields are 64-bit and unsigned: a hostile one reads as a negative Int, or one that overflows a sum.
        guard count >= 0, directorySize >= 0, directoryOffset >= 0, directoryOffset <= file.size,
              directorySize <= file.size - directoryOffset else { throw Problem.noDirectory }
        let directory = try file.read(at: directoryOffset, count: directorySize)
        var members: [Member] = []
        var cursor = 0
        for _ in 0..<count {
            guard cursor + 46 <= directory.count, directory.le32(cursor) == 0x0201_4B50 else {
                throw Problem.malformed("central directory entry \(members.count) is damaged")
            }
            let nameLength = directory.le16(cursor + 28), extraLength = directory.le16(cursor + 30)
            let commentLength = directory.le16(cursor + 32)
            guard cursor + 46 + nameLength + extraLength <= directory.count else { throw Problem.malformed("central directory is cut short") }
            var member = Member(
                name: String(decoding: directory[(cursor + 46)..<(cursor + 46 + nameLength)], as: UTF8.self),
                method: directory.le16(cursor + 10),
                compressedSize: directory.le32(cursor + 20),
                uncompressedSize: directory.le32(cursor + 24),
                localHeaderOffset: directory.le32(cursor + 42)
            )
            Self.applyZip64(Array(directory[(cursor + 46 + nameLength)..<(cursor + 46 + nameLength + extraLength)]), to: &member)
            members.append(member)
            cursor += 46 + nameLength + extraLength + commentLength
        }
        self.members = members
    }

    /// Replaces 0xFFFFFFFF sizes and offsets with their ZIP64 extra-field values.
    ///
    /// Values past 2^62 bytes (those past 2^63 read as negative) are kept at that bound: no file is that large, and
    /// sums of a few such values with header lengths stay inside Int.
    private static func applyZip64(_ extra: [UInt8], to member: inout Member) {
        func size(_ offset: Int) -> Int {
            let value = extra.le64(offset)
            return value < 0 || value > 1 << 62 ? 1 << 62 : value
        }
        var cursor = 0
        while cursor + 4 <= extra.count {
            let id = extra.le16(cursor), length = extra.le16(cursor + 2)
            if id == 0x0001 {
                var field = cursor + 4
                if member.uncompressedSize == 0xFFFF_FFFF, field + 8 <= extra.count { member.uncompressedSize = size(field); field += 8 }
                if member.compressedSize == 0xFFFF_FFFF, field + 8 <= extra.count { member.compressedSize = size(field); field += 8 }
                if member.localHeaderOffset == 0xFFFF_FFFF, field + 8 <= extra.count { member.localHeaderOffset = size(field) }
            }
            cursor += 4 + length
        }
    }

    /// The file offset of a member's data (after its local header).
    static func dataOffset(of member: Member, in file: RandomAccessFile) throws -> Int? {
        let header = try file.read(at: member.localHeaderOffset, count: 30)
        guard header.count == 30, header.le32(0) == 0x0403_4B50 else { return nil }
        return member.localHeaderOffset + 30 + header.le16(26) + header.le16(28)
    }

    /// The first `count` uncompressed bytes of a member (inflating deflated members).
    static func prefix(of member: Member, in file: RandomAccessFile, count: Int) throws -> [UInt8]? {
        guard let start = try dataOffset(of: member, in: file) else { return nil }
        switch member.method {
        case 0:
            return try file.read(at: start, count: min(count, member.compressedSize))
        case 8:
            let input = try file.read(at: start, count: min(member.compressedSize, max(count * 4, 1 << 16)))
            return inflatePrefix(input, count: count)
        default:
            return nil
        }
    }

    private static func inflatePrefix(_ input: [UInt8], count: Int) -> [UInt8]? {
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: count)
        var input = input
        let produced: Int = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = uInt(outBuffer.count)
                let status = inflate(&stream, Z_SYNC_FLUSH)
                guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else { return -1 }
                return outBuffer.count - Int(stream.avail_out)
            }
        }
        return produced < 0 ? nil : Array(output.prefix(produced))
    }

    /// Members found by walking local headers from the start, for a file whose directory is missing.
    static func scanLocalHeaders(in file: RandomAccessFile) throws -> [(member: Member, dataOffset: Int)] {
        var found: [(Member, Int)] = []
        var offset = 0
        while offset + 30 <= file.size {
            let header = try file.read(at: offset, count: 30)
            guard header.le32(0) == 0x0403_4B50 else { break }
            let nameLength = header.le16(26), extraLength = header.le16(28)
            let rest = try file.read(at: offset + 30, count: nameLength + extraLength)
            guard rest.count == nameLength + extraLength else { break }
            var member = Member(
                name: String(decoding: rest[0..<nameLength], as: UTF8.self),
                method: header.le16(8), compressedSize: header.le32(18), uncompressedSize: header.le32(22),
                localHeaderOffset: offset
            )
            applyZip64(Array(rest[nameLength...]), to: &member)
            let dataOffset = offset + 30 + nameLength + extraLength
            found.append((member, dataOffset))
            // Bit 3: sizes follow the data, so the next header cannot be located.
            if header.le16(6) & 0x8 != 0 { break }
            offset = dataOffset + member.compressedSize
        }
        return found
    }
}
