import FoundationEssentials
import Glibc
import SotaSupport

extension ArchiveJournal {
    /// Checks every move against what sota itself writes, before any is made: each `from` and `to` is one experiment
    /// folder (`YYYY-MM-DD-name`, the move's `name`) directly inside `experiments/` or `experiments-archive/`, an
    /// archive goes from the first to the second and a restore back, no folder involved is a symbolic link, and the
    /// two location folders are real folders of the project.
    ///
    /// The journal is a plain file anyone can edit; trusting it would let it move an experiment anywhere the user
    /// can write, or pull an outside folder into the project.
    ///
    /// - Parameters:
    ///   - workspace: the project whose folders moves are confined to.
    ///   - display: the journal's path as messages show it.
    /// - Throws: ``WorkspaceError/damagedJournal(file:entry:problem:)`` naming the first bad entry.
    func checkConfined(to workspace: Workspace, display: String) throws(WorkspaceError) {
        let (source, target): (Workspace.Location, Workspace.Location) = operation == .archive ? (.active, .archived) : (.archived, .active)
        let root = Paths.resolved(workspace.project.root) ?? workspace.project.root
        for location in [source, target] {
            let folder = workspace.folder(location)
            guard !Self.isSymbolicLink(folder) else {
                throw .damagedJournal(file: display, entry: nil, problem: "\(location.folder)/ is a symbolic link; sota moves experiments only between the project's own folders")
            }
            if let resolved = Paths.resolved(folder), Paths.parent(of: resolved) != root {
                throw .damagedJournal(file: display, entry: nil, problem: "\(location.folder)/ lies outside the project (\(resolved))")
            }
        }
        for (index, move) in moves.enumerated() {
            func damaged(_ problem: String) -> WorkspaceError { .damagedJournal(file: display, entry: index, problem: problem) }
            for (key, path, location) in [("from", move.from, source), ("to", move.to, target)] {
                guard let folder = Self.folderName(path, in: location) else {
                    throw damaged("`\(key)` is \(WorkspaceError.shown(path)), not an experiment folder directly inside \(location.folder)/ (\(operation == .archive ? "an archive" : "a restore") moves from \(source.folder)/ to \(target.folder)/)")
                }
                guard folder.name.text == move.name else {
                    throw damaged("`\(key)` is `\(path)`, a folder of experiment `\(folder.name)`, not of \(WorkspaceError.shown(move.name))")
                }
                guard !Self.isSymbolicLink(workspace.project.resolve(path)) else {
                    throw damaged("`\(key)` \(path) is a symbolic link")
                }
            }
            if operation == .archive, Paths.lastComponent(of: move.from) != Paths.lastComponent(of: move.to) {
                throw damaged("an archive keeps the folder's name, but `from` is \(move.from) and `to` is \(move.to)")
            }
        }
    }

    /// The experiment folder name of `path` when it is exactly `<location folder>/<YYYY-MM-DD-name>`.
    private static func folderName(_ path: String, in location: Workspace.Location) -> ExperimentFolderName? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == location.folder else { return nil }
        return ExperimentFolderName(parsing: String(parts[1]))
    }

    /// True when `path` itself is a symbolic link (a missing path is not).
    private static func isSymbolicLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK
    }
}
