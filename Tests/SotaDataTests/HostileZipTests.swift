import SotaData
import SotaTestSupport
import Testing

/// ZIP64 fields are unsigned 64-bit numbers read from the file: values past Int's range, or sums of them, must
/// make the NPZ "damaged", never stop sota (found by the issue 13 audit).
@Suite struct HostileZipTests {
    private func le16(_ v: Int) -> [UInt8] { [UInt8(truncatingIfNeeded: v), UInt8(truncatingIfNeeded: v >> 8)] }
    private func le32(_ v: Int) -> [UInt8] { le16(v) + le16(v >> 16) }
    private func le64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }

    /// A valid NPZ with a ZIP64 end record and locator inserted before its end record, holding `count`, `size` and
    /// `offset` for the central directory, and the locator pointing at `recordOffset` (nil: the real record).
    private func zip64(count: UInt64, size: UInt64, offset: UInt64, recordOffset: UInt64? = nil) -> [UInt8] {
        let plain = ArrayFixtures.zip([("u.npy", ArrayFixtures.npy(descr: "<f4", shape: [2, 3]))])
        let body = Array(plain.dropLast(22)), end = Array(plain.suffix(22))
        var record = le32(0x0606_4B50) + le64(44) + le16(45) + le16(45) + le32(0) + le32(0)
        record += le64(count) + le64(count) + le64(size) + le64(offset)
        let locator = le32(0x0706_4B50) + le32(0) + le64(recordOffset ?? UInt64(body.count)) + le32(1)
        return body + record + locator + end
    }

    @Test func hostileZip64DirectoryFieldsAreDamageNotATrap() throws {
        let folder = TemporaryDirectory()
        let huge = UInt64.max, big = UInt64(Int.max)
        let cases: [(String, [UInt8])] = [
            ("negative count", zip64(count: huge, size: 60, offset: 0)),
            ("huge size", zip64(count: 1, size: big, offset: 10)),
            ("size past 2^63", zip64(count: 1, size: huge, offset: 0)),
            ("huge offset", zip64(count: 1, size: 10, offset: big)),
            ("offset past 2^63", zip64(count: 1, size: 10, offset: huge)),
            ("record offset past 2^63", zip64(count: 1, size: 10, offset: 0, recordOffset: huge)),
            ("record offset at Int.max", zip64(count: 1, size: 10, offset: 0, recordOffset: big)),
        ]
        for (label, bytes) in cases {
            let path = folder.write("\(label).npz", bytes)
            let file = try ArrayFile.inspect(path: path)
            #expect(file.problem != nil || file.members.contains { $0.problem != nil }, "\(label)")
        }
    }

    @Test func hostileZip64MemberSizesAreDamageNotATrap() throws {
        let folder = TemporaryDirectory()
        let npy = ArrayFixtures.npy(descr: "<f4", shape: [2, 3])
        for value in [UInt64.max, UInt64(Int.max), UInt64(Int.max) - 10, 1 << 62, 1 << 63] {
            // One stored member whose central entry sends its sizes and offset to a ZIP64 extra field.
            let name = Array("u.npy".utf8)
            let extra = le16(1) + le16(24) + le64(value) + le64(value) + le64(value)
            var out = le32(0x0403_4B50) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0)
            out += le32(npy.count) + le32(npy.count) + le16(name.count) + le16(0) + name + npy
            let directoryOffset = out.count
            var directory = le32(0x0201_4B50) + le16(45) + le16(45) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0)
            directory += le32(0xFFFF_FFFF) + le32(0xFFFF_FFFF) + le16(name.count) + le16(extra.count) + le16(0) + le16(0) + le16(0)
            directory += le32(0) + le32(0xFFFF_FFFF) + name + extra
            out += directory + le32(0x0605_4B50) + le16(0) + le16(0) + le16(1) + le16(1) + le32(directory.count) + le32(directoryOffset) + le16(0)
            let path = folder.write("member-\(value).npz", out)
            let file = try ArrayFile.inspect(path: path)
            #expect(file.problem != nil || file.members.contains { $0.problem != nil } || file.members.isEmpty, "\(value)")
        }
    }
}
