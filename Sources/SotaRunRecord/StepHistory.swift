import FoundationEssentials
import SotaSupport

/// The metrics a child wrote step by step (the config's `training.step_metrics` file, JSON lines), as sota keeps them:
/// each metric's points in step order, thinned to at most ``maximumPoints`` so the index, a sparkline and a report
/// curve stay small however long training ran. The file in the run directory keeps every point.
///
/// Each line is one JSON object, in either of two shapes:
/// - `{"step": 100, "name": "loss", "value": 0.31}`: one point;
/// - `{"step": 100, "loss": 0.31, "accuracy": 0.82}`: every numeric member but the step is a point.
///
/// `_step` is read as the step too (W&B's history spelling), and members whose names start with `_` (`_runtime`,
/// `_timestamp`) are not metrics. A step written twice keeps its last value (a stage retried or resumed rewrites its
/// steps). Lines that are not such objects are skipped and counted: a child killed mid-line leaves half a line.
package struct StepHistory: Sendable, Equatable {
    /// One point of one metric.
    package struct Point: Sendable, Equatable {
        /// The training step, from 0.
        package var step: Int
        /// A finite value.
        package var value: Double

        /// Creates a point.
        package init(step: Int, value: Double) {
            self.step = step
            self.value = value
        }
    }

    /// The variable that tells a child where to write its step history (an absolute path in the run directory).
    package static let environmentVariable = "SOTA_STEP_METRICS_FILE"

    /// Points per metric at most, kept by ``thinned(to:)``: enough for a report curve 900 pixels wide.
    package static let maximumPoints = 500

    /// The largest step accepted: 2^53, the largest integer every JSON reader keeps exact.
    package static let maximumStep = 1 << 53

    /// Each metric's points, in step order, one per step.
    package var series: [String: [Point]]
    /// Lines skipped because they were not a step record.
    package var skippedLines = 0
    /// The first skipped line's number (from 1) and why, for a warning.
    package var firstProblem: (line: Int, reason: String)?
    /// Points read before thinning, all metrics together.
    package var pointsRead = 0

    /// A history holding `series`.
    package init(series: [String: [Point]] = [:]) {
        self.series = series
    }

    package static func == (lhs: StepHistory, rhs: StepHistory) -> Bool {
        lhs.series == rhs.series && lhs.skippedLines == rhs.skippedLines && lhs.pointsRead == rhs.pointsRead
            && lhs.firstProblem?.line == rhs.firstProblem?.line && lhs.firstProblem?.reason == rhs.firstProblem?.reason
    }

    /// True when no metric has a point.
    package var isEmpty: Bool { series.values.allSatisfy(\.isEmpty) }

    /// The metric names, sorted.
    package var names: [String] { series.keys.filter { series[$0]?.isEmpty == false }.sorted() }

    /// The history in the JSON-lines file at `path`, thinned; nil when there is no such file.
    ///
    /// - Throws: `FileError` when the file exists but cannot be read.
    package static func read(_ path: String, maximumPoints: Int = maximumPoints) throws -> StepHistory? {
        guard Paths.kind(of: path) == .file else { return nil }
        var reader = LineReader()
        try FileStream.forEachChunk(of: path) { chunk in reader.add(chunk) }
        reader.finish()
        return reader.history().thinned(to: maximumPoints)
    }

    /// The history in JSON-lines `text`, not thinned.
    package static func parse(_ text: some Collection<UInt8>) -> StepHistory {
        var reader = LineReader()
        Array(text).withUnsafeBytes { reader.add($0) }
        reader.finish()
        return reader.history()
    }

    /// Each metric kept to at most `limit` points (the first and the last always among them), chosen so a curve
    /// drawn through them keeps the original's shape: largest-triangle-three-buckets (Steinarsson, 2013), which keeps
    /// the spikes and dips that plain striding drops.
    package func thinned(to limit: Int) -> StepHistory {
        var copy = self
        for (name, points) in series where points.count > max(limit, 3) {
            copy.series[name] = Self.largestTriangles(points, keep: max(limit, 3))
        }
        return copy
    }

    private static func largestTriangles(_ points: [Point], keep: Int) -> [Point] {
        var kept = [points[0]]
        kept.reserveCapacity(keep)
        let bucketSize = Double(points.count - 2) / Double(keep - 2)
        var previous = 0
        for bucket in 0..<(keep - 2) {
            let start = Int(Double(bucket) * bucketSize) + 1
            let end = min(Int(Double(bucket + 1) * bucketSize) + 1, points.count - 1)
            // The next bucket's average is the third corner of each candidate's triangle.
            let nextStart = end, nextEnd = min(Int(Double(bucket + 2) * bucketSize) + 1, points.count)
            var averageStep = 0.0, averageValue = 0.0
            for point in points[nextStart..<max(nextEnd, nextStart + 1)] {
                averageStep += Double(point.step)
                averageValue += point.value
            }
            let count = Double(max(nextEnd - nextStart, 1))
            averageStep /= count
            averageValue /= count
            let anchor = points[previous]
            var best = start, bestArea = -1.0
            for index in start..<max(end, start + 1) {
                let point = points[index]
                let area = abs((Double(anchor.step) - averageStep) * (point.value - anchor.value)
                    - (Double(anchor.step) - Double(point.step)) * (averageValue - anchor.value))
                if area > bestArea {
                    bestArea = area
                    best = index
                }
            }
            kept.append(points[best])
            previous = best
        }
        kept.append(points[points.count - 1])
        return kept
    }

    /// A warning for the lines skipped, naming the file (as the user sees it) and the first bad line; nil when none was.
    package func warning(file: String) -> String? {
        guard skippedLines > 0, let first = firstProblem else { return nil }
        let others = skippedLines - 1
        return "\(file):\(first.line): \(first.reason); the line was skipped"
            + (others > 0 ? " (and \(others) more line\(others == 1 ? "" : "s"))" : "")
    }

    /// Splits bytes into lines and reads each as a step record: the usual lines by ``StepLineScanner`` without
    /// allocating, any other (escapes, non-ASCII keys, a value that is not a number, an error to explain) by the
    /// general JSON reader, which agrees with the scanner on every line the scanner accepts.
    private struct LineReader {
        var carry: [UInt8] = []
        var line = 0
        var skipped = 0
        var firstProblem: (line: Int, reason: String)?
        var pointsRead = 0
        var scanner = StepLineScanner()
        /// Each metric's points as read, by the scanner's name index.
        var series: [[Point]] = []
        /// False once a metric's steps arrived out of order or repeated: its points are then sorted at the end.
        var ordered: [Bool] = []

        mutating func add(_ chunk: UnsafeRawBufferPointer) {
            var start = 0
            for index in 0..<chunk.count where chunk[index] == 0x0A {
                if carry.isEmpty {
                    record(UnsafeRawBufferPointer(rebasing: chunk[start..<index]))
                } else {
                    carry.append(contentsOf: chunk[start..<index])
                    carry.withUnsafeBytes { record($0) }
                    carry.removeAll(keepingCapacity: true)
                }
                start = index + 1
            }
            carry.append(contentsOf: chunk[start...])
        }

        mutating func finish() {
            if !carry.isEmpty {
                carry.withUnsafeBytes { record($0) }
                carry = []
            }
        }

        mutating func record(_ bytes: UnsafeRawBufferPointer) {
            line += 1
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }
            if scanner.scan(bytes) {
                for (name, value) in scanner.values { append(name, Point(step: scanner.step, value: value)) }
                return
            }
            switch StepHistory.points(in: bytes) {
            case .success(let found):
                for (name, step, value) in found { append(scanner.index(of: name), Point(step: step, value: value)) }
            case .failure(let problem):
                skipped += 1
                if firstProblem == nil { firstProblem = (line, problem.description) }
            }
        }

        private mutating func append(_ name: Int, _ point: Point) {
            while series.count <= name {
                series.append([])
                ordered.append(true)
            }
            if let last = series[name].last, last.step >= point.step { ordered[name] = false }
            series[name].append(point)
            pointsRead += 1
        }

        func history() -> StepHistory {
            var byName: [String: [Point]] = [:]
            for (index, points) in series.enumerated() where !points.isEmpty {
                // A step written twice keeps its last value: a stable sort keeps arrival order within a step.
                byName[scanner.names[index]] = ordered[index] ? points : Self.lastPerStep(points)
            }
            var history = StepHistory(series: byName)
            history.skippedLines = skipped
            history.firstProblem = firstProblem
            history.pointsRead = pointsRead
            return history
        }

        private static func lastPerStep(_ points: [Point]) -> [Point] {
            let sorted = points.enumerated().sorted { ($0.element.step, $0.offset) < ($1.element.step, $1.offset) }.map(\.element)
            var out: [Point] = []
            out.reserveCapacity(sorted.count)
            for point in sorted {
                if out.last?.step == point.step { out[out.count - 1] = point } else { out.append(point) }
            }
            return out
        }
    }

    /// The points of one line, or why it is not a step record.
    static func points(in bytes: UnsafeRawBufferPointer) -> Result<[(String, Int, Double)], MetricsProblem> {
        let contents: MetricsFile.Contents
        switch MetricsFile.parse(bytes) {
        case .success(let read): contents = read
        case .failure(let problem): return .failure(MetricsProblem("not a JSON object (\(problem.description))"))
        }
        guard let stepValue = contents.metrics["step"] ?? contents.metrics["_step"] else {
            return .failure(MetricsProblem("no numeric `step`"))
        }
        guard stepValue >= 0, stepValue <= Double(maximumStep), stepValue.rounded() == stepValue else {
            return .failure(MetricsProblem("`step` must be a whole number from 0 to 2^53, found \(NumberFormat.general(stepValue, significant: 6))"))
        }
        let step = Int(stepValue)
        if let name = contents.texts["name"] {
            guard let value = contents.metrics["value"] else {
                return .failure(MetricsProblem("`value` of `\(name)` is " + (contents.nonMetrics["value"] ?? "missing")))
            }
            guard isName(name) else { return .failure(MetricsProblem("`name` must be a metric name, found \"\(name.prefix(40))\"")) }
            return .success([(name, step, value)])
        }
        let found = contents.metrics.filter { $0.key != "step" && !$0.key.hasPrefix("_") && isName($0.key) }
        guard !found.isEmpty else { return .failure(MetricsProblem("no metric beside the step")) }
        return .success(found.map { ($0.key, step, $0.value) })
    }

    /// A name fit for a table and a report: 1 to 128 printable characters.
    private static func isName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 128 && name.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F }
    }
}
