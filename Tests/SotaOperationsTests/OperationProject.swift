import Foundation
import SotaSupport
import SotaRunRecord
import SotaConfig
import SotaIndex
import SotaPlan
import SotaRun
import SotaOperations
import SotaTestSupport
import Synchronization

/// A project in a temporary folder whose children are one-line shell commands: `good.yaml` passes its gate,
/// `bad.yaml` fails it, and both write real outputs and a real metrics file.
final class OperationProject: @unchecked Sendable {
    let folder = TemporaryDirectory()
    var root: String { folder.path }

    init() {
        folder.write("sota.yaml", "project: operations\n")
        for (name, gate) in [("good", 0.5), ("bad", 0.05)] {
            folder.write("\(name).yaml", """
                experiment: \(name)-exp
                seed: 1
                training:
                  command: [sh, -c, 'echo done > "$SOTA_CHECKPOINT_DIR/model.out"']
                  epochs: 1
                  learning_rate: 0.1
                  checkpoint: model.out
                  stages: [{name: fit, outputs: [model.out]}]
                resources: {platform: cpu}
                pipeline: {full_eval: eval-\(name).yaml}

                """)
            folder.write("eval-\(name).yaml", """
                evaluation:
                  command: [sh, -c, 'echo "{\\"nrmse\\": 0.1}" > "$SOTA_METRICS"']
                  metrics: metrics.json
                gates: [{metric: nrmse, direction: lower, threshold: \(gate)}]

                """)
        }
    }

    /// The project as sota loads it.
    var project: Project { Project.load(root: root).0 }

    /// The environment runs get: this process's PATH, a fixed user, no git author.
    var environment: [String: String] {
        ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "USER": "ada", "HOME": root]
    }

    /// The project's leaderboard file.
    var leaderboardPath: String { folder.url(".sota/leaderboard.sqlite") }

    /// Deletes the leaderboard (with its WAL files), as if it were lost.
    func dropLeaderboard() throws {
        for suffix in ["", "-wal", "-shm"] where Paths.kind(of: leaderboardPath + suffix) != .missing {
            try FileManager.default.removeItem(atPath: leaderboardPath + suffix)
        }
    }

    /// The project's leaderboard.
    func board() throws -> Leaderboard { try Leaderboard(path: leaderboardPath) }

    /// Openers over the project's leaderboard, as `sota run` passes them.
    var leaderboards: RunLeaderboards {
        let path = leaderboardPath
        return RunLeaderboards(open: { _ in try BoardIndex(board: Leaderboard(path: path)) }, baselineOnly: { NoIndex() })
    }

    /// A request for one run of `config`.
    func runRequest(_ config: String, runID: String? = nil, resume: String? = nil, promote: Bool = false, step: String? = nil,
                    assignments: [String] = []) -> RunOperation.Request {
        RunOperation.Request(trainConfig: resume == nil ? folder.url(config) : nil, assignments: assignments, runID: runID, resume: resume,
                             step: step, promote: promote, gracePeriod: DurationValue(parsing: "2s") ?? .maximum, project: project,
                             environment: environment, workingDirectory: root)
    }

    /// Runs `request`, collecting every event.
    func run(_ request: RunOperation.Request) throws -> (RunOperation.Result, [RunOperation.Event]) {
        let events = Mutex<[RunOperation.Event]>([])
        let result = try RunOperation(leaderboards: leaderboards)(request) { event in events.withLock { $0.append(event) } }
        return (result, events.withLock { $0 })
    }

    func read(_ path: String) -> String? {
        FileManager.default.contents(atPath: folder.url(path)).map { String(decoding: $0, as: UTF8.self) }
    }

    func exists(_ path: String) -> Bool { Paths.kind(of: folder.url(path)) != .missing }
}

/// The real leaderboard as a run sees it.
struct BoardIndex: RunLeaderboard {
    let board: Leaderboard

    func baseline(metric: String, phase: String, direction: MetricDirection, experiment: String) throws -> GateEvaluator.Baseline? {
        try board.baseline(metric: metric, phase: phase, direction: direction, experiment: experiment)
    }

    func record(_ manifest: RunManifest, manifestPath: String) throws {
        try board.ingest(manifest, manifestPath: manifestPath)
    }
}

/// What a step job sees when the project has no leaderboard: no baselines, nothing recorded.
struct NoIndex: RunIndex {
    func baseline(metric: String, phase: String, direction: MetricDirection, experiment: String) throws -> GateEvaluator.Baseline? { nil }
    func record(_ manifest: RunManifest, manifestPath: String) throws {}
}
