import SotaSupport

/// The one rule for experiment names, shared by config validation (`experiment:`) and the workspace
/// (`sota experiment new NAME`, folder names): an experiment name becomes a folder name, a production file name
/// and a word in shell scripts and URLs.
///
/// Letters, digits, `-`, `_` and `.`; not starting with `.` (hidden files, `..`) or `-` (read as a flag);
/// at most ``maximumLength`` characters. Everything else (slashes, spaces, control characters, shell
/// metacharacters) is refused with the reason.
package enum ExperimentNameRule {
    /// The longest name accepted.
    package static let maximumLength = 64

    /// What a valid name looks like, for hints.
    package static let summary = "names hold letters, digits, `-`, `_` and `.` (not first), at most \(maximumLength) characters"

    /// True for `YYYY-MM-DD` with a plausible month and day, as experiment folders begin.
    package static func isDay(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let month = Int(parts[1]), let day = Int(parts[2]) else { return false }
        return (1...12).contains(month) && (1...31).contains(day)
    }

    /// The experiment a config belongs to when it does not say (`experiment:`): NAME for `DAY-NAME/config.yaml`, an
    /// experiment folder's config (one made by hand and adopted by `sota init` included), else the file's name
    /// without its extension.
    package static func defaultName(forConfig path: String) -> String {
        let file = Paths.lastComponent(of: path)
        let folder = Paths.lastComponent(of: Paths.parent(of: path))
        if file == "config.yaml" || file == "config.yml", folder.count > 11 {
            let split = folder.index(folder.startIndex, offsetBy: 10)
            let name = String(folder[folder.index(after: split)...])
            if folder[split] == "-", isDay(String(folder[..<split])), problem(with: name) == nil { return name }
        }
        return file.split(separator: ".").first.map(String.init) ?? path
    }

    /// Why `text` is not a valid name, or nil when it is.
    package static func problem(with text: String) -> String? {
        guard let first = text.unicodeScalars.first else { return "the name is empty" }
        let count = text.unicodeScalars.count
        if count > maximumLength { return "\(count) characters, more than \(maximumLength)" }
        if text.contains("/") || text.contains("\\") { return "it contains a path separator" }
        if text == "." || text == ".." || text.hasPrefix("..") { return "it would name a parent or current folder" }
        for scalar in text.unicodeScalars where !isAllowed(scalar) {
            if scalar.value < 0x20 || scalar.value == 0x7F { return "it contains a control character (U+\(hex(scalar.value)))" }
            if scalar == " " { return "it contains a space" }
            if scalar.value > 0x7F { return "it contains `\(scalar)`, which is not ASCII" }
            return "it contains `\(scalar)`, which a shell or a file system treats specially"
        }
        if first == "." { return "it starts with `.`, which hides the folder" }
        if first == "-" { return "it starts with `-`, which commands read as a flag" }
        return nil
    }

    /// The `experiment:` key of a config, checked by the rule.
    static func check(_ root: ConfigNode) -> [Diagnostic] {
        guard let node = root["experiment"], let name = node.stringValue, let problem = problem(with: name) else { return [] }
        let shown = name.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined()
        return [.error(at: node.location, keyPath: "experiment", "`experiment` `\(shown)` is not a valid experiment name: \(problem)",
                       hint: summary)]
    }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".": true
        default: false
        }
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
