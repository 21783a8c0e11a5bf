/// A `sota leaderboard` command line the fast path can answer on its own.
///
/// It accepts a strict subset of what the full command accepts: each of `--metric`, `--phase`, `--direction`,
/// `--top`, `--experiment` and `--project` at most once (as `--name value` or `--name=value`), `--json` or
/// `--csv`. Anything else — `--rebuild`, `--help`, an unknown or repeated option, an empty or malformed value,
/// a value that looks like an option — is left to the full command, which explains the problem properly.
package struct LeaderboardRequest: Sendable, Equatable {
    /// The metric to rank by.
    package var metric = "nrmse"
    /// The evaluation phase whose metric ranks.
    package var phase = "full_eval"
    /// Which way is better.
    package var direction = MetricDirection.lower
    /// How many runs to show, `1...LeaderboardTopQuery.maximumLimit`.
    package var top = 10
    /// Only this experiment's runs, when set.
    package var experiment: String?
    /// The output format.
    package var format = LeaderboardOutput.Format.text
    /// The project root as typed, when given.
    package var project: String?

    /// Parses the arguments after the executable name; nil unless they are `leaderboard` and options this type handles.
    package init?(arguments: [String]) {
        guard arguments.first == "leaderboard" else { return nil }
        // An array, not a Set: hashing a String would make the runtime look up its Hashable conformance by
        // scanning every conformance in the binary, which costs a fresh process more than the whole scan here.
        var seen: [String] = []
        var index = 1
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--") else { return nil }
            var name = argument
            var value: String?
            if let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                value = String(argument[argument.index(after: equals)...])
            }
            guard !seen.contains(name) else { return nil }
            seen.append(name)
            switch name {
            case "--json", "--csv":
                guard value == nil, format == .text else { return nil }
                format = name == "--json" ? .json : .csv
                continue
            case "--metric", "--phase", "--direction", "--top", "--experiment", "--project":
                break
            default:
                return nil
            }
            if value == nil {
                guard index < arguments.count else { return nil }
                value = arguments[index]
                index += 1
            }
            // ArgumentParser would reject a separate value that looks like an option; leave those to it.
            guard let text = value, !text.isEmpty, !text.hasPrefix("-") else { return nil }
            switch name {
            case "--metric": metric = text
            case "--phase": phase = text
            case "--direction":
                guard let parsed = MetricDirection(rawValue: text) else { return nil }
                direction = parsed
            case "--top":
                guard let parsed = Int(text), (1...LeaderboardTopQuery.maximumLimit).contains(parsed) else { return nil }
                top = parsed
            case "--experiment": experiment = text
            default: project = text
            }
        }
    }
}
