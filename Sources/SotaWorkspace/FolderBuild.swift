import FoundationEssentials
import Glibc
import SotaSupport

/// The file operations experiments are made and moved with, each failing with a message naming the path.
enum FolderBuild {
    /// Creates `path` as a folder unless it is one; a file in its place is an error.
    static func make(_ path: String) throws(WorkspaceError) {
        switch Paths.kind(of: path) {
        case .directory: return
        case .missing:
            guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
                throw .file(FileError(path: path, operation: "create the folder", errno: errno))
            }
        default:
            throw .notAFolder(path: path)
        }
    }

    /// Writes `text` atomically.
    static func write(_ text: String, to path: String) throws(WorkspaceError) {
        do {
            try AtomicFile.write(text, to: path)
        } catch {
            throw .file(error)
        }
    }

    /// Renames `source` to `target` in one step, refusing to replace anything already at `target`.
    ///
    /// The check before the rename leaves a window only for a user racing their own command; rename(2) itself
    /// would replace an empty folder silently.
    static func moveNoReplace(_ source: String, to target: String, display: String) throws(WorkspaceError) {
        guard Paths.kind(of: target) == .missing else { throw .targetExists(path: display) }
        guard rename(source, target) == 0 else {
            let code = errno
            if code == EEXIST || code == ENOTEMPTY { throw .targetExists(path: display) }
            throw .file(FileError(path: source, operation: "move to \(display)", errno: code))
        }
    }
}
