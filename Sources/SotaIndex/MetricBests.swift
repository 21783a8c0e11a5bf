import SotaSupport

extension Leaderboard {
    /// The best value of one metric per UTC day and per experiment, over every indexed run.
    package struct MetricBests: Sendable, Equatable {
        /// Per day on which a run with the metric finished, oldest day first.
        package var days: [DailyBest]
        /// Per experiment, best first (ties by name).
        package var experiments: [ExperimentBest]

        /// Creates the bests.
        package init(days: [DailyBest], experiments: [ExperimentBest]) {
            self.days = days
            self.experiments = experiments
        }
    }
}

/// Computes ``Leaderboard/MetricBests`` in one pass over the metric's values, with no sort of the whole history: two
/// window functions used to sort all of it, each after looking every run up in value order. The same reduction
/// recomputes single days and experiments for the stored series (``ReportSeriesTables``).
///
/// Orders match SQLite's: strings compare by their UTF-8 bytes (the BINARY collation), a day is the first ten
/// characters of `updated` (`substr(updated, 1, 10)`).
struct MetricBestsReduction {
    /// A string compared and hashed by its UTF-8 bytes, as SQLite groups and joins text (Swift's `==` would merge
    /// canonically equivalent spellings that SQLite keeps apart).
    private struct BinaryKey: Hashable {
        var text: String

        static func == (first: BinaryKey, second: BinaryKey) -> Bool { sameBytes(first.text, second.text) }

        func hash(into hasher: inout Hasher) {
            var text = text
            text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
    }

    /// One candidate: its value and the stamp that breaks ties (`updated` for days, `created` for experiments).
    private struct Candidate {
        var runID: String
        var value: Double
        var stamp: String
        var runs: Int
    }

    /// Which way the metric improves.
    let direction: MetricDirection
    private var days: [BinaryKey: Candidate] = [:]
    private var experiments: [BinaryKey: Candidate] = [:]

    /// An empty reduction.
    init(direction: MetricDirection) {
        self.direction = direction
    }

    /// The bests of `metric` in `phase` over every run, read from `db`.
    static func read(_ db: SQLiteConnection, metric: String, phase: String, direction: MetricDirection) throws -> Leaderboard.MetricBests {
        var reduction = MetricBestsReduction(direction: direction)
        // Walked in run id order (the unary `+` keeps SQLite off the value index, whose order would make every run
        // lookup a jump), so each run is found next to the previous one.
        try reduction.add(db, sql: """
            SELECT r.run_id, r.experiment, r.created, r.updated, m.value
            FROM metrics AS m CROSS JOIN runs AS r ON r.run_id = m.run_id
            WHERE +m.phase = ? AND +m.name = ?
            ORDER BY m.run_id
            """, arguments: [phase, metric], days: true, experiments: true)
        return reduction.result()
    }

    /// Adds the runs matching `condition` (on `runs AS r`; `arguments` start with the phase and the metric), to the
    /// days' bests, the experiments' bests or both. A day or an experiment is exact once all its runs are added.
    mutating func add(_ db: SQLiteConnection, where condition: String, arguments: SQLiteArguments, days: Bool = false, experiments: Bool = false) throws {
        try add(db, sql: """
            SELECT r.run_id, r.experiment, r.created, r.updated, m.value
            FROM runs AS r CROSS JOIN metrics AS m ON m.run_id = r.run_id AND m.phase = ? AND m.name = ?
            WHERE \(condition)
            """, arguments: arguments, days: days, experiments: experiments)
    }

    private mutating func add(_ db: SQLiteConnection, sql: String, arguments: SQLiteArguments, days byDay: Bool, experiments byExperiment: Bool) throws {
        let rows = try db.fetchCursor(sql: sql, arguments: arguments)
        while let row = try rows.next() {
            let runID: String = try row.stored(at: 0, "run_id")
            let created: String = try row.stored(at: 2, "created"), updated: String = try row.stored(at: 3, "updated")
            let value: Double = try row.stored(at: 4, "value")
            if byDay {
                let day = BinaryKey(text: String(updated.unicodeScalars.prefix(10)))
                let candidate = Candidate(runID: runID, value: value, stamp: updated, runs: 1)
                if let current = days[day] {
                    if Self.isBetter(candidate, than: current, direction) { days[day] = candidate }
                } else {
                    days[day] = candidate
                }
            }
            if byExperiment {
                let experiment = try BinaryKey(text: row.stored(at: 1, "experiment"))
                var candidate = Candidate(runID: runID, value: value, stamp: created, runs: 1)
                if let current = experiments[experiment] {
                    candidate.runs = current.runs + 1
                    if !Self.isBetter(candidate, than: current, direction) {
                        var kept = current
                        kept.runs = candidate.runs
                        candidate = kept
                    }
                }
                experiments[experiment] = candidate
            }
        }
    }

    /// The bests added so far: days oldest first, experiments best first (ties by name).
    func result() -> Leaderboard.MetricBests {
        let dayList = days.sorted { Self.precedes($0.key.text, $1.key.text) }.map {
            Leaderboard.DailyBest(day: $0.key.text, runID: $0.value.runID, value: $0.value.value)
        }
        let experimentList = experiments.sorted { first, second in
            if first.value.value != second.value.value { return direction.isBetter(first.value.value, than: second.value.value) }
            return Self.precedes(first.key.text, second.key.text)
        }.map { Leaderboard.ExperimentBest(experiment: $0.key.text, runID: $0.value.runID, value: $0.value.value, runs: $0.value.runs) }
        return Leaderboard.MetricBests(days: dayList, experiments: experimentList)
    }

    /// Whether `candidate` ranks before `current`: the better value, then the earlier stamp, then the smaller id.
    private static func isBetter(_ candidate: Candidate, than current: Candidate, _ direction: MetricDirection) -> Bool {
        if candidate.value != current.value { return direction.isBetter(candidate.value, than: current.value) }
        if !sameBytes(candidate.stamp, current.stamp) { return precedes(candidate.stamp, current.stamp) }
        return precedes(candidate.runID, current.runID)
    }

    /// SQLite's BINARY order: byte by byte over UTF-8.
    private static func precedes(_ first: String, _ second: String) -> Bool {
        var first = first, second = second
        return first.withUTF8 { left in second.withUTF8 { right in left.lexicographicallyPrecedes(right) } }
    }

    /// Whether two strings have the same UTF-8 bytes (compared in place, as the generic `utf8` comparison is slow).
    private static func sameBytes(_ first: String, _ second: String) -> Bool {
        var first = first, second = second
        return first.withUTF8 { left in second.withUTF8 { right in left.count == right.count && left.elementsEqual(right) } }
    }
}
