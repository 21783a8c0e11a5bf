import FoundationEssentials
import Glibc
import SotaSupport
import SotaRunRecord
import SotaConfig
import SotaGit
import SotaIndex
import SotaPlan
import SotaWorkspace

/// Promotes a training config into production and records it everywhere a promotion is known: the production
/// folder's history (`.previous/promotions.json`), the leaderboard, and the experiment's `metadata.json`.
///
/// The one promotion of `sota promote` and `sota run --promote`: both call ``callAsFunction(_:progress:)``, so both
/// leave the same files and rows behind, and the leaderboard's promotions can always be rebuilt from the files.
package struct Promotion {
    /// What to promote.
    package struct Request: Sendable {
        /// The config to promote: a file to load, or the config a run just used (with its `--set` overrides).
        package enum Config: Sendable {
            /// A config file (absolute path) and how to show it.
            case file(path: String, display: String)
            /// A loaded config.
            case loaded(RunConfig)
        }

        /// The config.
        package var config: Config
        /// The run whose gates justify the promotion; nil looks for a run that passed every gate with exactly this
        /// config (the same canonical hash) in the leaderboard.
        package var runID: String?
        /// Promote even without a passing run (recorded as forced).
        package var force: Bool
        /// Index the project's run directories first, so runs copied from other machines count.
        package var updateLeaderboard: Bool
        /// The production folder, relative to the project root.
        package var productionDirectory: String
        /// The production file name, when not the experiment's.
        package var rename: String?
        /// Commit the production config with git.
        package var commit: Bool
        /// When.
        package var now: Date

        /// Creates a request.
        package init(config: Config, runID: String? = nil, force: Bool = false, updateLeaderboard: Bool = false,
                     productionDirectory: String = "configs", rename: String? = nil, commit: Bool = false, now: Date = Date()) {
            self.config = config
            self.runID = runID
            self.force = force
            self.updateLeaderboard = updateLeaderboard
            self.productionDirectory = productionDirectory
            self.rename = rename
            self.commit = commit
            self.now = now
        }
    }

    /// What a promotion did.
    package struct Result: Sendable {
        /// The config promoted.
        package var config: RunConfig
        /// The run that justified it; nil when forced without one.
        package var runID: String?
        /// The production file and the config it replaced.
        package var outcome: ConfigPromotion.Outcome
        /// The leaderboard's record; nil when production already held the config.
        package var record: PromotionRecord?
        /// The `gate metric[phase] value` summary of the run, for messages.
        package var metricSummary: String
        /// The experiment's `metadata.json` that recorded it, when the config is an experiment's.
        package var metadataPath: String?
        /// Records that could not be written after production changed (the promotion stands).
        package var warnings: [String]
    }

    /// Something that happened before the promotion itself, for the console.
    package enum Progress: Sendable {
        /// `count` runs were indexed from the runs folder `runsDirectory` (as the project names it).
        case indexed(count: Int, runsDirectory: String)
    }

    /// The config file could not be loaded as a config; nothing was changed.
    package struct InvalidConfig: Error, Sendable {
        /// The config's problems (errors and warnings).
        package var diagnostics: [Diagnostic]
        /// The file, as shown to the user.
        package var display: String
    }

    /// The project.
    package var project: Project
    /// The leaderboard the promotion is recorded in.
    package var board: Leaderboard
    /// The environment (`PATH` for the config's programs, `USER` when git names no author).
    package var environment: [String: String]

    /// Creates the operation.
    package init(project: Project, board: Leaderboard, environment: [String: String]) {
        self.project = project
        self.board = board
        self.environment = environment
    }

    /// Who promotes or rolls back: git's `Name <email>`, else the user name, else nobody named.
    ///
    /// `sota promote` used to write "unknown" where `sota run --promote` wrote nothing; an absent name is what the
    /// records (all optional there) mean by not knowing.
    package static func person(in project: Project, environment: [String: String]) -> String? {
        GitCommitter.author(in: project.root) ?? environment["USER"]
    }

    /// Checks what can be checked before a run starts: the production file name and folder, and that the
    /// experiment's metadata (where the promotion will be recorded) can be read.
    ///
    /// - Throws: ``ConfigPromotion/Refusal`` or ``WorkspaceError``.
    package static func preflight(_ config: RunConfig, project: Project, productionDirectory: String = "configs", rename: String? = nil) throws {
        _ = try ConfigPromotion.fileName(for: rename ?? config.experiment)
        _ = try ConfigPromotion.productionFolder(productionDirectory, project: project)
        _ = try Workspace(project: project).promotionMetadata(forConfig: config.path)
    }

    /// Loads the config if needed, finds the run that justifies it, copies it into production, commits it when
    /// asked, and records the promotion.
    ///
    /// - Throws: ``InvalidConfig``, ``ConfigPromotion/Refusal``, ``WorkspaceError``, `LeaderboardError`,
    ///   `GitCommitter.Failure` or a file error, before production changes or with production put back; failures to
    ///   record after that are ``Result/warnings``.
    package func callAsFunction(_ request: Request, progress: (Progress) -> Void = { _ in }) throws -> Result {
        let config = try load(request.config)
        guard config.kind == .training else {
            throw ConfigPromotion.Refusal("\(config.displayPath) is an evaluation config; promotion takes a training config")
        }
        if request.updateLeaderboard {
            let report = try board.ingest(runDirectories: [project.resolve(project.runsDirectory)])
            progress(.indexed(count: report.ingested, runsDirectory: project.runsDirectory))
        }
        var runID = request.runID
        if runID == nil {
            runID = try board.passingRuns(configHash: config.hash).first
            guard runID != nil || request.force else {
                throw ConfigPromotion.Refusal(
                    "no run of \(config.displayPath) (config sha256 \(config.hash.prefix(12))) passed every gate; it is not promoted",
                    hint: "run it first (sota run --train-config \(config.displayPath)), or promote anyway with --force (recorded as forced)")
            }
        }
        return try promote(config, runID: runID, request: request)
    }

    private func load(_ config: Request.Config) throws -> RunConfig {
        switch config {
        case .loaded(let loaded):
            return loaded
        case .file(let path, let display):
            let loaded = ConfigLoader(project: project, searchPath: environment["PATH"]).load(path: path, displayPath: display)
            guard let runConfig = loaded.config, !loaded.diagnostics.hasErrors else {
                throw InvalidConfig(diagnostics: loaded.diagnostics, display: display)
            }
            return runConfig
        }
    }

    private func promote(_ config: RunConfig, runID justifying: String?, request: Request) throws -> Result {
        let workspace = Workspace(project: project), runID = justifying ?? ""
        if request.commit { _ = try GitCommitter().preflight(in: project.root) }
        // The experiment's metadata must be readable before production changes, since the promotion is recorded there.
        _ = try workspace.promotionMetadata(forConfig: config.path)
        let outcome = try ConfigPromotion.promote(config, runID: runID.isEmpty ? "none (forced)" : runID, project: project,
                                                  productionDirectory: request.productionDirectory, rename: request.rename, at: request.now)
        let summary = runID.isEmpty ? "" : ((try? metricSummary(runID)) ?? "")
        var result = Result(config: config, runID: justifying, outcome: outcome, record: nil, metricSummary: summary, metadataPath: nil, warnings: [])
        if outcome.unchanged { return result }
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
        let entry = PromotionEntry(
            runID: runID, experiment: config.experiment, config: Paths.relative(config.path, to: project.root),
            destination: outcome.destination, at: Timestamp.string(request.now), forced: runID.isEmpty,
            by: Self.person(in: project, environment: environment), previous: outcome.previous, commit: commitID
        )
        // Production holds the promotion now: each record is attempted, and a failure is reported rather than undone.
        do {
            try history(of: outcome.destination).append(entry)
        } catch {
            result.warnings.append("the production history was not updated: \(error)")
        }
        do {
            try board.recordPromotion(entry.record())
        } catch {
            result.warnings.append("the leaderboard was not updated: \(error) (`sota leaderboard --rebuild` restores it from the files)")
        }
        do {
            result.metadataPath = try workspace.recordPromotion(entry, forConfig: config.path)
        } catch {
            result.warnings.append("the experiment's metadata was not updated: \(error)")
        }
        result.record = entry.record()
        return result
    }

    /// The history of the production folder holding `destination` (relative to the project root).
    package func history(of destination: String) -> ProductionHistory {
        ProductionHistory(productionFolder: Paths.parent(of: project.resolve(destination)), projectRoot: project.root)
    }

    /// `accuracy[full_eval] 0.9123` style summary of a run's gated metrics.
    private func metricSummary(_ runID: String) throws -> String {
        guard let summary = try board.runSummary(id: runID) else { return "" }
        return summary.gates.map { "\($0.metric)[\($0.phase)] \($0.value.map { NumberFormat.general($0, significant: 4) } ?? "–")" }.joined(separator: ", ")
    }
}
