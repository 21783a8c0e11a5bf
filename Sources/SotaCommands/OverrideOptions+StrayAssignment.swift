import ArgumentParser
import SotaSupport
import SotaConfig

extension OverrideOptions {
    /// Refuses `--set a=1 b=2`: one `--set` followed by two assignments, a habit from scripts whose flag took a list.
    ///
    /// ArgumentParser would read `b=2` as a positional argument (a config file for `validate config`, an unexpected
    /// argument elsewhere), and the message would be about a missing file. An argument right after a `--set` value
    /// (or after another such argument) that reads as `key=value` and names no existing file is refused as a usage
    /// error for every command at once, before parsing.
    ///
    /// - Parameter exists: whether a path (relative to the working directory) names something on disk.
    static func checkStrayAssignments(_ arguments: [String], exists: (String) -> Bool) throws {
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            if argument == "--" { return }
            index += 1
            let first: String
            if argument == "--set", index < arguments.endIndex {
                first = arguments[index]
                index += 1
            } else if argument.hasPrefix("--set=") {
                first = String(argument.dropFirst("--set=".count))
            } else {
                continue
            }
            var stray: [String] = []
            while index < arguments.endIndex, looksLikeAssignment(arguments[index]), !exists(arguments[index]) {
                stray.append(arguments[index])
                index += 1
            }
            if !stray.isEmpty {
                let fix = ([first] + stray).map { "--set \($0)" }.joined(separator: " ")
                throw ValidationError("one key=value per --set: write \(fix)")
            }
        }
    }

    /// `key.path=value` with a key path as `--set` takes it.
    private static func looksLikeAssignment(_ text: String) -> Bool {
        guard !text.hasPrefix("-"), let equals = text.firstIndex(of: "=") else { return false }
        return KeyPath(parsing: String(text[..<equals])) != nil
    }
}
