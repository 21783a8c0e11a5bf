import SotaSupport

/// A value that may stand in an `#SBATCH` line: sbatch splits directives at whitespace, reads no quotes, stops at
/// `#`, and expands `%` patterns in file names, while bash reads the line as a comment that a line break would end.
///
/// So a value holds none of those: no whitespace or control character, no quote, backslash, `#` or `%`, and no shell
/// metacharacter (`$`, backquote, `;`, `&`, `|`, `<`, `>`, parentheses, braces, brackets, `*`, `?`, `!`) that would
/// mean something if the value were ever copied into a command. Checked once, at construction.
package struct SbatchValue: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The checked text.
    package let text: String

    private static let refused = Set("\"'`\\#%$;&|<>(){}[]*?!")

    /// Checks `text`.
    ///
    /// - Parameter role: the flag or key the value comes from, for the message.
    /// - Throws: ``ScriptValueError`` naming the first character that cannot stand in a directive.
    package init(_ text: String, role: String) throws(ScriptValueError) {
        if let problem = Self.problem(text) { throw ScriptValueError(value: text, role: role, reason: problem) }
        self.text = text
    }

    /// A value sota composes from values already checked (a log path with Slurm's `%3a` task pattern).
    init(composed text: String) {
        self.text = text
    }

    /// Why `text` cannot stand in an `#SBATCH` line, or nil when it can.
    package static func problem(_ text: String) -> String? {
        if text.isEmpty { return "it is empty" }
        for scalar in text.unicodeScalars {
            let category = scalar.properties.generalCategory
            if category == .control || category == .format || category == .lineSeparator || category == .paragraphSeparator {
                return "it contains a control character (U+\(String(scalar.value, radix: 16, uppercase: true)))"
            }
            if scalar.properties.isWhitespace { return "it contains a space, which ends an #SBATCH value" }
            if refused.contains(Character(scalar)) { return "it contains `\(Character(scalar))`, which an #SBATCH line cannot carry safely" }
        }
        return nil
    }

    /// `self/suffix`, where `suffix` is checked or spelled by sota.
    func appending(_ suffix: SbatchValue) -> SbatchValue { SbatchValue(composed: text + "/" + suffix.text) }

    package init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(text, role: "a recorded Slurm setting")
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }

    package var description: String { text }
}

/// One `#SBATCH` option with its value: a name sota knows, or an extra line from `launch.slurm.extra` that names one
/// option in sbatch's long form.
package struct SbatchDirective: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The option, with its dashes (`--mem`).
    package let option: String
    /// The value after `=`, if any.
    package let value: SbatchValue?

    /// Options sota writes itself (logs, array, job identity, dependencies, resources it has settings for): an extra
    /// line may not change them.
    package static let managed: Set<String> = [
        "--job-name", "--output", "--error", "--array", "--open-mode", "--kill-on-invalid-dep", "--dependency", "--parsable",
        "--gres", "--gpus", "--partition", "--account", "--qos", "--time", "--mem", "--cpus-per-task",
    ]

    /// A directive sota writes: `option` is a literal, `value` checked.
    init(_ option: StaticString, _ value: SbatchValue? = nil) {
        self.option = option.description
        self.value = value
    }

    /// Parses one extra line as written in `sota.yaml` (`--constraint=a100`, `--exclusive`; `#SBATCH` optional).
    ///
    /// - Throws: ``ScriptValueError`` when it is not one long option, or names one sota writes itself.
    package init(parsing line: String, role: String) throws(ScriptValueError) {
        var text = Substring(line)
        if text.hasPrefix("#SBATCH ") { text = text.dropFirst("#SBATCH ".count) }
        let name = text.prefix { $0 != "=" }
        let isOption = name.hasPrefix("--") && name.count > 2
            && name.dropFirst(2).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") } && !name.hasPrefix("---")
        guard isOption else {
            throw ScriptValueError(value: line, role: role, reason: "an extra line is one sbatch option in its long form, such as `--constraint=a100` or `--exclusive`")
        }
        guard !Self.managed.contains(String(name)) else {
            throw ScriptValueError(value: line, role: role, reason: "sota writes `\(name)` itself; use its own setting or flag")
        }
        option = String(name)
        do {
            value = text.count > name.count ? try SbatchValue(String(text.dropFirst(name.count + 1)), role: role) : nil
        } catch {
            throw ScriptValueError(value: line, role: role, reason: error.reason)
        }
    }

    /// The line without `#SBATCH `.
    package var description: String { value.map { "\(option)=\($0.text)" } ?? option }

    package init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(parsing: text, role: "a recorded #SBATCH line")
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
