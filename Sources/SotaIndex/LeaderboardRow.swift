import SotaRunRecord

/// One ranked run in a leaderboard listing.
///
/// Built alike by the full ``Leaderboard`` and ``LeaderboardReader``, so both render the same values.
package struct LeaderboardRow: Sendable, Equatable {
    /// 1 for the best run.
    package var rank: Int
    /// The run id.
    package var runID: String
    /// The run's experiment.
    package var experiment: String
    /// The ranked metric's value.
    package var value: Double
    /// The run's overall status (`succeeded`, `rejected`, ...).
    package var status: String
    /// Whether every gate passed; nil when gating never ran.
    package var passed: Bool?
    /// ISO 8601 creation time.
    package var created: String
    /// The training config's canonical hash.
    package var configHash: String
    /// The commit the run's code came from, if known.
    package var gitCommit: String?
    /// The GPU type, if any.
    package var gpuType: String?
    /// Wall seconds of the stages that ran.
    package var totalSeconds: Double
    /// The run's hyperparameters by key path (`manifest.json`'s `parameters`).
    package var parameters: [String: RunManifest.ParameterValue] = [:]
    /// The run's page in the team's tracker, if a child wrote one.
    package var trackerURL: String?

    /// Creates a row.
    package init(rank: Int, runID: String, experiment: String, value: Double, status: String, passed: Bool?, created: String,
                configHash: String, gitCommit: String?, gpuType: String?, totalSeconds: Double) {
        self.rank = rank
        self.runID = runID
        self.experiment = experiment
        self.value = value
        self.status = status
        self.passed = passed
        self.created = created
        self.configHash = configHash
        self.gitCommit = gitCommit
        self.gpuType = gpuType
        self.totalSeconds = totalSeconds
    }
}

extension RunManifest.ParameterValue {
    /// The value as the `params` table stores it: a boolean in both columns, a number in `num`, text in `text`.
    static func stored(number: Double?, text: String?) -> RunManifest.ParameterValue {
        switch (number, text) {
        case (let number?, "true"?) where number == 1: .flag(true)
        case (let number?, "false"?) where number == 0: .flag(false)
        case (let number?, _): .number(number)
        case (nil, let text?): .text(text)
        case (nil, nil): .text("")
        }
    }
}
