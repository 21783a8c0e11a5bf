import FoundationEssentials
import Glibc
import SotaSupport
import SotaRunRecord
import SotaConfig
import SotaIndex
import SotaWorkspace

/// Where the workspace commands read runs from: the index when it can serve, the run folders when it cannot.
///
/// The files are the truth and the index only mirrors them, so no problem with the index stops a command: a file
/// that is damaged, foreign or from a newer sota is left exactly as it is, reported as a warning, and the run
/// folders are read instead. A missing index is rebuilt from the run folders (leaderboard and workspace tables, with
/// the promotions the project's files record), with a warning, as `sota leaderboard --rebuild` would.
package struct WorkspaceIndexAccess: Sendable {
    /// Where the index lives and who chose the place.
    package struct Location: Sendable {
        /// The index file (absolute).
        package var path: String
        /// The index file as messages show it.
        package var display: String
        /// False when the user named the file (`SOTA_LEADERBOARD`): its folder must then exist.
        package var createsFolder: Bool

        /// Creates a location.
        package init(path: String, display: String, createsFolder: Bool) {
            self.path = path
            self.display = display
            self.createsFolder = createsFolder
        }
    }

    /// The runs source and what to warn about.
    package struct Access: Sendable {
        /// Where a survey reads runs from.
        package var source: WorkspaceSurvey.RunSource
        /// Warnings for standard error (the index was rebuilt, or could not be used).
        package var warnings: [String]
    }

    /// The source for `workspace`'s surveys, the index at `location` refreshed as of `now`.
    ///
    /// - Parameters:
    ///   - mayCreate: false for commands that never create the index (the weekly report): without one they read the folders.
    ///   - detailing: experiments whose every run the survey lists (`experiment show`, the archive's moves).
    package static func open(_ location: Location?, workspace: Workspace, now: Date, mayCreate: Bool = true,
                             detailing: Set<String> = [], mayWrite: @escaping @Sendable () -> Bool = { true }) -> Access {
        guard let location else { return Access(source: .folders, warnings: []) }
        let project = workspace.project
        let runsFolder = project.resolve(project.runsDirectory)
        let exists = Paths.kind(of: location.path) != .missing
        // Nothing to mirror and no index: nothing is created, as before the index served these commands.
        if !exists, !mayCreate || !holdsRunFolder(runsFolder) { return Access(source: .folders, warnings: []) }
        var warnings: [String] = []
        do {
            let board = try Leaderboard(path: location.path, createsFolder: location.createsFolder)
            if !exists {
                // As `sota leaderboard --rebuild` does; the runs it could not read are left to that command to list.
                let report = try board.rebuild(runDirectories: [runsFolder], promotions: workspace.recordedPromotions().promotions)
                warnings.append("the index \(location.display) was missing: rebuilt it from \(report.ingested) run\(report.ingested == 1 ? "" : "s") in \(project.runsDirectory)/")
            }
            var index = RunFolderIndex(board: board, runsFolder: runsFolder, display: project.runsDirectory, now: now)
            index.mayWrite = mayWrite
            index.preference = RankingPreference(project: project)
            return Access(source: .index(index, detailing: detailing), warnings: warnings)
        } catch {
            warnings.append("\(error); read the run folders instead (`sota leaderboard --rebuild` recreates the index)")
            return Access(source: .folders, warnings: warnings)
        }
    }

    /// True when `folder` holds a run folder (an entry with a manifest); stops at the first.
    private static func holdsRunFolder(_ folder: String) -> Bool {
        guard let stream = opendir(folder) else { return false }
        defer { closedir(stream) }
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if !name.hasPrefix("."), Paths.kind(of: Paths.join(Paths.join(folder, name), RunLayout.manifest)) == .file { return true }
        }
        return false
    }
}
