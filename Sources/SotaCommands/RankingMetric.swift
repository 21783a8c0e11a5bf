import SotaConfig
import SotaIndex
import SotaSupport

/// The metric and direction that rank runs: the flags when given, else the project's declared primary metric, else
/// what the indexed runs are gated on, so `--metric accuracy` never ranks 0.62 above 0.91.
struct RankingMetric {
    /// The metric key.
    var name: String
    /// Which way is better.
    var direction: MetricDirection
    /// Why the direction is a guess, when it is one: shown as a note so the user can declare it.
    var note: String?

    /// Resolves `--metric` and `--direction` (nil when not given) for `project`.
    ///
    /// - Parameter gated: the index's most gated metric (or the direction `name` is gated with) in the ranking
    ///   phase; asked only when the project does not declare what is needed.
    static func resolve(metric: String?, direction: MetricDirection?, project: Project,
                        gated: (String?) -> (name: String, direction: MetricDirection?)?) -> RankingMetric {
        let name: String
        if let metric {
            name = metric
        } else if let primary = project.primaryMetric {
            name = primary.name
        } else if let found = gated(nil) {
            name = found.name
        } else {
            // No declaration and no run reports a metric: an empty ranking says so without naming one.
            return RankingMetric(name: "", direction: direction ?? .lower)
        }
        if let direction { return RankingMetric(name: name, direction: direction) }
        if let declared = project.metric(name) { return RankingMetric(name: name, direction: declared.direction) }
        if let found = gated(name)?.direction { return RankingMetric(name: name, direction: found) }
        return RankingMetric(name: name, direction: .lower,
                             note: "`\(name)` is not declared in sota.yaml `metrics:` nor gated by any run; ranking lower-is-better (pass --direction higher, or declare it)")
    }

    /// Resolves the flags against `project` and, when it declares too little, against the index that already exists
    /// (never created for this).
    static func resolve(metric: String?, direction: String?, phase: String, project: Project, context: CommandContext) -> RankingMetric {
        let path = LeaderboardIndex.path(project: project, environment: context.environment)
        var board: Leaderboard?
        return resolve(metric: metric, direction: direction.flatMap(MetricDirection.init(rawValue:)), project: project) { name in
            guard Paths.kind(of: path) == .file else { return nil }
            if board == nil { board = try? LeaderboardIndex.board(project: project, environment: context.environment) }
            return try? board?.gatedMetric(named: name, phase: phase)
        }
    }
}
