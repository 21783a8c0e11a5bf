import Foundation
import SotaSupport
import SotaConfig
import SotaGit
import SotaIndex
import SotaPlan
import SotaRunRecord

/// Promotes a gated config to production and records it everywhere a promotion is known: the production folder's
/// history (`.previous/promotions.json`), the leaderboard, and the experiment's `metadata.json`.
///
/// The one promotion path of `sota promote` and `sota run --promote`, so both leave the same files behind and the
/// leaderboard's promotions can always be rebuilt from them.
public struct Promotion {
    /// What to promote.
    public struct Request: Sendable {
        /// The training config.
        public var config: RunConfig
        /// The run whose gates justify it; nil when forced without one.
        public var runID: String?
        /// The production folder, relative to the project root.
        public var productionDirectory: String
        /// The production file name, when not the experiment's.
        public var rename: String?
        /// Who promotes (`Name <email>`, else a user name).
        public var promotedBy: String?
        /// Commit the production config with git.
        public var commit: Bool
        /// When.
        public var now: Date

        /// Creates a request.
        public init(config: RunConfig, runID: String?, productionDirectory: String = "configs", rename: String? = nil,
                    promotedBy: String?, commit: Bool = false, now: Date = Date()) {
            self.config = config
            self.runID = runID
            self.productionDirectory = productionDirectory
            self.rename = rename
            self.promotedBy = promotedBy
            self.commit = commit
            self.now = now
        }
    }

    /// What a promotion did.
    public struct Result: Sendable {
        /// The production file and the config it replaced.
        public var outcome: ConfigPromotion.Outcome
        /// The leaderboard's record; nil when production already held the config.
        public var record: PromotionRecord?
        /// The `gate metric[phase] value` summary of the run, for messages.
        public var metricSummary: String
        /// The experiment's `metadata.json` that recorded it, when the config is an experiment's.
        public var metadataPath: String?
        /// Records that could not be written after production changed (the promotion stands).
        public var warnings: [String]
    }

    /// The workspace of the project.
    public var workspace: Workspace
    /// The leaderboard the promotion is recorded in.
    public var board: Leaderboard

    /// Creates the use case.
    public init(workspace: Workspace, board: Leaderboard) {
        self.workspace = workspace
        self.board = board
    }

    /// Checks what can be checked before a run starts: the production file name and folder, and that the
    /// experiment's metadata (where the promotion will be recorded) can be read.
    ///
    /// - Throws: ``ConfigPromotion/Refusal`` or ``WorkspaceError``.
    public static func preflight(_ config: RunConfig, workspace: Workspace, productionDirectory: String = "configs", rename: String? = nil) throws {
        _ = try ConfigPromotion.fileName(for: rename ?? config.experiment)
        _ = try ConfigPromotion.productionFolder(productionDirectory, project: workspace.project)
        _ = try workspace.promotionMetadata(forConfig: config.path)
    }

    /// Copies the config into production, commits it when asked, and records the promotion.
    ///
    /// - Throws: ``ConfigPromotion/Refusal``, ``WorkspaceError``, `GitCommitter.Failure` or a file error, before
    ///   production changes or with production put back; failures to record after that are ``Result/warnings``.
    public func promote(_ request: Request) throws -> Result {
        let project = workspace.project, config = request.config, runID = request.runID ?? ""
        if request.commit { _ = try GitCommitter().preflight(in: project.root) }
        // The experiment's metadata must be readable before production changes, since the promotion is recorded there.
        _ = try workspace.promotionMetadata(forConfig: config.path)
        let outcome = try ConfigPromotion.promote(config, runID: runID.isEmpty ? "none (forced)" : runID, project: project,
                                                  productionDirectory: request.productionDirectory, rename: request.rename, at: request.now)
        let summary = runID.isEmpty ? "" : ((try? metricSummary(runID)) ?? "")
        if outcome.unchanged { return Result(outcome: outcome, record: nil, metricSummary: summary, metadataPath: nil, warnings: []) }
        var commitID: String?
        if request.commit {
            let message = "Promote \(config.experiment) to \(outcome.destination)\n\n"
                + (runID.isEmpty ? "Forced: no run passed every gate.\n" : "Run: \(runID)\(summary.isEmpty ? "" : "\nMetrics: \(summary)")\n")
                + "Config: \(Paths.relative(config.path, to: project.root)) (sha256 \(config.hash))\n"
            do {
                commitID = try GitCommitter().commit(files: [project.resolve(outcome.destination)], message: message, in: project.root).id
            } catch {
                // Without its commit the promotion did not happen: production goes back to what it held.
                if let previous = outcome.previous {
                    _ = try? ConfigPromotion.rollback(productionPath: outcome.destination, previous: previous, project: project)
                } else {
                    unlink(project.resolve(outcome.destination))
                }
                throw error
            }
        }
        let record = PromotionRecord(
            runID: runID, experiment: config.experiment, configPath: Paths.relative(config.path, to: project.root),
            productionPath: outcome.destination, promotedAt: Timestamp.string(request.now), promotedBy: request.promotedBy,
            forced: runID.isEmpty, previousPath: outcome.previous, gitCommit: commitID
        )
        // Production holds the promotion now: each record is attempted, and a failure is reported rather than undone.
        var warnings: [String] = []
        do {
            try history(of: outcome.destination).append(ProductionHistory.Entry(record))
        } catch {
            warnings.append("the production history was not updated: \(error)")
        }
        do {
            try board.recordPromotion(record)
        } catch {
            warnings.append("the leaderboard was not updated: \(error) (`sota leaderboard --rebuild` restores it from the files)")
        }
        var metadata: String?
        do {
            metadata = try workspace.recordPromotion(
                .init(runID: runID, destination: outcome.destination, at: record.promotedAt, forced: record.forced, by: request.promotedBy,
                      previous: outcome.previous, commit: commitID),
                forConfig: config.path)
        } catch {
            warnings.append("the experiment's metadata was not updated: \(error)")
        }
        return Result(outcome: outcome, record: record, metricSummary: summary, metadataPath: metadata, warnings: warnings)
    }

    /// The history of the production folder holding `destination` (relative to the project root).
    public func history(of destination: String) -> ProductionHistory {
        ProductionHistory(productionFolder: Paths.parent(of: workspace.project.resolve(destination)), projectRoot: workspace.project.root)
    }

    /// `nrmse[full_eval] 0.0123` style summary of a run's gated metrics.
    private func metricSummary(_ runID: String) throws -> String {
        guard let summary = try board.runSummary(id: runID) else { return "" }
        return summary.gates.map { "\($0.metric)[\($0.phase)] \($0.value.map { String(format: "%.4g", $0) } ?? "–")" }.joined(separator: ", ")
    }
}
