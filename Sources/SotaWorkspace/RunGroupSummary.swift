import FoundationEssentials
import SotaSupport
import SotaRunRecord
import SotaPlan

/// The runs of one experiment (or one config) reduced to what `experiment list`, `archive` and `catalog` show, kept
/// in the index's `run_groups` so those commands never read every run.
///
/// What it keeps is exactly what ``LifecycleState/derive(_:thresholds:now:)`` and ``RunRanking/bestRun(_:)`` look at:
/// the count, the newest update, the best run, and the few runs the rules can pick (in their original order, so ties
/// resolve as over the full list): every run whose manifest says running (whether it is in progress depends on its
/// lock, asked when read), the best run, the last passed run, the latest finished run and the most recently updated run.
struct RunGroupSummary: Sendable, Equatable {
    /// How many runs.
    var count: Int
    /// The newest ``ExperimentRun/updated``, seconds since the reference date.
    var newestUpdate: Double?
    /// The runs the lifecycle can pick, oldest first. Only the best run keeps its phase, metrics and gates: the
    /// others are asked for their id, status and times alone.
    var keyRuns: [StoredRun]
    /// The best finished run's id, its ranking metric and value.
    var best: Best?

    /// The best run by the primary metric.
    struct Best: Sendable, Equatable {
        /// Its place in ``RunGroupSummary/keyRuns``.
        var position: Int
        /// The metric that ranked it.
        var metric: String
        /// Its value.
        var value: Double
    }

    /// Summarizes `runs` (any order; sorted here as the scan sorts them: by creation, then id), the best run ranked
    /// under `preference`.
    init(_ runs: [StoredRun], preference: RankingPreference = .none) {
        let sorted = runs.sorted { ($0.created, $0.id) < ($1.created, $1.id) }
        // Lock state does not change which runs are finished, so ranking without asking any lock is exact.
        let plain = sorted.map { $0.run(directory: "", inProgress: false) }
        count = sorted.count
        newestUpdate = sorted.map(\.updated).max()
        let ranked = RunRanking.bestRun(plain, preference: preference)
        let bestIndex = ranked.flatMap { ranked in plain.firstIndex { $0 == ranked.run } }
        let finished = plain.indices.filter { plain[$0].outcome.isFinished }
        var picked = Set(sorted.indices.filter { sorted[$0].status == .running })
        if let bestIndex { picked.insert(bestIndex) }
        if let index = finished.last(where: { plain[$0].outcome == .passed }) { picked.insert(index) }
        if let index = finished.max(by: { plain[$0].updated < plain[$1].updated }) { picked.insert(index) }
        if let index = plain.indices.max(by: { plain[$0].updated < plain[$1].updated }) { picked.insert(index) }
        let order = picked.sorted()
        keyRuns = order.map { index in
            guard index == bestIndex else { return sorted[index].identityOnly }
            var best = sorted[index].identityOnly
            (best.phase, best.metrics, best.gates) = (sorted[index].phase, sorted[index].metrics, sorted[index].gates)
            return best
        }
        best = ranked.flatMap { ranked in
            bestIndex.flatMap { index in order.firstIndex(of: index) }.map { Best(position: $0, metric: ranked.metric, value: ranked.value) }
        }
    }

    /// The best run among `runs` (``keyRuns`` as read), nil when none or when a damaged summary points nowhere.
    func bestRun(among runs: [ExperimentRun]) -> ExperimentSummary.BestRun? {
        guard let best, runs.indices.contains(best.position) else { return nil }
        return ExperimentSummary.BestRun(run: runs[best.position], metric: best.metric, value: best.value)
    }

    /// The summary stored as text: a header line, one line per key run (tab-separated, `\\`, tab and line feed
    /// escaped), then the best run's phase (`p`), metrics (`m`) and gates (`g`). Hand-written because a listing reads
    /// a thousand of these, and `JSONDecoder` took longer over them than the rest of the command (numbers are written
    /// as Swift prints a `Double`, which reads back to the same bits).
    func encoded() throws -> String {
        var text = Self.header + "\n"
        text += [String(count), newestUpdate.map { "\($0)" } ?? "-", best.map { String($0.position) } ?? "-",
                 Self.escape(best?.metric ?? ""), best.map { "\($0.value)" } ?? "-"].joined(separator: "\t") + "\n"
        for run in keyRuns {
            text += [Self.escape(run.folder), Self.escape(run.id), run.status.rawValue, run.passed.map { $0 ? "1" : "0" } ?? "-",
                     "\(run.created)", "\(run.updated)"].joined(separator: "\t") + "\n"
        }
        if let best, keyRuns.indices.contains(best.position) {
            let run = keyRuns[best.position]
            text += "p\t" + Self.optional(run.phase) + "\n"
            for (name, value) in run.metrics.sorted(by: { $0.key < $1.key }) { text += "m\t\(Self.escape(name))\t\(value)\n" }
            for gate in run.gates {
                text += ["g", Self.escape(gate.name), Self.escape(gate.phase), Self.escape(gate.metric), Self.escape(gate.direction), "\(gate.threshold)",
                         gate.value.map { "\($0)" } ?? "-", gate.baseline.map { "\($0)" } ?? "-", Self.optional(gate.baselineRun),
                         gate.requiredImprovement.map { "\($0)" } ?? "-", gate.passed ? "1" : "0", Self.escape(gate.reason)].joined(separator: "\t") + "\n"
            }
        }
        return text
    }

    /// `-` for nil, `=text` otherwise, so an empty text and no text differ.
    private static func optional(_ text: String?) -> String { text.map { "=" + escape($0) } ?? "-" }

    /// The text ``optional(_:)`` wrote; `.some(nil)` for `-`, nil when malformed.
    private static func optional(_ field: Substring) -> String?? {
        if field == "-" { return .some(nil) }
        guard field.hasPrefix("=") else { return nil }
        return .some(unescape(field.dropFirst()))
    }

    /// A number ``encoded()`` wrote with `-` for nil; `.some(nil)` for `-`, nil when malformed.
    private static func number(_ field: Substring) -> Double?? {
        if field == "-" { return .some(nil) }
        return Double(field).map { .some($0) }
    }

    /// The first line of every stored summary; a summary written otherwise is not read (the next refresh rewrites it).
    private static let header = "sota run group 1"

    /// A summary read back from ``encoded()``'s text; nil when the text is not one.
    static func decode(_ text: String) -> RunGroupSummary? {
        var lines = text.pieces(separatedBy: UInt8(ascii: "\n"))[...]
        guard lines.popFirst() == Substring(header), let head = lines.popFirst()?.pieces(separatedBy: UInt8(ascii: "\t")),
              head.count == 5, let count = Int(head[0]) else { return nil }
        var summary = RunGroupSummary(count: count, newestUpdate: Double(head[1]), keyRuns: [], best: nil)
        if let position = Int(head[2]), let value = Double(head[4]) {
            summary.best = Best(position: position, metric: unescape(head[3]), value: value)
        }
        var best: StoredRun?
        for line in lines where !line.isEmpty {
            let fields = line.pieces(separatedBy: UInt8(ascii: "\t"))
            switch fields.first {
            case "p" where fields.count == 2 && best == nil:
                guard let position = summary.best?.position, summary.keyRuns.indices.contains(position), let phase = optional(fields[1]) else { return nil }
                best = summary.keyRuns[position]
                best?.phase = phase
            case "m" where fields.count == 3 && best != nil:
                guard let value = Double(fields[2]) else { return nil }
                best?.metrics[unescape(fields[1])] = value
            case "g" where fields.count == 12 && best != nil:
                guard let threshold = Double(fields[5]), let value = number(fields[6]), let baseline = number(fields[7]),
                      let baselineRun = optional(fields[8]), let improvement = number(fields[9]) else { return nil }
                best?.gates.append(.init(name: unescape(fields[1]), phase: unescape(fields[2]), metric: unescape(fields[3]), direction: unescape(fields[4]),
                                         threshold: threshold, value: value, baseline: baseline, baselineRun: baselineRun,
                                         requiredImprovement: improvement, passed: fields[10] == "1", reason: unescape(fields[11])))
            case _ where fields.count == 6 && best == nil:
                guard let status = RunManifest.Status(rawValue: String(fields[2])), let created = Double(fields[4]), let updated = Double(fields[5])
                else { return nil }
                summary.keyRuns.append(StoredRun(folder: unescape(fields[0]), id: unescape(fields[1]), status: status,
                                                 passed: fields[3] == "1" ? true : fields[3] == "0" ? false : nil, created: created, updated: updated))
            default:
                return nil
            }
        }
        if let position = summary.best?.position {
            guard let best, summary.keyRuns.indices.contains(position) else { return nil }
            summary.keyRuns[position] = best
        }
        return summary
    }

    /// Creates a summary from its parts (decoding).
    private init(count: Int, newestUpdate: Double?, keyRuns: [StoredRun], best: Best?) {
        self.count = count
        self.newestUpdate = newestUpdate
        self.keyRuns = keyRuns
        self.best = best
    }

    private static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 9 || $0 == 10 || $0 == 92 }) else { return text }
        return text.replacing("\\", with: "\\\\").replacing("\t", with: "\\t").replacing("\n", with: "\\n")
    }

    private static func unescape(_ field: Substring) -> String {
        // `utf8.contains`, not `contains("\\")`, which Foundation answers with a locale-aware search.
        guard field.utf8.contains(92) else { return String(field) }
        var out = "", escaped = false
        for character in field {
            if escaped {
                out.append(character == "t" ? "\t" : character == "n" ? "\n" : character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                out.append(character)
            }
        }
        return out
    }
}
