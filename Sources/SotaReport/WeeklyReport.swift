import FoundationEssentials
import SotaSupport

/// Everything the weekly report shows, as plain values: the command fills it from the leaderboard, the price table
/// and the workspace; ``WeeklyReportHTML`` renders it; `--json` prints it.
package struct WeeklyReport: Sendable, Equatable, Codable {
    /// The metric the report ranks and plots.
    package struct Metric: Sendable, Equatable, Codable {
        /// The metric key, e.g. `accuracy`.
        package var name: String
        /// The evaluation phase it comes from, e.g. `full_eval`.
        package var phase: String
        /// Which way it improves.
        package var direction: MetricDirection

        /// Creates a metric.
        package init(name: String, phase: String, direction: MetricDirection) {
            self.name = name
            self.phase = phase
            self.direction = direction
        }

        /// True when `candidate` beats `incumbent`; equal values do not, so the earlier run keeps a tie.
        package func isBetter(_ candidate: Double, than incumbent: Double) -> Bool {
            direction == .lower ? candidate < incumbent : candidate > incumbent
        }

        /// `full_eval loss (lower is better)`.
        package var caption: String { "\(phase) \(name) (\(direction.rawValue) is better)" }
    }

    /// The span of time the report covers: `start` inclusive, `end` exclusive, in UTC.
    package struct Period: Sendable, Equatable, Codable {
        /// The first instant covered.
        package var start: Date
        /// The first instant after the period.
        package var end: Date
        /// The ISO week, when the period is exactly one (`--week`); nil for "the last 7 days".
        package var isoWeek: ISOWeek?

        /// Creates a period.
        package init(start: Date, end: Date, isoWeek: ISOWeek? = nil) {
            self.start = start
            self.end = end
            self.isoWeek = isoWeek
        }

        /// The ISO week `week`.
        package init(week: ISOWeek) {
            self.init(start: week.start, end: week.end, isoWeek: week)
        }

        /// The week the period ends in (its last instant's week), which names the default report folder.
        package var week: ISOWeek { isoWeek ?? ISOWeek(containing: end.addingTimeInterval(-1)) }

        /// True when `date` falls within the period.
        package func contains(_ date: Date) -> Bool { date >= start && date < end }
    }

    /// One run of the all-time ranking.
    package struct LeaderboardEntry: Sendable, Equatable, Codable {
        /// 1 for the best run.
        package var rank: Int
        /// The run id.
        package var runID: String
        /// The run's experiment.
        package var experiment: String
        /// The metric's value.
        package var value: Double
        /// Whether every gate passed; nil when gating never ran.
        package var passed: Bool?
        /// The GPU type, if any.
        package var gpu: String?
        /// GPUs used.
        package var gpuCount: Int
        /// What the run cost, when its GPU type has a price.
        package var cost: Double?
        /// When the run last changed (its end, for a finished run).
        package var finished: Date
        /// The run's hyperparameters as text, by key path: what stands behind the result.
        package var parameters: [String: String]
        /// The run's page in the team's tracker, if a child wrote one.
        package var trackerURL: String?

        /// Creates an entry.
        package init(rank: Int, runID: String, experiment: String, value: Double, passed: Bool?, gpu: String?, gpuCount: Int,
                    cost: Double?, finished: Date, parameters: [String: String] = [:], trackerURL: String? = nil) {
            self.parameters = parameters
            self.trackerURL = trackerURL
            self.rank = rank
            self.runID = runID
            self.experiment = experiment
            self.value = value
            self.passed = passed
            self.gpu = gpu
            self.gpuCount = gpuCount
            self.cost = cost
            self.finished = finished
        }
    }

    /// One run that finished within the period.
    package struct WeekRun: Sendable, Equatable, Codable {
        /// The run id.
        package var runID: String
        /// The run's experiment.
        package var experiment: String
        /// The run's overall status (`succeeded`, `rejected`, `failed`, ...).
        package var status: String
        /// When the run was created.
        package var started: Date
        /// When the run last changed.
        package var finished: Date
        /// Wall seconds of the stages that ran (what the GPUs were paid for).
        package var duration: Double
        /// What the run cost, when its GPU type has a price.
        package var cost: Double?
        /// The metric's value, when the run measured it.
        package var value: Double?
        /// Whether every gate passed; nil when gating never ran.
        package var passed: Bool?

        /// Creates a run.
        package init(runID: String, experiment: String, status: String, started: Date, finished: Date, duration: Double,
                    cost: Double?, value: Double?, passed: Bool?) {
            self.runID = runID
            self.experiment = experiment
            self.status = status
            self.started = started
            self.finished = finished
            self.duration = duration
            self.cost = cost
            self.value = value
            self.passed = passed
        }
    }

    /// The best value of one UTC day, over all time.
    package struct DailyBest: Sendable, Equatable, Codable {
        /// Midnight UTC of the day.
        package var day: Date
        /// The day's best value.
        package var value: Double
        /// The run that reached it.
        package var runID: String

        /// Creates a point.
        package init(day: Date, value: Double, runID: String) {
            self.day = day
            self.value = value
            self.runID = runID
        }
    }

    /// The best value of one experiment, over all time.
    package struct ExperimentBest: Sendable, Equatable, Codable {
        /// The experiment.
        package var experiment: String
        /// Its best value.
        package var value: Double
        /// The run that reached it.
        package var runID: String
        /// How many of its runs measured the metric.
        package var runs: Int

        /// Creates a bar.
        package init(experiment: String, value: Double, runID: String, runs: Int) {
            self.experiment = experiment
            self.value = value
            self.runID = runID
            self.runs = runs
        }
    }

    /// What the runs of one ISO week cost.
    package struct WeeklyCost: Sendable, Equatable, Codable {
        /// The week.
        package var week: ISOWeek
        /// The cost of its priced runs.
        package var cost: Double
        /// Runs that finished in the week.
        package var runs: Int
        /// Runs whose GPU type has no price (not counted in ``cost``).
        package var unpricedRuns: Int

        /// Creates a bar.
        package init(week: ISOWeek, cost: Double, runs: Int, unpricedRuns: Int) {
            self.week = week
            self.cost = cost
            self.runs = runs
            self.unpricedRuns = unpricedRuns
        }
    }

    /// The plotted series.
    package struct Series: Sendable, Equatable, Codable {
        /// The best value per day, oldest first; the chart draws the running best through them.
        package var bestByDay: [DailyBest]
        /// The best value per experiment, best first.
        package var bestByExperiment: [ExperimentBest]
        /// Cost per ISO week, oldest first, ending with the report's week.
        package var costByWeek: [WeeklyCost]

        /// Creates the series.
        package init(bestByDay: [DailyBest] = [], bestByExperiment: [ExperimentBest] = [], costByWeek: [WeeklyCost] = []) {
            self.bestByDay = bestByDay
            self.bestByExperiment = bestByExperiment
            self.costByWeek = costByWeek
        }
    }

    /// One metric's step history for the best runs, drawn overlaid.
    package struct Curve: Sendable, Equatable, Codable {
        /// One run's line.
        package struct Line: Sendable, Equatable, Codable {
            /// The run id.
            package var runID: String
            /// Its rank on the leaderboard, from 1.
            package var rank: Int
            /// Its points as `[step, value]`, in step order.
            package var points: [[Double]]

            /// Creates a line.
            package init(runID: String, rank: Int, points: [[Double]]) {
                self.runID = runID
                self.rank = rank
                self.points = points
            }
        }

        /// The metric's name, as the children wrote it.
        package var metric: String
        /// A line per run, best run first.
        package var lines: [Line]

        /// Creates a curve.
        package init(metric: String, lines: [Line]) {
            self.metric = metric
            self.lines = lines
        }
    }

    /// The project's name (`project:` in sota.yaml).
    package var projectName: String
    /// The metric ranked and plotted.
    package var metric: Metric
    /// The period covered.
    package var period: Period
    /// When the report was made.
    package var generatedAt: Date
    /// The price table's currency code.
    package var currency: String
    /// The best runs of all time, best first.
    package var leaderboard: [LeaderboardEntry]
    /// Runs that finished within the period, oldest first.
    package var weekRuns: [WeekRun]
    /// What the charts plot.
    package var series: Series
    /// Experiments the weekly maintenance would archive, or did.
    package var archiveCandidates: [ArchiveCandidateRow]
    /// The config catalog.
    package var catalogSummary: [CatalogSummaryRow]
    /// Caveats worth a reader's attention (a GPU type without a price, ...).
    package var notes: [String]
    /// The step histories of the leaderboard's best runs, one curve per metric drawn; empty when they wrote none.
    package var curves: [Curve] = []

    /// Creates a report.
    package init(projectName: String, metric: Metric, period: Period, generatedAt: Date, currency: String,
                leaderboard: [LeaderboardEntry], weekRuns: [WeekRun], series: Series,
                archiveCandidates: [ArchiveCandidateRow], catalogSummary: [CatalogSummaryRow], notes: [String] = []) {
        self.projectName = projectName
        self.metric = metric
        self.period = period
        self.generatedAt = generatedAt
        self.currency = currency
        self.leaderboard = leaderboard
        self.weekRuns = weekRuns
        self.series = series
        self.archiveCandidates = archiveCandidates
        self.catalogSummary = catalogSummary
        self.notes = notes
    }
}
