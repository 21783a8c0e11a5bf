import Foundation
import SotaSupport
import SotaConfig
import SotaGit
import SotaPlan
@testable import SotaRun
import SotaTestSupport
import Synchronization
import Testing
import SotaRunRecord

/// A throwaway project whose train and evaluate programs are small shell scripts with chosen behaviour.
final class ScriptedProject: @unchecked Sendable {
    let folder = TemporaryDirectory()
    var root: String { folder.path }

    /// `train` is the body of the train script (it receives the stage name as $1 and the checkpoint dir as $2);
    /// `metrics` is the JSON the evaluate script writes.
    init(train: String = #"echo "training $1"; echo "$1" > "$2/$1.out""#,
         metrics: String = #"{"nrmse": 0.1}"#, smallThreshold: Double = 0.5, fullThreshold: Double = 0.5,
         stageExtras: String = "", gateExtras: String = "") {
        folder.write("sota.yaml", "project: scripted\n")
        folder.write("train.sh", "set -e\n" + train + "\n")
        folder.write("evaluate.sh", "set -e\necho evaluating\ncat > \"$1\" <<'JSON'\n\(metrics)\nJSON\n")
        folder.write("train.yaml", """
        experiment: scripted
        seed: 3
        training:
          command: [sh, train.sh, "{stage}", "{checkpoint_dir}"]
          epochs: 1
          learning_rate: 0.1
          checkpoint: b.out
          stages:
            - {name: a, outputs: [a.out]\(stageExtras)}
            - {name: b, outputs: [b.out]}
        resources: {platform: cpu}
        """)
        for (name, threshold) in [("small", smallThreshold), ("full", fullThreshold)] {
            folder.write("\(name).yaml", """
            evaluation:
              command: [sh, evaluate.sh, "{metrics}"]
              metrics: metrics.json
            gates:
              - {metric: nrmse, direction: lower, threshold: \(threshold)\(gateExtras)}
            """)
        }
    }

    func config(_ file: String, overrides: [String] = []) throws -> RunConfig {
        let loader = ConfigLoader(project: Project(root: root), searchPath: ProcessInfo.processInfo.environment["PATH"])
        let outcome = loader.load(path: folder.url(file), displayPath: file, overrides: overrides.map { try! ConfigOverride.parse($0).get() })
        return try #require(outcome.config, "\(outcome.diagnostics)")
    }

    func request(runID: String = "R1", retries: Int? = nil, grace: Double = 2) throws -> RunRequest {
        RunRequest(training: try config("train.yaml"), smallEval: try config("small.yaml"), fullEval: try config("full.yaml"),
                   project: Project(root: root), runID: runID, devices: "0", maxRetries: retries,
                   gracePeriod: DurationValue(seconds: grace), environment: ProcessInfo.processInfo.environment)
    }

    func log(_ runID: String, _ file: String) -> String {
        (try? String(contentsOfFile: folder.url("runs/\(runID)/logs/\(file)"), encoding: .utf8)) ?? ""
    }
}

/// Records events for assertions.
final class EventLog: Sendable {
    private let events = Mutex<[RunEvent]>([])
    func add(_ event: RunEvent) { events.withLock { $0.append(event) } }
    var notes: [String] {
        events.withLock { $0.compactMap { if case .note(let text) = $0 { text } else { nil } } }
    }
    var skipped: [String] {
        events.withLock { $0.compactMap { if case .stepSkipped(let name, _) = $0 { name } else { nil } } }
    }
}

/// A leaderboard stand-in with a fixed baseline that records what it is given.
final class FixedIndex: RunIndex, @unchecked Sendable {
    let value: Double?
    var recorded: [RunManifest] = []
    init(baseline: Double?) { value = baseline }
    func baseline(metric: String, phase: String, direction: MetricDirection, experiment: String) throws -> GateEvaluator.Baseline? {
        value.map { GateEvaluator.Baseline(runID: "PROD", value: $0) }
    }
    func record(_ manifest: RunManifest, manifestPath: String) throws { recorded.append(manifest) }
}

/// True when `pid` no longer runs: absent, or a zombie waiting for a parent that may never reap it.
func isGone(_ pid: Int32) -> Bool {
    for _ in 0..<50 {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        if let close = stat.lastIndex(of: ")"), stat[stat.index(close, offsetBy: 2)] == "Z" { return true }
        usleep(20_000)
    }
    return false
}

private func run(_ project: ScriptedProject, _ request: RunRequest, index: (any RunIndex)? = nil, events: EventLog = EventLog()) throws -> RunOutcome {
    let orchestrator = RunOrchestrator(request: request, index: index, observe: { events.add($0) })
    let (problems, data) = orchestrator.validate()
    #expect(!problems.hasErrors, "\(problems)")
    return try orchestrator.start(data: data, git: GitReader().provenance(at: project.root))
}

@Suite struct RunOrchestratorTests {
    @Test func happyPathWritesTheRunDirectory() throws {
        let project = ScriptedProject()
        let index = FixedIndex(baseline: nil)
        let outcome = try run(project, try project.request(), index: index)
        #expect(outcome.exitStatus == ExitStatus.success)
        let manifest = try RunManifest.read(path: project.folder.url("runs/R1/manifest.json"))
        #expect(manifest.status == .succeeded)
        #expect(manifest.stages.map(\.status) == [.succeeded, .succeeded, .succeeded, .succeeded])
        #expect(manifest.metrics["full_eval"]?["nrmse"] == 0.1)
        #expect(manifest.gates.map(\.passed) == [true, true])
        #expect(manifest.passed == true)
        #expect(manifest.stages[0].outputs.first?.path == "checkpoints/a.out")
        #expect(StageMarker.read(stage: "a", in: outcome.runDirectory) != nil)
        #expect(project.log("R1", "train-a.log").contains("training a"))
        #expect(index.recorded.map(\.runID) == ["R1"])
        #expect(Paths.kind(of: project.folder.url("runs/R1/config.json")) == .file)
        #expect(Paths.kind(of: project.folder.url("runs/R1/small_eval/config.json")) == .file)
    }

    @Test func theRunDirectoryIsLockedWhileTheRunLives() throws {
        // The child looks at the lock from outside, as `sota archive` would.
        let project = ScriptedProject(train: #"if flock -n -s "$SOTA_RUN_DIR" true; then echo free; else echo held; fi > "$2/$1.out""#)
        let outcome = try run(project, try project.request())
        #expect(outcome.exitStatus == ExitStatus.success)
        let seen = try String(contentsOfFile: project.folder.url("runs/R1/checkpoints/a.out"), encoding: .utf8)
        #expect(seen == "held\n")
        #expect(!RunDirectoryLock.isHeld(runDirectory: outcome.runDirectory))
        let lock = try RunDirectoryLock(runDirectory: outcome.runDirectory)
        #expect(throws: FileError.self) { try RunDirectoryLock(runDirectory: outcome.runDirectory) }
        withExtendedLifetime(lock) {}
        #expect(!RunDirectoryLock.isHeld(runDirectory: project.folder.path))
    }

    @Test func exitZeroWithoutOutputsIsAFailureNamingTheLog() throws {
        let project = ScriptedProject(train: #"echo "pretending to train $1""#)
        let outcome = try run(project, try project.request())
        #expect(outcome.exitStatus == ExitStatus.stageFailed)
        let failure = try #require(outcome.manifest.failures.first)
        #expect(failure.stage == "a")
        #expect(failure.reason.contains("exited 0 but left no output"))
        #expect(failure.log == "logs/train-a.log")
        #expect(outcome.manifest.stages.dropFirst().allSatisfy { $0.status == .skipped })
    }

    @Test func retriesAFailedStage() throws {
        let project = ScriptedProject(train: #"""
        if [ "$1" = a ] && [ ! -f attempted ]; then touch attempted; echo flaky >&2; exit 7; fi
        echo "$1" > "$2/$1.out"
        """#)
        let outcome = try run(project, try project.request(retries: 1))
        #expect(outcome.exitStatus == ExitStatus.success)
        #expect(outcome.manifest.stages[0].attempts == 2)
        #expect(project.log("R1", "train-a.log").contains("exit code 7"))
    }

    @Test func timeoutKillsAChildThatIgnoresSIGTERMAndItsGrandchildren() throws {
        let project = ScriptedProject(
            train: #"""
            trap '' TERM
            ( trap '' TERM; sleep 300 ) &
            echo $! > grandchild.pid
            sleep 300
            """#,
            stageExtras: ", timeout: 1s")
        let began = Date()
        let outcome = try run(project, try project.request(grace: 0.5))
        #expect(Date().timeIntervalSince(began) < 20)
        #expect(outcome.exitStatus == ExitStatus.stageFailed)
        #expect(outcome.manifest.failures.first?.reason == "timed out after 1s")
        let grandchild = try #require(Int32((try String(contentsOfFile: project.folder.url("grandchild.pid"), encoding: .utf8)).trimmingSpaces()))
        #expect(isGone(grandchild), "the grandchild must be gone")
    }

    @Test func aChildWritingOneGigabyteToStdoutIsLoggedNotBuffered() throws {
        let project = ScriptedProject(train: #"""
        if [ "$1" = a ]; then head -c 1073741824 /dev/zero; fi
        echo "$1" > "$2/$1.out"
        """#)
        let outcome = try run(project, try project.request())
        #expect(outcome.exitStatus == ExitStatus.success)
        let size = try FileManager.default.attributesOfItem(atPath: project.folder.url("runs/R1/logs/train-a.log"))[.size] as? Int
        #expect((size ?? 0) > 1 << 30)
    }

    @Test func malformedMetricsAndMissingGatedMetricFailTheStage() throws {
        for (metrics, expected) in [("{not json", "is not valid JSON"), (#"{"mse": 0.2}"#, "lacks the gated metric `nrmse`"), ("[1, 2]", "is not a JSON object"),
                                    // Issue 13: present but unusable gated metrics are named, not reported as missing.
                                    (#"{"nrmse": 1e400}"#, "`nrmse` is 1e400, beyond the range of a double"),
                                    (#"{"nrmse": "0.1"}"#, "`nrmse` is the string \"0.1\", not a number"),
                                    (#"{"nrmse": 0.1, "nrmse": 0.2}"#, "repeats the key `nrmse`")] {
            let project = ScriptedProject(metrics: metrics)
            let outcome = try run(project, try project.request())
            #expect(outcome.exitStatus == ExitStatus.stageFailed)
            let failure = try #require(outcome.manifest.failures.first)
            #expect(failure.stage == "small_eval")
            #expect(failure.reason.contains(expected), "\(failure.reason)")
            #expect(failure.log == "logs/small_eval.log")
        }
    }

    @Test func failingProxyGateStopsBeforeFullEvaluation() throws {
        let project = ScriptedProject(metrics: #"{"nrmse": 0.4}"#, smallThreshold: 0.3)
        let events = EventLog()
        let outcome = try run(project, try project.request(), events: events)
        #expect(outcome.exitStatus == ExitStatus.gateRejected)
        #expect(outcome.manifest.status == .rejected)
        #expect(outcome.manifest.stages.last?.status == .skipped)
        #expect(events.skipped == ["full_eval"])
        #expect(outcome.manifest.gates.first?.reason == "nrmse = 0.4 does not meet < 0.3")
    }

    @Test func improvementOverProductionIsRequired() throws {
        let project = ScriptedProject(metrics: #"{"nrmse": 0.1}"#, gateExtras: ", min_improvement: {relative: 0.1}")
        let rejected = try run(project, try project.request(), index: FixedIndex(baseline: 0.105))
        #expect(rejected.exitStatus == ExitStatus.gateRejected)
        #expect(rejected.manifest.gates.first?.reason.contains("less than the required") == true)
        let other = ScriptedProject(metrics: #"{"nrmse": 0.1}"#, gateExtras: ", min_improvement: {relative: 0.1}")
        let passed = try run(other, try other.request(), index: FixedIndex(baseline: 0.2))
        #expect(passed.exitStatus == ExitStatus.success)
        #expect(passed.manifest.gates.first?.baselineRun == "PROD")
    }

    @Test func resumeSkipsFinishedStagesAndRerunsChangedOnes() throws {
        let project = ScriptedProject(train: #"""
        if [ "$1" = b ] && [ ! -f fixed ]; then exit 3; fi
        echo "$1" >> trained.txt
        echo "$1" > "$2/$1.out"
        """#)
        let first = try run(project, try project.request())
        #expect(first.exitStatus == ExitStatus.stageFailed)
        project.folder.write("fixed", "")
        let events = EventLog()
        let orchestrator = RunOrchestrator(request: try project.request(), index: nil, observe: { events.add($0) })
        let resumed = try orchestrator.resume(first.manifest)
        #expect(resumed.exitStatus == ExitStatus.success)
        #expect(events.skipped.first == "a")
        #expect(try String(contentsOfFile: project.folder.url("trained.txt"), encoding: .utf8) == "a\nb\n")
        // A tampered output makes its step rerun, and says why.
        project.folder.write("runs/R1/checkpoints/a.out", "tampered\n")
        let again = EventLog()
        _ = try RunOrchestrator(request: try project.request(), index: nil, observe: { again.add($0) }).resume(resumed.manifest)
        #expect(again.notes.contains("a: reruns because output checkpoints/a.out changed since the step finished"))
    }

    @Test func resumeCountsAttemptsWithoutOverflowWhateverTheManifestSays() throws {
        // Found by the issue 13 audit: the attempt count comes back from the manifest file and was incremented as is.
        let project = ScriptedProject(train: #"""
        if [ "$1" = b ] && [ ! -f fixed ]; then exit 3; fi
        echo "$1" > "$2/$1.out"
        """#)
        var manifest = try run(project, try project.request()).manifest
        #expect(manifest.stages[1].status == .failed)
        manifest.stages[1].attempts = .max
        project.folder.write("fixed", "")
        let resumed = try RunOrchestrator(request: try project.request(), index: nil, observe: { _ in }).resume(manifest)
        #expect(resumed.exitStatus == ExitStatus.success)
        #expect(resumed.manifest.stages[1].attempts == .max)
    }

    @Test func manifestRoundTripsAndRefusesNewerSchemas() throws {
        let project = ScriptedProject()
        let outcome = try run(project, try project.request())
        let path = project.folder.url("runs/R1/manifest.json")
        #expect(try RunManifest.read(path: path) == outcome.manifest)
        let newer = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "\"schema_version\" : 1", with: "\"schema_version\" : 99")
        project.folder.write("newer.json", newer)
        #expect(throws: FileError.self) { try RunManifest.read(path: project.folder.url("newer.json")) }
    }
}

@Suite struct GateEvaluatorTests {
    private func gate(_ direction: MetricDirection, _ threshold: Double, absolute: Double? = nil, relative: Double? = nil) -> GateSpec {
        GateSpec(name: "g", metric: "m", direction: direction, threshold: threshold, minImprovementAbsolute: absolute,
                 minImprovementRelative: relative, location: SourceLocation(file: "c.yaml"))
    }

    @Test func thresholdsBothWays() {
        #expect(GateEvaluator.evaluate([gate(.lower, 0.3)], phase: "p", metrics: ["m": 0.2]) { _ in nil }.first?.passed == true)
        #expect(GateEvaluator.evaluate([gate(.lower, 0.3)], phase: "p", metrics: ["m": 0.3]) { _ in nil }.first?.passed == false)
        #expect(GateEvaluator.evaluate([gate(.higher, 0.9)], phase: "p", metrics: ["m": 0.95]) { _ in nil }.first?.passed == true)
        #expect(GateEvaluator.evaluate([gate(.lower, 0.3)], phase: "p", metrics: [:]) { _ in nil }.first?.reason == "metric `m` is missing")
        #expect(GateEvaluator.evaluate([gate(.lower, 0.3)], phase: "p", metrics: ["m": .nan]) { _ in nil }.first?.passed == false)
    }

    @Test func improvementUsesTheLargerDemand() {
        let base = GateEvaluator.Baseline(runID: "P", value: 0.2)
        let records = GateEvaluator.evaluate([gate(.lower, 1, absolute: 0.01, relative: 0.1)], phase: "p", metrics: ["m": 0.185]) { _ in base }
        #expect(abs((records.first?.requiredImprovement ?? 0) - 0.02) < 1e-12)
        #expect(records.first?.passed == false)
        let first = GateEvaluator.evaluate([gate(.lower, 1, absolute: 0.01)], phase: "p", metrics: ["m": 0.1]) { _ in nil }
        #expect(first.first?.passed == true)
        #expect(first.first?.reason.contains("no production run") == true)
    }
}
