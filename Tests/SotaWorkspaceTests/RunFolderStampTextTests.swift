import SotaSupport
import Testing
@testable import SotaWorkspace

/// The stored stamp text of an unfinished run is compared with a fresh stamp number by number, without formatting
/// it: the comparison must agree with comparing the formatted text, and refuse anything sota did not write.
@Suite struct RunFolderStampTextTests {
    @Test func readsBackEveryStampItsTextNames() {
        var generator = SystemRandomNumberGenerator()
        var stamps = (0..<500).map { _ in
            FileStamp(size: Int64.random(in: 0...Int64.max, using: &generator), modified: Int64.random(in: .min ... .max, using: &generator),
                      changed: Int64.random(in: .min ... .max, using: &generator), inode: UInt64.random(in: 0...UInt64(Int64.max), using: &generator))
        }
        stamps += [FileStamp(size: 0, modified: .min, changed: .max, inode: 0), FileStamp(size: 1, modified: -1, changed: 0, inode: 1)]
        for stamp in stamps {
            let text = RunFolderIndex.text(stamp)
            #expect(RunFolderIndex.text(text, names: stamp), "\(text)")
            var other = stamp
            other.inode = stamp.inode == 0 ? 1 : stamp.inode - 1
            #expect(!RunFolderIndex.text(text, names: other))
            other = stamp
            other.changed = stamp.changed == 0 ? 1 : 0
            #expect(!RunFolderIndex.text(text, names: other))
        }
    }

    @Test func refusesTextSotaDidNotWrite() {
        let stamp = FileStamp(size: 12, modified: 34, changed: 56, inode: 78)
        #expect(RunFolderIndex.text("12:34:56:78", names: stamp))
        for text in ["", "12:34:56", "12:34:56:78:9", "12:34::56:78", "12:34:56:78 ", "+12:34:56:78", "12:3-4:56:78", "--12:34:56:78",
                     "12:34:56:99999999999999999999", "x", ":12:34:56:78"] {
            #expect(!RunFolderIndex.text(text, names: stamp), "\(text)")
        }
        // An inode past Int64.max is written in full and never trusted: it reads as changed, so it is read again.
        let huge = FileStamp(size: 1, modified: 2, changed: 3, inode: UInt64.max)
        #expect(!RunFolderIndex.text(RunFolderIndex.text(huge), names: huge))
    }
}
