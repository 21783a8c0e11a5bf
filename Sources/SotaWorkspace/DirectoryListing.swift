import FoundationEssentials
import Glibc
import SotaSupport

/// A folder's entries with their kind from `readdir` itself, so listing ten thousand folders costs no `stat` each.
enum DirectoryListing {
    /// The entries of `path` (without `.` and `..`), sorted by name, each with whether it is a folder (symbolic
    /// links followed); nil when the folder cannot be read (`errno` says why).
    static func entries(of path: String) -> [(name: String, isDirectory: Bool)]? {
        guard let directory = opendir(path) else { return nil }
        defer { closedir(directory) }
        var entries: [(name: String, isDirectory: Bool)] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
            if name == "." || name == ".." { continue }
            let type = Int32(entry.pointee.d_type)
            let isDirectory = type == DT_DIR || ((type == DT_UNKNOWN || type == DT_LNK) && Paths.kind(of: Paths.join(path, name)) == .directory)
            entries.append((name, isDirectory))
        }
        return entries.sorted { $0.name < $1.name }
    }
}
