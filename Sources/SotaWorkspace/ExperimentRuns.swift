import FoundationEssentials
import SotaSupport
import SotaConfig
import SotaIndex

/// The runs a survey hands each experiment folder, from either source (see ``WorkspaceSurvey/RunSource``).
struct ExperimentRuns: Sendable {
    /// One experiment's runs: all of them, or the summary the index keeps.
    struct Group: Sendable {
        /// Every run, or only those the lifecycle can pick (``RunGroupSummary/keyRuns``); oldest first.
        var runs: [ExperimentRun]
        /// True when ``runs`` holds every run.
        var isComplete: Bool
        /// How many runs.
        var count: Int
        /// The newest update.
        var newestUpdate: Date?
        /// The best finished run.
        var best: ExperimentSummary.BestRun?

        /// The group of every run in `runs` (oldest first), the best ranked under `preference`.
        init(all runs: [ExperimentRun], preference: RankingPreference = .none) {
            self.runs = runs
            isComplete = true
            count = runs.count
            newestUpdate = runs.map(\.updated).max()
            best = RunRanking.bestRun(runs, preference: preference).map { ExperimentSummary.BestRun(run: $0.run, metric: $0.metric, value: $0.value) }
        }

        /// The group an index summary describes, its running runs' locks asked now.
        init(summary: RunGroupSummary, runsFolder: String) {
            runs = summary.keyRuns.map { $0.run(in: runsFolder) }
            isComplete = false
            count = summary.count
            newestUpdate = summary.newestUpdate.map(Date.init(timeIntervalSinceReferenceDate:))
            best = summary.bestRun(among: runs)
        }

        /// No runs.
        static let empty = Group(all: [])
    }

    /// Groups by experiment name.
    var byExperiment: [String: Group]
    /// The runs of each config path.
    var byConfig: [String: ConfigRuns]

    /// Why the index could not be used (the runs were then read from their folders).
    var indexProblem: String?

    /// The group of `experiment`.
    func of(_ experiment: String) -> Group { byExperiment[experiment] ?? .empty }

    /// Reads the runs from `source`; an index that fails (damaged, locked, read-only) gives way to the folders.
    ///
    /// - Parameter configs: false leaves ``byConfig`` empty (only the catalog shows runs by config).
    static func gather(_ source: WorkspaceSurvey.RunSource, project: Project, configs: Bool) -> ExperimentRuns {
        let preference = RankingPreference(project: project)
        switch source {
        case .folders:
            let scan = RunDirectoryScan.scan(runsFolder: project.resolve(project.runsDirectory), display: project.runsDirectory)
            let byConfig = !configs ? [:] : Dictionary(grouping: scan.allRuns, by: \.configPath).mapValues { runs in
                ConfigRuns(count: runs.count, best: RunRanking.bestRun(runs, preference: preference).map { ($0.run.id, $0.metric, $0.value) },
                           newestUpdate: runs.map(\.updated).max())
            }
            return ExperimentRuns(byExperiment: scan.byExperiment.mapValues { Group(all: $0, preference: preference) }, byConfig: byConfig)
        case .index(let index, let detailing):
            do {
                try index.refresh()
                var byExperiment = try index.groups(.experiment).mapValues { Group(summary: $0, runsFolder: index.runsFolder) }
                for name in detailing where byExperiment[name] != nil {
                    byExperiment[name] = Group(all: try index.runs(of: name), preference: preference)
                }
                let byConfig = try (configs ? index.groups(.config) : [:]).mapValues { summary in
                    let group = Group(summary: summary, runsFolder: index.runsFolder)
                    return ConfigRuns(count: group.count, best: group.best.map { ($0.run.id, $0.metric, $0.value) }, newestUpdate: group.newestUpdate)
                }
                return ExperimentRuns(byExperiment: byExperiment, byConfig: byConfig)
            } catch {
                var runs = gather(.folders, project: project, configs: configs)
                runs.indexProblem = "\(error); read the run folders instead (`sota leaderboard --rebuild` recreates the index)"
                return runs
            }
        }
    }
}
