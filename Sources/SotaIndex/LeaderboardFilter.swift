import SotaSupport

/// `sota leaderboard --where 'optimizer.lr < 1e-3 and model.depth = 4'`: conditions on a run's hyperparameters and
/// metrics, all of which must hold.
///
/// A name the project declares as a metric, the ranked metric itself, or a name written `metrics.NAME` is a metric of
/// the ranking phase; any other name is a hyperparameter's key path. A run without the named value does not match.
package struct LeaderboardFilter: Sendable, Equatable {
    /// A comparison.
    package enum Operator: String, Sendable, CaseIterable {
        case equal = "=", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="

        var sql: String { self == .equal ? "=" : self == .notEqual ? "<>" : rawValue }
    }

    /// What a condition compares with.
    package enum Value: Sendable, Equatable {
        case number(Double)
        case text(String)
    }

    /// One condition.
    package struct Condition: Sendable, Equatable {
        /// The hyperparameter's key path or the metric's name.
        package var name: String
        /// Whether `name` is a metric (of the ranking phase) rather than a hyperparameter.
        package var isMetric: Bool
        /// The comparison.
        package var op: Operator
        /// The value compared with.
        package var value: Value
    }

    /// The conditions, all of which must hold.
    package var conditions: [Condition]

    /// Parses `text`; `metrics` are the names that are metrics without the `metrics.` prefix.
    ///
    /// - Throws: a message naming the part of `text` that could not be read.
    package init(parsing text: String, metrics: Set<String>) throws(FilterError) {
        conditions = []
        let parts = Self.splitOnAnd(text)
        guard !parts.isEmpty else { throw FilterError(message: "--where is empty; write conditions such as `optimizer.lr < 1e-3 and model.depth = 4`") }
        for part in parts {
            conditions.append(try Self.condition(part, metrics: metrics))
        }
    }

    /// Splits on the word `and` (any case) outside quotes.
    private static func splitOnAnd(_ text: String) -> [String] {
        var parts: [String] = [], current = "", quote: Character?
        var words = Array(text)
        words.append(" ")
        var index = 0
        while index < words.count {
            let character = words[index]
            if let open = quote {
                current.append(character)
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
                current.append(character)
            } else if character == " " || character == "\t",
                      index + 4 < words.count, String(words[(index + 1)...(index + 3)]).lowercased() == "and",
                      words[index + 4] == " " || words[index + 4] == "\t" {
                parts.append(current)
                current = ""
                index += 4
                continue
            } else {
                current.append(character)
            }
            index += 1
        }
        parts.append(current)
        return parts.map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
    }

    private static func condition(_ text: String, metrics: Set<String>) throws(FilterError) -> Condition {
        // The longest operator first, so `<=` is not read as `<`.
        let symbols = ["!=", "<=", ">=", "==", "=", "<", ">"]
        var found: (range: Range<String.Index>, symbol: String)?
        for symbol in symbols {
            if let range = text.firstRange(of: symbol), range.lowerBound < found?.range.lowerBound ?? text.endIndex {
                found = (range, symbol)
            }
        }
        guard let found else {
            throw FilterError(message: "`\(text)` has no comparison; use one of =, !=, <, <=, >, >=")
        }
        var name = String(text[..<found.range.lowerBound]).trimmingSpaces()
        let rawValue = String(text[found.range.upperBound...]).trimmingSpaces()
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "_-.[]/".contains($0) }) else {
            throw FilterError(message: "`\(name)` in `\(text)` is not a parameter or metric name")
        }
        guard !rawValue.isEmpty else { throw FilterError(message: "`\(text)` compares with nothing") }
        let op = found.symbol == "==" ? Operator.equal : Operator(rawValue: found.symbol) ?? .equal
        var isMetric = metrics.contains(name)
        if name.hasPrefix("metrics."), name.count > 8 {
            name = String(name.dropFirst(8))
            isMetric = true
        }
        let value: Value
        if let first = rawValue.first, first == "'" || first == "\"" {
            guard rawValue.count >= 2, rawValue.last == first else { throw FilterError(message: "`\(rawValue)` has no closing quote") }
            value = .text(String(rawValue.dropFirst().dropLast()))
        } else if let number = Double(rawValue) {
            guard number.isFinite else { throw FilterError(message: "`\(rawValue)` in `\(text)` is not a finite number") }
            value = .number(number)
        } else if rawValue == "true" || rawValue == "false" {
            value = .number(rawValue == "true" ? 1 : 0)
        } else {
            guard !rawValue.contains(where: { $0 == " " || $0 == "\t" }) else {
                throw FilterError(message: "`\(rawValue)` in `\(text)` is not one value; quote text that holds spaces, and join conditions with `and`")
            }
            value = .text(rawValue)
        }
        if case .text = value {
            guard op == .equal || op == .notEqual else {
                throw FilterError(message: "`\(text)`: text compares only with = or !=")
            }
            guard !isMetric else { throw FilterError(message: "`\(text)`: metric `\(name)` is a number") }
        }
        return Condition(name: name, isMetric: isMetric, op: op, value: value)
    }

    /// The SQL conditions (each starting with ` AND `) for a query whose ranked metric row is `m`, with its bound
    /// text arguments in order. Numbers are written into the text (formatted, finite) so the planner sees them.
    ///
    /// - Parameter skipping: a condition the query already applies (the one it is driven from).
    func sql(rankedMetric: String, phase: String, skipping: Int? = nil) -> (text: String, arguments: [String]) {
        var text = "", arguments: [String] = []
        for (index, condition) in conditions.enumerated() where index != skipping {
            switch (condition.isMetric, condition.value) {
            case (true, .number(let number)) where condition.name == rankedMetric:
                text += " AND m.value \(condition.op.sql) \(JSONValue.number(number))"
            case (true, .number(let number)):
                text += " AND EXISTS (SELECT 1 FROM metrics AS w WHERE w.run_id = m.run_id AND w.phase = ? AND w.name = ? AND w.value \(condition.op.sql) \(JSONValue.number(number)))"
                arguments += [phase, condition.name]
            case (false, .number(let number)):
                text += " AND EXISTS (SELECT 1 FROM params AS p WHERE p.run_id = m.run_id AND p.key = ? AND p.num \(condition.op.sql) \(JSONValue.number(number)))"
                arguments.append(condition.name)
            case (_, .text(let value)):
                text += " AND EXISTS (SELECT 1 FROM params AS p WHERE p.run_id = m.run_id AND p.key = ? AND p.text \(condition.op.sql) ?)"
                arguments += [condition.name, value]
            }
        }
        return (text, arguments)
    }
}

extension LeaderboardFilter {
    /// The hyperparameter condition at `index` on the `params` row `alias`, with its arguments: what a query driven
    /// from the `params` index selects on. Nil for a metric condition.
    func parameterTest(_ index: Int, alias: String) -> (text: String, arguments: [String])? {
        let condition = conditions[index]
        guard !condition.isMetric else { return nil }
        switch condition.value {
        case .number(let number): return ("\(alias).key = ? AND \(alias).num \(condition.op.sql) \(JSONValue.number(number))", [condition.name])
        case .text(let value): return ("\(alias).key = ? AND \(alias).text \(condition.op.sql) ?", [condition.name, value])
        }
    }

    /// How many runs the hyperparameter condition at `index` admits, up to `cap`, counted on the `params` index: the
    /// SQL and its arguments. Nil for a metric condition.
    func countSQL(_ index: Int, cap: Int) -> (text: String, arguments: [String])? {
        parameterTest(index, alias: "p").map { ("SELECT count(*) FROM (SELECT 1 FROM params AS p WHERE \($0.text) LIMIT \(cap))", $0.arguments) }
    }
}

/// A `--where` that could not be read.
package struct FilterError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, naming the part of the text.
    package var message: String

    package var description: String { message }
}
