import FoundationEssentials

/// A folder only sota writes into (`reports/`, a production folder's `.previous/`), which git should ignore.
///
/// Each such folder gets a `.gitignore` holding `*` when sota creates it: what sota writes there is output, not
/// source, and a work tree made dirty by it would make `sota launch` (which refuses uncommitted changes) refuse
/// after a harmless `sota report --weekly`. The file ignores itself too, so nothing shows up in `git status`.
package enum OwnedFolder {
    /// The ignore file's name.
    package static let ignoreFileName = ".gitignore"
    /// What it holds: everything in the folder, itself included, is ignored.
    static let ignoreContent = "# Written by sota: everything here is sota's output.\n*\n"

    /// Creates `path` (and missing parents) unless it exists, and gives it its `.gitignore` if it has none.
    ///
    /// An existing folder without one gets it too: git must ignore what sota writes there from now on.
    ///
    /// - Throws: ``FileError`` naming `display` when the folder cannot be created or the file written.
    package static func prepare(_ path: String, display: String) throws(FileError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            let blocked = Paths.nearestExistingAncestor(of: path)
            let reason = Paths.kind(of: blocked) == .directory ? SystemErrorText.reason(error) : "\(blocked) is not a folder"
            throw FileError(path: display, operation: "create the folder", reason: reason)
        }
        let ignore = Paths.join(path, ignoreFileName)
        guard Paths.kind(of: ignore) == .missing else { return }
        do {
            try AtomicFile.write(ignoreContent, to: ignore)
        } catch {
            throw FileError(path: Paths.join(display, ignoreFileName), operation: error.operation, reason: error.reason)
        }
    }
}
