import SotaRunRecord
import SotaSupport
/// What `sota leaderboard` prints on standard output, in each of its three formats.
///
/// `sota leaderboard` prints through this one type whichever way it read the rows, so its output is byte-identical.
package enum LeaderboardOutput {
    /// How the listing is printed.
    package enum Format: Sendable, Equatable {
        /// An aligned table for people, or a one-line note when nothing ranks.
        case text
        /// A pretty-printed JSON object: `schema_version`, what was ranked, and `runs`, an array of row objects.
        case json
        /// RFC 4180 CSV with a header line.
        case csv
    }

    /// The CSV header and JSON keys, in output order.
    package static let columns = ["rank", "run_id", "experiment", "value", "status", "passed", "created", "config_hash",
                                  "git_commit", "gpu_type", "total_seconds"]

    /// The complete standard output for `rows`, final line break included.
    ///
    /// - Parameters:
    ///   - metric, phase, experiment: what was asked for, named in the table header and the "no runs" note.
    ///   - unindexedRuns: the runs folder (as shown) when the index holds no run at all but that folder holds run
    ///     folders: the note then says to rebuild the index rather than to run something.
    ///   - conditions: `--where` as given, named when no run meets it.
    ///   - parameters: the hyperparameter columns of the table and CSV, in order (see ``varyingParameters(_:)``);
    ///     JSON gives every row all of its hyperparameters.
    package static func render(_ rows: [LeaderboardRow], format: Format, metric: String, phase: String,
                               experiment: String?, unindexedRuns: String? = nil, parameters: [String] = [], conditions: String? = nil) -> String {
        switch format {
        case .json:
            // The `--json` contract (docs/json.md): an object whose first member is the schema version.
            return "{\n  \"\(JSONOutput.versionKey)\": \(JSONOutput.schemaVersion),\n  \"metric\": \(quoted(metric)),\n  \"phase\": \(quoted(phase)),"
                + "\n  \"experiment\": \(experiment.map(quoted) ?? "null"),\n  \"runs\": \(json(rows, indent: "  "))\n}\n"
        case .csv:
            return CSV.render(header: columns + parameters, rows: rows.map { row in fields(row) + parameters.map { row.parameters[$0]?.text ?? "" } })
        case .text where rows.isEmpty:
            if let unindexedRuns {
                return "the leaderboard index is empty, but \(unindexedRuns)/ holds run folders; `sota leaderboard --rebuild` indexes them\n"
            }
            if let conditions {
                return (metric.isEmpty ? "no runs" : "no runs with `\(metric)`") + " in \(phase)" + (experiment.map { " for \($0)" } ?? "")
                    + " meet --where `\(conditions)`\n"
            }
            return (metric.isEmpty ? "no runs" : "no runs with `\(metric)`") + " in \(phase) yet" + (experiment.map { " for \($0)" } ?? "") + "; `sota run` adds them\n"
        case .text:
            let cells = rows.map { row in
                var cells = tableCells(row)
                cells.insert(contentsOf: parameters.map { row.parameters[$0]?.text ?? "-" }, at: 4)
                return cells
            }
            return TextTable.render(header: ["#", "run", "experiment", metric] + parameters + ["status", "created", "commit", "time"],
                                    rows: cells) + "\n"
        }
    }

    /// The hyperparameters whose values differ among `rows` (or that some rows lack), by key: what tells the rows of
    /// a sweep apart. At most `limit` of them.
    package static func varyingParameters(_ rows: [LeaderboardRow], limit: Int = 6) -> [String] {
        guard rows.count > 1 else { return [] }
        // Loops rather than key paths and sets: this runs on every `sota leaderboard`, where a key path's first use
        // costs more than the loop.
        var keys: [String] = []
        for row in rows {
            for key in row.parameters.keys where !keys.contains(key) { keys.append(key) }
        }
        keys.sort()
        var varying: [String] = []
        for key in keys where varying.count < limit {
            let first = rows[0].parameters[key]
            if rows.contains(where: { $0.parameters[key] != first }) { varying.append(key) }
        }
        return varying
    }

    /// One row's table cells: short commit, minute-precision time, compact duration.
    static func tableCells(_ row: LeaderboardRow) -> [String] {
        [String(row.rank), row.runID, row.experiment, LeaderboardNumbers.fourSignificantDigits(row.value),
         row.passed == true ? "passed" : row.status, minute(row.created),
         row.gitCommit.map { String($0.prefix(8)) } ?? "-", DurationValue(seconds: row.totalSeconds).description]
    }

    /// `2026-11-23T14:15:03Z` as `2026-11-23 14:15`.
    private static func minute(_ created: String) -> String {
        // Timestamps are ASCII, where bytes are characters; byte arrays need no generic type set up at run time.
        guard created.utf8.allSatisfy({ $0 < 0x80 }) else { return String(created.prefix(16).map { $0 == "T" ? " " : $0 }) }
        return String(decoding: created.utf8.prefix(16).map { $0 == UInt8(ascii: "T") ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
    }

    /// One row's CSV fields, in ``columns`` order; absent values are empty.
    static func fields(_ row: LeaderboardRow) -> [String] {
        [String(row.rank), row.runID, row.experiment, JSONValue.shortNumber(row.value), row.status,
         row.passed.map { $0 ? "true" : "false" } ?? "", row.created, row.configHash, row.gitCommit ?? "", row.gpuType ?? "",
         JSONValue.shortNumber(row.totalSeconds)]
    }

    /// The rows as a JSON array indented by two spaces more than `indent`, one member per line, without a final
    /// newline; its first line is meant to follow a key on a line already indented by `indent`.
    static func json(_ rows: [LeaderboardRow], indent: String = "") -> String {
        if rows.isEmpty { return "[]" }
        var out = "["
        for index in 0..<rows.count {
            let row = rows[index]
            out += (index == 0 ? "\n" : ",\n") + indent + "  {"
            let members: [(String, String)] = [
                ("rank", String(row.rank)), ("run_id", quoted(row.runID)), ("experiment", quoted(row.experiment)),
                ("value", JSONValue.number(row.value)), ("status", quoted(row.status)),
                ("passed", row.passed.map { $0 ? "true" : "false" } ?? "null"), ("created", quoted(row.created)),
                ("config_hash", quoted(row.configHash)), ("git_commit", row.gitCommit.map(quoted) ?? "null"),
                ("gpu_type", row.gpuType.map(quoted) ?? "null"), ("total_seconds", JSONValue.number(row.totalSeconds)),
            ] + (row.trackerURL.map { [("tracker_url", quoted($0))] } ?? []) + (row.parameters.isEmpty ? [] : [("parameters", JSONValue.object(row.parameters.sorted { $0.key < $1.key }.map { ($0.key, $0.value.jsonValue) })
                .rendered(pretty: false))])
            for position in 0..<members.count {
                out += (position == 0 ? "\n" : ",\n") + indent + "    "
                out += quoted(members[position].0) + ": " + members[position].1
            }
            out += "\n" + indent + "  }"
        }
        return out + "\n" + indent + "]"
    }

    /// `text` as a JSON string literal, escaped as every `--json` output escapes it.
    package static func quoted(_ text: String) -> String {
        var out = ""
        JSONValue.quote(text, into: &out)
        return out
    }
}
