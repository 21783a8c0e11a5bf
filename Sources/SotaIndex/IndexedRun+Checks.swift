import SotaSupport
import SotaRunRecord

extension IndexedRun {
    /// The longest stage (or run) sota takes as real: ten years, in seconds. Anything longer is a damaged or
    /// hand-made manifest, and would overflow the duration arithmetic of the reports.
    static let maximumSeconds: Double = 10 * 365.25 * 86_400
    /// The most GPUs one run is taken to use.
    static let maximumGPUCount = 4096
    /// The most attempts one stage is taken to make.
    static let maximumAttempts = 10_000

    /// Checks what sota itself would have written: a valid run id matching the run's folder, times that exist,
    /// finite durations between 0 and ``maximumSeconds``, counts in range.
    ///
    /// Every run the index stores passes here, whichever reader produced it (``ManifestScanner`` or the full decoder)
    /// and whichever command writes it (`sota run`, `ingest`, `--rebuild`).
    ///
    /// - Parameter manifestPath: where the manifest is; when it is a `manifest.json`, its folder must be named after
    ///   the run id.
    /// - Throws: an ``IngestReport/Problem`` naming the manifest and the field.
    func check(manifestPath: String) throws(RunFolderProblem) {
        func refuse(_ field: String, _ problem: String) -> RunFolderProblem {
            RunFolderProblem(path: manifestPath, reason: "`\(field)`: \(problem); sota never writes such a manifest")
        }
        if let problem = RunID.problem(with: runID) { throw refuse("run_id", "`\(Self.shown(runID))` is not a run id (\(problem))") }
        if Paths.lastComponent(of: manifestPath) == RunLayout.manifest {
            let folder = Paths.lastComponent(of: Paths.parent(of: manifestPath))
            guard folder == runID else { throw refuse("run_id", "`\(runID)` differs from its folder `\(Self.shown(folder))`") }
        }
        // Written out rather than looped over arrays: this runs for every run of a bulk ingest, on the writer's thread.
        if !Timestamp.isValid(created) { throw refuse("created", "`\(Self.shown(created))` is not a date and time") }
        if !Timestamp.isValid(updated) { throw refuse("updated", "`\(Self.shown(updated))` is not a date and time") }
        guard (0...Self.maximumGPUCount).contains(gpuCount) else {
            throw refuse("hardware.gpu_count", "\(gpuCount) is outside 0...\(Self.maximumGPUCount)")
        }
        for (index, stage) in stages.enumerated() {
            var field: String { "stages[\(index)]" }
            if let seconds = stage.seconds, !(seconds.isFinite && (0...Self.maximumSeconds).contains(seconds)) {
                throw refuse("\(field).seconds", "\(seconds) is not a duration between 0 and 10 years")
            }
            if let work = stage.work, !(work.isFinite && work >= 0) {
                throw refuse("\(field).work", "\(work) is not a non-negative size")
            }
            guard (0...Self.maximumAttempts).contains(stage.attempts) else {
                throw refuse("\(field).attempts", "\(stage.attempts) is outside 0...\(Self.maximumAttempts)")
            }
            if let finished = stage.finished, !Timestamp.isValid(finished) {
                throw refuse("\(field).finished", "`\(Self.shown(finished))` is not a date and time")
            }
        }
        guard totalSeconds <= Self.maximumSeconds else {
            throw refuse("stages", "the stages add up to \(totalSeconds) s, more than 10 years")
        }
        for metric in metrics where !metric.value.isFinite {
            throw refuse("metrics.\(metric.phase).\(metric.name)", "\(metric.value) is not a finite number")
        }
        for (index, gate) in gates.enumerated() {
            func finite(_ value: Double?, _ name: String) throws(RunFolderProblem) {
                if let value, !value.isFinite { throw refuse("gates[\(index)].\(name)", "\(value) is not a finite number") }
            }
            try finite(gate.threshold, "threshold")
            try finite(gate.value, "value")
            try finite(gate.baseline, "baseline")
            try finite(gate.requiredImprovement, "required_improvement")
        }
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool { scalar.value < 0x20 || scalar.value == 0x7F }

    /// `text` with control characters made visible and cut to 80 characters, for messages.
    private static func shown(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars.prefix(80) {
            if isControl(scalar) { out += "\\u{\(String(scalar.value, radix: 16))}" } else { out.unicodeScalars.append(scalar) }
        }
        return text.unicodeScalars.count > 80 ? out + "…" : out
    }
}
