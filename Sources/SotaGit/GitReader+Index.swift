import CLibGit2
import FoundationEssentials
import SotaSupport

/// What git's index remembers of a tracked file when it was last checked out or staged.
package struct IndexedFileStamp: Sendable, Equatable {
    /// Modification time in whole seconds since 1970.
    package var modifiedSeconds: Int
    /// Size in bytes (truncated to 32 bits, as the index stores it).
    package var size: UInt32

    /// Creates a stamp.
    package init(modifiedSeconds: Int, size: UInt32) {
        self.modifiedSeconds = modifiedSeconds
        self.size = size
    }
}

extension GitReader {
    /// The index's stamps of tracked files under `folders`, keyed by path relative to `repository`.
    ///
    /// A file whose modification time and size still equal its stamp has not been touched since git wrote it, so
    /// its modification time says when it was checked out, not when someone worked on it.
    ///
    /// - Returns: an empty map outside a repository or when the index cannot be read.
    package func indexedFileStamps(under folders: [String], in repository: String) -> [String: IndexedFileStamp] {
        guard let handle = Self.openRepository(at: repository) else { return [:] }
        defer { git_repository_free(handle) }
        guard let base = Self.workTreeLocation(of: repository, in: handle) else { return [:] }
        var index: OpaquePointer?
        guard git_repository_index(&index, handle) == 0, let index else { return [:] }
        defer { git_index_free(index) }
        let prefix = base.isEmpty ? "" : base + "/"
        let wanted = folders.map { prefix + Paths.normalize($0) + "/" }
        var stamps: [String: IndexedFileStamp] = [:]
        for position in 0..<git_index_entrycount(index) {
            guard let entry = git_index_get_byindex(index, position)?.pointee, let raw = entry.path else { continue }
            let path = String(cString: raw)
            guard wanted.contains(where: { path.hasPrefix($0) }) else { continue }
            stamps[String(path.dropFirst(prefix.count))] = IndexedFileStamp(modifiedSeconds: Int(entry.mtime.seconds), size: entry.file_size)
        }
        return stamps
    }
}
