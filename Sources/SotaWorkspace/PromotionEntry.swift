import SotaIndex

/// One promotion of a config into production, as the project's files keep it: the one record type behind both
/// `<production folder>/.previous/promotions.json` (``ProductionHistory``) and an experiment's `metadata.json`
/// (``ExperimentMetadata/promotions``).
///
/// The two files keep their formats: the production history names the experiment, the config and who rolled the
/// promotion back; an experiment's metadata leaves the first two implied by its folder and never recorded the third,
/// so ``inExperimentMetadata`` drops them before the record is written there. The leaderboard's
/// ``PromotionRecord`` is this record as a table row (``init(_:)``, ``record(experiment:config:)``).
package struct PromotionEntry: Codable, Sendable, Equatable {
    /// The promoted run (empty when forced without one).
    package var runID: String
    /// The experiment the config declares (in the production history; implied by the folder in metadata).
    package var experiment: String?
    /// The promoted config, relative to the project root (in the production history; implied in metadata).
    package var config: String?
    /// The production config written, relative to the project root.
    package var destination: String
    /// ISO 8601 time of the promotion.
    package var at: String
    /// True when gates were overridden.
    package var forced: Bool
    /// Who promoted (`Name <email>` from git, else the user name).
    package var by: String?
    /// Where the production config it replaced was kept, relative to the project root.
    package var previous: String?
    /// The commit `--commit` made.
    package var commit: String?
    /// When it was rolled back, if it was.
    package var rolledBackAt: String?
    /// Who rolled it back (in the production history only).
    package var rolledBackBy: String?

    enum CodingKeys: String, CodingKey {
        case experiment, config, destination, at, forced, by, previous, commit
        case runID = "run_id"
        case rolledBackAt = "rolled_back_at"
        case rolledBackBy = "rolled_back_by"
    }

    /// Creates a record.
    package init(runID: String, experiment: String? = nil, config: String? = nil, destination: String, at: String, forced: Bool,
                by: String? = nil, previous: String? = nil, commit: String? = nil, rolledBackAt: String? = nil, rolledBackBy: String? = nil) {
        self.runID = runID
        self.experiment = experiment
        self.config = config
        self.destination = destination
        self.at = at
        self.forced = forced
        self.by = by
        self.previous = previous
        self.commit = commit
        self.rolledBackAt = rolledBackAt
        self.rolledBackBy = rolledBackBy
    }

    /// The record of a promotion the leaderboard holds.
    package init(_ record: PromotionRecord) {
        self.init(runID: record.runID, experiment: record.experiment, config: record.configPath, destination: record.productionPath,
                  at: record.promotedAt, forced: record.forced, by: record.promotedBy, previous: record.previousPath,
                  commit: record.gitCommit, rolledBackAt: record.rolledBackAt, rolledBackBy: record.rolledBackBy)
    }

    /// The leaderboard's row for this promotion; `experiment` and `config` fill in what an experiment's metadata
    /// leaves implied.
    package func record(experiment: String? = nil, config: String? = nil) -> PromotionRecord {
        PromotionRecord(runID: runID, experiment: self.experiment ?? experiment ?? "", configPath: self.config ?? config ?? "",
                        productionPath: destination, promotedAt: at, promotedBy: by, forced: forced, previousPath: previous,
                        gitCommit: commit, rolledBackAt: rolledBackAt, rolledBackBy: rolledBackBy)
    }

    /// The record as an experiment's `metadata.json` keeps it: without the experiment and config its folder implies,
    /// and without who rolled it back, which that file never recorded.
    package var inExperimentMetadata: PromotionEntry {
        var copy = self
        copy.experiment = nil
        copy.config = nil
        copy.rolledBackBy = nil
        return copy
    }
}
