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
                        gated: (String?) -> (name: String, direction: MetricDirection)?) -> Result<RankingMetric, DiagnosticError> {
        let name: String
        if let metric {
            name = metric
        } else if let primary = project.primaryMetric {
            name = primary.name
        } else if let found = gated(nil) {
            return .success(RankingMetric(name: found.name, direction: direction ?? found.direction))
        } else {
            return .failure(DiagnosticError(.error(
                at: SourceLocation(file: "--metric"), "no metric to rank by: the project declares none and no run is gated yet",
                hint: "pass --metric NAME, or declare one in sota.yaml: metrics: {accuracy: {direction: higher}}"
            )))
        }
        if let direction { return .success(RankingMetric(name: name, direction: direction)) }
        if let declared = project.metric(name) { return .success(RankingMetric(name: name, direction: declared.direction)) }
        if let found = gated(name) { return .success(RankingMetric(name: name, direction: found.direction)) }
        return .success(RankingMetric(name: name, direction: .lower,
                                      note: "`\(name)` is not declared in sota.yaml `metrics:` nor gated by any run; ranking lower-is-better (pass --direction higher, or declare it)"))
    }
}
