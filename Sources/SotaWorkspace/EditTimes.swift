import FoundationEssentials
import Glibc
import SotaSupport
import SotaGit

/// When someone last edited an experiment's files.
///
/// A file that git checked out and nobody touched since carries the checkout's time, not an edit's, so tracked
/// files whose time and size still match git's index are left to the commit history; `metadata.json` is sota's
/// own bookkeeping and never counts.
enum EditTimes {
    /// When the file at `path` was last edited, or nil when it is untouched since git wrote it (or missing).
    static func newest(file path: String, display: String, stamps: [String: IndexedFileStamp]) -> Date? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        let seconds = Int(info.st_mtim.tv_sec)
        if let stamp = stamps[display], stamp.modifiedSeconds == seconds, stamp.size == UInt32(truncatingIfNeeded: info.st_size) { return nil }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// The newest edit under `folder`, or nil when every file is untouched since checkout.
    static func newest(in folder: String, display: String, stamps: [String: IndexedFileStamp]) -> Date? {
        var newest: Int?
        var pending = [(folder, display)]
        while let (path, shown) = pending.popLast() {
            guard let directory = opendir(path) else { continue }
            defer { closedir(directory) }
            while let entry = readdir(directory) {
                let name = withUnsafePointer(to: entry.pointee.d_name) { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
                if name == "." || name == ".." || (path == folder && name == ExperimentMetadata.fileName) { continue }
                let child = Paths.join(path, name), childShown = Paths.join(shown, name)
                var info = stat()
                guard lstat(child, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFDIR:
                    pending.append((child, childShown))
                case S_IFREG, S_IFLNK:
                    let seconds = Int(info.st_mtim.tv_sec)
                    if let stamp = stamps[childShown], stamp.modifiedSeconds == seconds, stamp.size == UInt32(truncatingIfNeeded: info.st_size) {
                        continue
                    }
                    newest = max(newest ?? seconds, seconds)
                default:
                    continue
                }
            }
        }
        return newest.map { Date(timeIntervalSince1970: TimeInterval($0)) }
    }
}
