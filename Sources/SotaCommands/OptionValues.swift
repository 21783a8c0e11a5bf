import ArgumentParser
import SotaSupport

/// The values of the options that take one of a few words: offered by the shell completions, and checked with the
/// choices (and the closest one) named when a value is not among them.
enum OptionValues {
    /// `--phase`.
    static let phases = ["full_eval", "small_eval"]
    /// `--direction`.
    static let directions = MetricDirection.allCases.map(\.rawValue)
    /// `launch --backend`.
    static let backends = ["vast", "slurm"]
    /// `launch --shutdown-action`.
    static let shutdownActions = ["destroy", "stop"]

    /// Refuses `value` of `flag` unless it is one of `choices`: a usage error naming them and the closest.
    static func check(_ value: String, flag: String, among choices: [String]) throws {
        guard !choices.contains(value) else { return }
        let hint = Suggestions.closest(to: value, in: choices).map { " (did you mean `\($0)`?)" } ?? ""
        throw ValidationError("\(flag) takes \(choices.joined(separator: " or ")), found `\(value)`\(hint)")
    }
}
