import FoundationEssentials
import SotaSupport
import SotaRunRecord
import SotaConfig
import SotaGit
import SotaIndex
import SotaPlan
import SotaWorkspace

/// Undoes the last standing promotion to a production config: restores the config it replaced and marks the
/// promotion rolled back everywhere ``Promotion`` recorded it (the production history, the leaderboard and the
/// experiment's `metadata.json`).
package struct Rollback {
    /// What to roll back.
    package struct Request: Sendable {
        /// The production config's name (`NAME` or `NAME.yaml`).
        package var name: String
        /// The production folder, relative to the project root.
        package var productionDirectory: String
        /// Commit the restored config with git.
        package var commit: Bool
        /// When.
        package var now: Date

        /// Creates a request.
        package init(name: String, productionDirectory: String = "configs", commit: Bool = false, now: Date = Date()) {
            self.name = name
            self.productionDirectory = productionDirectory
            self.commit = commit
            self.now = now
        }
    }

    /// What a rollback did.
    package struct Result: Sendable, Equatable {
        /// The production config, relative to the project root.
        package var productionPath: String
        /// The kept config restored there, relative to the project root.
        package var restored: String
        /// Where the rolled-back config was kept, relative to the project root; nil when it equalled the restored one.
        package var kept: String?
        /// The commit made, when asked for.
        package var commitID: String?
        /// The experiment's `metadata.json` that recorded the rollback, if any.
        package var metadataPath: String?
    }

    /// The project.
    package var project: Project
    /// The leaderboard the promotion was recorded in.
    package var board: Leaderboard
    /// The environment (`USER` when git names no author).
    package var environment: [String: String]

    /// Creates the operation.
    package init(project: Project, board: Leaderboard, environment: [String: String]) {
        self.project = project
        self.board = board
        self.environment = environment
    }

    /// Restores the config the last standing promotion to `<productionDirectory>/<name>` replaced.
    ///
    /// - Throws: ``ConfigPromotion/Refusal`` (nothing to roll back, or the kept config is gone), `GitCommitter.Failure`,
    ///   ``WorkspaceError`` or `LeaderboardError`.
    package func callAsFunction(_ request: Request) throws -> Result {
        let file = try ConfigPromotion.fileName(for: request.name)
        let folder = try ConfigPromotion.productionFolder(request.productionDirectory, project: project)
        let productionPath = Paths.relative(Paths.join(folder, file), to: project.root)
        guard let last = try board.promotions(productionPath: productionPath).first(where: \.isCurrent) else {
            throw ConfigPromotion.Refusal("no promotion to \(productionPath) is recorded (or every one was rolled back already)",
                                          hint: "see the history with: sota experiment show NAME")
        }
        guard let previous = last.previousPath else {
            throw ConfigPromotion.Refusal("\(productionPath) had no production config before run \(last.runID)'s promotion, so there is nothing to restore",
                                          hint: "to retire it, delete \(productionPath) yourself")
        }
        if request.commit { _ = try GitCommitter().preflight(in: project.root) }
        let kept = try ConfigPromotion.rollback(productionPath: productionPath, previous: previous, project: project)
        var commitID: String?
        if request.commit {
            commitID = try GitCommitter().commit(files: [project.resolve(productionPath)],
                                                 message: "Roll back \(productionPath) to the config before run \(last.runID)\n\nRestored from: \(previous)\n",
                                                 in: project.root).id
        }
        let time = Timestamp.string(request.now), who = Promotion.person(in: project, environment: environment)
        try board.markPromotionRolledBack(id: last.id, at: time, by: who)
        try ProductionHistory(productionFolder: folder, projectRoot: project.root)
            .markRolledBack(destination: productionPath, promotedAt: last.promotedAt, at: time, by: who)
        let metadata = try Workspace(project: project).recordRollback(destination: productionPath, promotedAt: last.promotedAt,
                                                                      configPath: project.resolve(last.configPath), at: time)
        return Result(productionPath: productionPath, restored: previous, kept: kept, commitID: commitID, metadataPath: metadata)
    }
}
