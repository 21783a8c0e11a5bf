import Foundation
import SotaSupport
import SotaRunRecord

/// Manifests for tests, built with `RunManifest`'s own initializer.
package enum RunManifestFactory {
    /// A finished run with the given metrics and stages; `minute` offsets the creation time. The hardware it had is
    /// `observed`, by default the declared GPU as nvidia-smi names it (`cpu` without one).
    package static func make(
        _ id: String, experiment: String = "burgers", minute: Int = 0, metrics: [String: [String: Double]] = [:],
        passed: Bool? = nil, gpuType: String? = "A100-80GB", observed: String?? = .none,
        stages: [(name: String, phase: String, status: RunManifest.Status, seconds: Double?)] = [("operator", "train", .succeeded, 60)],
        gates: [RunManifest.GateRecord] = []
    ) -> RunManifest {
        var manifest = RunManifest(
            runID: id, experiment: experiment, created: timestamp(minute),
            config: .init(path: "configs/train.yaml", hash: "hash-\(id)"), evalConfigs: [:],
            git: .init(commit: "0123abcd", branch: "main", dirty: false, dirtyFiles: [], state: "repository"),
            data: [], host: "node-1", hardware: .init(gpuType: gpuType, gpuCount: 1, devices: "0", platform: "cuda",
                                                     observed: observed ?? gpuType.map { "NVIDIA " + $0 } ?? "cpu"),
            stages: stages.map { RunManifest.StageRecord(name: $0.name, phase: $0.phase, log: "logs/\($0.name).log") }
        )
        for (index, stage) in stages.enumerated() {
            manifest.stages[index].status = stage.status
            manifest.stages[index].seconds = stage.seconds
            manifest.stages[index].attempts = 1
            manifest.stages[index].finished = timestamp(minute + 1)
        }
        manifest.status = .succeeded
        manifest.metrics = metrics
        manifest.passed = passed
        manifest.gates = gates
        return manifest
    }

    /// `2026-01-01T00:00:00.000Z` plus `minute` minutes (within 2026), spelled as `Timestamp.string` spells it.
    ///
    /// Plain arithmetic rather than a date formatter, so building 100,000 manifests stays cheap.
    package static func timestamp(_ minute: Int) -> String {
        var day = minute / 1440, month = 0
        let lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        while month < 11, day >= lengths[month] {
            day -= lengths[month]
            month += 1
        }
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "2026-\(two(month + 1))-\(two(day + 1))T\(two(minute % 1440 / 60)):\(two(minute % 60)):00.000Z"
    }

    /// Writes `manifest` to `folder/manifest.json`, creating the folder.
    package static func write(_ manifest: RunManifest, into folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try manifest.write(to: Paths.join(folder, RunLayout.manifest))
    }
}
