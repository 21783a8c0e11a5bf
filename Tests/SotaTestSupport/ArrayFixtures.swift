import SotaSupport

/// Builds NPY and NPZ files in memory, so data tests need no numpy.
public enum ArrayFixtures {
    /// An NPY v1.0 file: header padded to 64 bytes, then `dataBytes` bytes (zeros unless given).
    public static func npy(descr: String, shape: [Int], dataBytes: Int? = nil, fill: UInt8 = 0) -> [UInt8] {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0]
        bytes += [UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)]
        bytes += Array(header.utf8)
        let itemSize = Int(descr.dropFirst(2)) ?? 1
        let count = dataBytes ?? shape.reduce(1, *) * itemSize
        bytes += [UInt8](repeating: fill, count: count)
        return bytes
    }

    /// A stored (uncompressed) ZIP of `members`, as numpy.savez writes.
    public static func zip(_ members: [(name: String, bytes: [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        var directory: [UInt8] = []
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
        func le32(_ v: Int) -> [UInt8] { le16(v & 0xFFFF) + le16((v >> 16) & 0xFFFF) }
        for member in members {
            let name = Array(member.name.utf8)
            let crc = crc32(member.bytes)
            let offset = out.count
            out += le32(0x0403_4B50) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0x21)
            out += le32(crc) + le32(member.bytes.count) + le32(member.bytes.count) + le16(name.count) + le16(0) + name
            out += member.bytes
            directory += le32(0x0201_4B50) + le16(20) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0x21)
            directory += le32(crc) + le32(member.bytes.count) + le32(member.bytes.count) + le16(name.count)
            directory += le16(0) + le16(0) + le16(0) + le16(0) + le32(0) + le32(offset) + name
        }
        let directoryOffset = out.count
        out += directory
        out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(members.count) + le16(members.count)
        out += le32(directory.count) + le32(directoryOffset) + le16(0)
        return out
    }

    private static func crc32(_ bytes: [UInt8]) -> Int {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return Int(crc ^ 0xFFFF_FFFF)
    }
}
