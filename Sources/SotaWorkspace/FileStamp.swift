import FoundationEssentials
import Glibc

/// What `stat` says about a file's identity and last change: enough to tell, without reading it, that it is the
/// same file with the same bytes as when it was last read.
///
/// Size and modification time alone miss an edit that keeps the size within one timestamp tick, and a file
/// replaced by a rename can carry any time; the inode and the change time (which nobody can set back) catch those.
package struct FileStamp: Sendable, Equatable {
    /// Size in bytes.
    package var size: Int64
    /// Modification time, nanoseconds since 1970.
    package var modified: Int64
    /// Status change time, nanoseconds since 1970.
    package var changed: Int64
    /// The inode number.
    package var inode: UInt64

    /// Creates a stamp directly.
    package init(size: Int64, modified: Int64, changed: Int64, inode: UInt64) {
        self.size = size
        self.modified = modified
        self.changed = changed
        self.inode = inode
    }

    /// The stamp of the file at `path` (symbolic links followed), nil when it cannot be stat'ed.
    package init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        self.init(info)
    }

    /// The stamp of the file at `relative` inside the open folder `folder` (symbolic links followed), nil when it
    /// cannot be stat'ed: the kernel walks the short relative path only, which halves the cost of thousands of stamps.
    package init?(in folder: Int32, relative: String) {
        var info = stat()
        guard fstatat(folder, relative, &info, 0) == 0 else { return nil }
        self.init(info)
    }

    private init(_ info: stat) {
        size = Int64(info.st_size)
        modified = Self.nanoseconds(info.st_mtim)
        changed = Self.nanoseconds(info.st_ctim)
        inode = UInt64(info.st_ino)
    }

    /// A file time in nanoseconds since 1970, saturated: `touch -d @99999999999999` is a valid time on some file
    /// systems, and its nanoseconds do not fit an Int64.
    private static func nanoseconds(_ time: timespec) -> Int64 {
        let (scaled, overflow) = Int64(time.tv_sec).multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return time.tv_sec < 0 ? .min : .max }
        let (sum, carry) = scaled.addingReportingOverflow(Int64(time.tv_nsec))
        return carry ? .max : sum
    }

    /// True when the file changed so shortly before `now` that another write in the same timestamp tick could
    /// still follow unseen; such a stamp does not prove the bytes are the ones read.
    func isRacy(now: Date) -> Bool {
        let settled = Int64((now.timeIntervalSince1970 - 2) * 1e9)
        return max(modified, changed) >= settled
    }
}
