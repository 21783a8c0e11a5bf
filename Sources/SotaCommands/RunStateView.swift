import SotaSupport
import SotaConfig
import SotaRunRecord
import SotaOperations

/// One run as `sota run --json` and `sota status RUN` show it: its state, stages, metrics and gates, from its
/// manifest; the same members in both, so a script reads a finished run and a live one alike (docs/json.md).
struct RunStateView {
    /// The run's manifest as last written.
    var manifest: RunManifest
    /// The run directory as the user would type it.
    var runDirectory: String
    /// running, finished, failed or interrupted (see ``LocalRunStatus/State``).
    var state: String
    /// What the run's GPU time cost at the project's prices; nil when unknown.
    var cost: Double?
    /// A stage's duration: recorded, or so far for a running stage.
    var seconds: (RunManifest.StageRecord) -> Double? = { $0.seconds }

    /// The state a finished `sota run` leaves, from its manifest (no lock is held any more).
    static func state(of manifest: RunManifest) -> String {
        LocalRunStatus.state(of: manifest.status, live: false).rawValue
    }

    /// What `status` (an exit status of `sota run`) means, in a few words.
    static func meaning(ofExitStatus status: Int32) -> String {
        switch status {
        case ExitStatus.success: "passed: every stage finished and every gate passed"
        case ExitStatus.checkFailed: "a check failed: nothing ran, the run was not found, or the promotion failed"
        case ExitStatus.stageFailed: "a stage failed"
        case ExitStatus.gateRejected: "a gate rejected the run"
        case ExitStatus.interrupted: "interrupted: sota run --resume continues it"
        default: "exit status \(status)"
        }
    }

    /// The run's cost at the project's prices: its stages' time on its recorded GPUs; nil without a price for its GPU
    /// type (a run on no GPU costs 0, price table or not).
    static func cost(of manifest: RunManifest, project: Project) -> Double? {
        let path = project.resolve(project.pricesPath)
        let table = Paths.kind(of: path) == .file ? PriceTable.load(path: path, displayPath: path).0 : nil
        return GPUPricing(table: table, tablePath: path).cost(gpuType: manifest.hardware.gpuType, gpuCount: manifest.hardware.gpuCount,
                                                             seconds: manifest.totalSeconds)
    }

    /// The run's members (after `schema_version`, which the caller's document puts first).
    var fields: [(String, JSONValue)] {
        let stages = manifest.stages.map { stage -> JSONValue in
            .object([
                ("name", .string(stage.name)), ("phase", .string(stage.phase)), ("status", .string(stage.status.rawValue)),
                ("seconds", seconds(stage).map(JSONValue.double) ?? .null), ("attempts", .int(stage.attempts)),
                ("exit_code", stage.exitCode.map { .int(Int($0)) } ?? .null), ("log", .string(stage.log)),
            ])
        }
        let metrics = manifest.metrics.sorted { $0.key < $1.key }.map { phase, values in
            (phase, JSONValue.object(values.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.double($0.value)) }))
        }
        let gates = manifest.gates.map { gate -> JSONValue in
            .object([
                ("name", .string(gate.name)), ("phase", .string(gate.phase)), ("metric", .string(gate.metric)),
                ("direction", .string(gate.direction)), ("threshold", .double(gate.threshold)),
                ("value", gate.value.map(JSONValue.double) ?? .null), ("baseline", gate.baseline.map(JSONValue.double) ?? .null),
                ("passed", .bool(gate.passed)), ("reason", .string(gate.reason)),
            ])
        }
        let failures = manifest.failures.map { failure -> JSONValue in
            .object([("stage", .string(failure.stage)), ("reason", .string(failure.reason)), ("log", failure.log.map(JSONValue.string) ?? .null)])
        }
        return [
            ("run_id", .string(manifest.runID)), ("experiment", .string(manifest.experiment)), ("run_dir", .string(runDirectory)),
            ("state", .string(state)), ("outcome", .string(manifest.status.rawValue)), ("passed", manifest.passed.map(JSONValue.bool) ?? .null),
            ("config", .string(manifest.config.path)), ("config_hash", .string(manifest.config.hash)),
            ("created", .string(manifest.created)), ("updated", .string(manifest.updated)),
            ("duration_seconds", .double(manifest.stages.compactMap(seconds).reduce(0, +))), ("cost", cost.map(JSONValue.double) ?? .null),
            ("stages", .array(stages)), ("metrics", .object(metrics)), ("gates", .array(gates)),
            ("gates_passed", .array(manifest.gates.filter(\.passed).map { .string($0.name) })),
            ("gates_failed", .array(manifest.gates.filter { !$0.passed }.map { .string($0.name) })),
            ("failures", .array(failures)),
        ]
    }

    /// The run as lines for a person: state, stages with their times, metrics, gates and failures.
    func text(style: TextStyle) -> String {
        var lines = ["run       \(manifest.runID) (\(manifest.experiment))  \(runDirectory)/",
                     "state     \(state)" + (state == manifest.status.rawValue ? "" : " (manifest: \(manifest.status.rawValue))")]
        lines.append("config    \(manifest.config.path)  sha256 \(manifest.config.hash.prefix(12))")
        let total = manifest.stages.compactMap(seconds).reduce(0, +)
        lines.append("time      \(NumberFormat.fixed(total, decimals: 1))s" + (cost.map { "  cost \(NumberFormat.fixed($0, decimals: 2))" } ?? ""))
        if !manifest.stages.isEmpty {
            lines.append("stages")
            for stage in manifest.stages {
                let time = seconds(stage).map { "  \(NumberFormat.fixed($0, decimals: 1))s" + (stage.seconds == nil ? " so far" : "") } ?? ""
                let attempts = stage.attempts > 1 ? "  (\(stage.attempts) attempts)" : ""
                lines.append("  \(stage.name) [\(stage.phase)]  \(stage.status.rawValue)\(time)\(attempts)")
            }
        }
        for (phase, values) in manifest.metrics.sorted(by: { $0.key < $1.key }) {
            let shown = values.sorted { $0.key < $1.key }.map { "\($0.key) \(NumberFormat.general($0.value, significant: 4))" }
            lines.append("metrics   \(phase): " + shown.joined(separator: ", "))
        }
        for gate in manifest.gates {
            lines.append("gate      \(gate.name) [\(gate.phase)]: " + (gate.passed ? style.green("pass") : style.red("FAIL")) + "  \(gate.reason)")
        }
        for failure in manifest.failures {
            lines.append("failure   \(failure.stage): \(failure.reason)" + (failure.log.map { " (log: \(Paths.join(runDirectory, $0)))" } ?? ""))
        }
        if state == LocalRunStatus.State.interrupted.rawValue || state == LocalRunStatus.State.failed.rawValue {
            lines.append("resume    sota run --resume \(manifest.runID)")
        }
        return lines.joined(separator: "\n")
    }
}
