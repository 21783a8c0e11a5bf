import Foundation
import SotaSupport
import SotaRunRecord
import SotaConfig
import SotaPlan
import SotaTestSupport
import SotaWorkspace
import SotaOperations
import Testing

/// A copy of the demo project with experiments and hand-written runs, and the index location the commands use.
final class OperationsProject {
    let folder = TemporaryDirectory()
    let now = Date()

    init() {
        for item in ["sota.yaml", "configs", "scripts", "data"] { folder.copy(Paths.join(Repository.root, item), to: item) }
    }

    var project: Project {
        let (project, problems) = Project.load(root: folder.path)
        #expect(problems.isEmpty)
        return project
    }

    /// The project's own index file, `.sota/leaderboard.sqlite`.
    var index: WorkspaceIndexAccess.Location {
        WorkspaceIndexAccess.Location(path: folder.url(".sota/leaderboard.sqlite"), display: ".sota/leaderboard.sqlite", createsFolder: true)
    }

    /// Creates an experiment.
    func experiment(_ name: String) throws {
        let request = ExperimentCreation.Request(name: try ExperimentName(validating: name), baseConfig: nil, overrides: [], now: now,
                                                 searchPath: ProcessInfo.processInfo.environment["PATH"])
        _ = try ExperimentCreation(workspace: Workspace(project: project)).create(request)
    }

    /// Writes a finished run of `experiment` whose `nrmse` gate passed or not, `daysAgo` days before now.
    func run(_ id: String, experiment: String, nrmse: Double, passed: Bool, daysAgo: Double = 0) throws {
        let stamp = Timestamp.string(now.addingTimeInterval(-daysAgo * 86_400))
        var manifest = RunManifest(
            runID: id, experiment: experiment, created: stamp, config: .init(path: "experiments/x/config.yaml", hash: "h"), evalConfigs: [:],
            git: .init(commit: nil, branch: nil, dirty: false, dirtyFiles: [], state: "no-repository"), data: [], host: "h",
            hardware: .init(gpuType: nil, gpuCount: 1, devices: "0", platform: "cpu"), stages: []
        )
        manifest.status = passed ? .succeeded : .rejected
        manifest.passed = passed
        manifest.metrics = ["full_eval": ["nrmse": nrmse]]
        manifest.gates = [.init(name: "nrmse", phase: "full_eval", metric: "nrmse", direction: "lower", threshold: 0.25, value: nrmse,
                                baseline: nil, baselineRun: nil, requiredImprovement: nil, passed: passed, reason: "r")]
        let directory = folder.url("runs/\(id)")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try manifest.write(to: Paths.join(directory, "manifest.json"))
    }

    /// A project with a successful, a failed and a fresh experiment, and five runs.
    static func standard() throws -> OperationsProject {
        let project = OperationsProject()
        for name in ["good", "bad", "fresh"] { try project.experiment(name) }
        try project.run("20260101-000000-00000001", experiment: "good", nrmse: 0.3, passed: false, daysAgo: 2)
        try project.run("20260101-000000-00000002", experiment: "good", nrmse: 0.05, passed: true, daysAgo: 1)
        try project.run("20260101-000000-00000003", experiment: "good", nrmse: 0.07, passed: true, daysAgo: 1)
        try project.run("20260101-000000-00000004", experiment: "bad", nrmse: 0.4, passed: false, daysAgo: 3)
        try project.run("20260101-000000-00000005", experiment: "bad", nrmse: 0.5, passed: false, daysAgo: 2)
        return project
    }
}
