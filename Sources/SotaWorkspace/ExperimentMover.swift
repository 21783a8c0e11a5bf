import FoundationEssentials
import Glibc
import SotaSupport
import SotaPlan
import SotaRunRecord

/// Moves experiments between `experiments/` and `experiments-archive/`, crash-safely.
///
/// Under an exclusive `flock` on the `experiments-archive/` folder itself (no lock file to leave behind), every
/// check is made first (targets free, no run in progress, folders writable), then the journal is written, then
/// each experiment's metadata is updated inside its folder and the folder renamed in one step. Any later
/// command finishes an interrupted journal.
package struct ExperimentMover: Sendable {
    /// The workspace.
    package var workspace: Workspace
    /// The environment (for the `SOTA_FAULT_INJECT` crash-test hook).
    package var environment: [String: String]

    /// Creates a mover.
    package init(workspace: Workspace, environment: [String: String]) {
        self.workspace = workspace
        self.environment = environment
    }

    private var archiveFolder: String { workspace.folder(.archived) }
    private var journalPath: String { Paths.join(archiveFolder, ArchiveJournal.fileName) }
    private var journalDisplay: String { "experiments-archive/\(ArchiveJournal.fileName)" }

    /// Finishes an interrupted archive or restore, if a journal says one was under way and no other sota is
    /// working on it.
    ///
    /// - Returns: what was done, one line per move.
    @discardableResult
    package func recover() throws(WorkspaceError) -> [String] {
        guard Paths.kind(of: journalPath) == .file else { return [] }
        return try withLock(wait: false) { () throws(WorkspaceError) in try finishJournal() } ?? []
    }

    /// Archives the experiments of `summaries` (healthy ones, as a survey found them), as of `now`.
    ///
    /// - Throws: ``WorkspaceError`` before anything moves: a target exists, a run is in progress, a folder is
    ///   not writable.
    package func archive(_ summaries: [ExperimentSummary], now: Date) throws(WorkspaceError) -> [ArchiveJournal.Move] {
        guard !summaries.isEmpty else { return [] }
        try FolderBuild.make(archiveFolder)
        return try withLock(wait: true) { () throws(WorkspaceError) in
            try finishJournal()
            let moves = summaries.map { summary in
                ArchiveJournal.Move(name: summary.name, from: summary.folder.display,
                                    to: "\(Workspace.Location.archived.folder)/\(summary.folder.name)")
            }
            for (summary, move) in zip(summaries, moves) {
                if let run = summary.runs.first(where: { $0.status == "running" && RunDirectoryLock.isHeld(runDirectory: $0.directory) }) {
                    throw .runInProgress(name: summary.name, runID: run.id)
                }
                try checkMovable(move)
            }
            let journal = ArchiveJournal(operation: .archive, started: Timestamp.string(now), moves: moves)
            try writeJournal(journal)
            faultPoint("archive:after-journal")
            for (index, (summary, move)) in zip(summaries, moves).enumerated() {
                try apply(move, of: journal, snapshot: summary)
                faultPoint("archive:after-move:\(index + 1)")
            }
            removeJournal()
            return moves
        }!
    }

    /// Moves the archived experiment back to `experiments/<day of now>-<name>/`, recording where it came from.
    package func restore(_ summary: ExperimentSummary, now: Date) throws(WorkspaceError) -> ArchiveJournal.Move {
        try withLock(wait: true) { () throws(WorkspaceError) in
            try finishJournal()
            let day = ExperimentCreation.day(now)
            let move = ArchiveJournal.Move(name: summary.name, from: summary.folder.display,
                                           to: "\(Workspace.Location.active.folder)/\(day)-\(summary.name)")
            try FolderBuild.make(workspace.folder(.active))
            try checkMovable(move)
            let journal = ArchiveJournal(operation: .restore, started: Timestamp.string(now), moves: [move])
            try writeJournal(journal)
            faultPoint("restore:after-journal")
            try apply(move, of: journal, snapshot: summary)
            removeJournal()
            return move
        }!
    }

    // MARK: - Steps

    private func checkMovable(_ move: ArchiveJournal.Move) throws(WorkspaceError) {
        let source = workspace.project.resolve(move.from), target = workspace.project.resolve(move.to)
        guard Paths.kind(of: target) == .missing else { throw .targetExists(path: move.to) }
        for folder in [Paths.parent(of: source), Paths.parent(of: target), source] where !Paths.isWritable(folder) {
            throw .file(FileError(path: workspace.display(folder), operation: "move \(move.from)", reason: "the folder is not writable"))
        }
    }

    /// Updates the metadata inside the folder, then renames the folder; both steps are safe to repeat.
    private func apply(_ move: ArchiveJournal.Move, of journal: ArchiveJournal, snapshot: ExperimentSummary?) throws(WorkspaceError) {
        let source = workspace.project.resolve(move.from), target = workspace.project.resolve(move.to)
        let metadataPath = Paths.join(source, ExperimentMetadata.fileName)
        if var metadata = try? ExperimentMetadata.read(path: metadataPath, display: move.from) {
            switch journal.operation {
            case .archive:
                metadata.status = LifecycleState.archived.rawValue
                metadata.archivedAt = journal.started
            case .restore:
                metadata.status = LifecycleState.active.rawValue
                metadata.archivedAt = nil
                metadata.restoredFrom = move.from
                metadata.restoredAt = journal.started
            }
            if let snapshot {
                metadata.runs = snapshot.runs.map(\.id)
                metadata.bestMetrics = snapshot.bestMetrics
                if let activity = snapshot.lastActivity { metadata.lastActivity = Timestamp.string(activity) }
            }
            try metadata.write(to: metadataPath)
        }
        try FolderBuild.moveNoReplace(source, to: target, display: move.to)
    }

    /// Completes every move of a journal left by an interrupted command, then removes it.
    @discardableResult
    private func finishJournal() throws(WorkspaceError) -> [String] {
        guard let journal = try ArchiveJournal.read(path: journalPath, display: journalDisplay) else { return [] }
        try journal.checkConfined(to: workspace, display: journalDisplay)
        var report: [String] = []
        for move in journal.moves {
            let source = workspace.project.resolve(move.from), target = workspace.project.resolve(move.to)
            switch (Paths.kind(of: source) == .directory, Paths.kind(of: target) == .directory) {
            case (true, false):
                try apply(move, of: journal, snapshot: nil)
                report.append("finished an interrupted \(journal.operation.rawValue): \(move.from) -> \(move.to)")
            case (false, true):
                continue
            case (true, true):
                report.append("left \(move.from) in place: \(move.to) exists too")
            case (false, false):
                report.append("\(move.from) is in neither place; nothing to finish")
            }
        }
        removeJournal()
        return report
    }

    private func writeJournal(_ journal: ArchiveJournal) throws(WorkspaceError) {
        do {
            try AtomicFile.write(journal.encoded(), to: journalPath, durable: true)
        } catch {
            throw .file(error)
        }
    }

    private func removeJournal() {
        unlink(journalPath)
    }

    /// Runs `body` holding the archive lock; with `wait` false, returns nil at once when another process holds it.
    private func withLock<T>(wait: Bool, _ body: () throws(WorkspaceError) -> T) throws(WorkspaceError) -> T? {
        let path = archiveFolder
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw .file(FileError(path: workspace.display(path), operation: "lock", errno: errno))
        }
        defer { close(fd) }
        let deadline = ContinuousClock.now + .seconds(30)
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            guard wait, errno == EWOULDBLOCK, ContinuousClock.now < deadline else {
                if !wait { return nil }
                throw .file(FileError(path: workspace.display(path), operation: "lock", reason: "another sota archive or restore holds it"))
            }
            usleep(20_000)
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    /// Crash-test hook: when `SOTA_FAULT_INJECT` names this point (`archive:after-journal`,
    /// `archive:after-move:N`, `restore:after-journal`), sota kills itself with SIGKILL right here.
    private func faultPoint(_ name: String) {
        guard environment["SOTA_FAULT_INJECT"] == name else { return }
        kill(getpid(), SIGKILL)
    }
}
