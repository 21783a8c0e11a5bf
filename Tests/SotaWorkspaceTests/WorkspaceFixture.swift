import Foundation
import SotaSupport
import SotaConfig
import SotaPlan
import SotaTestSupport
import SotaWorkspace
import Testing
import SotaRunRecord

/// A copy of the demo project in a temporary folder, with helpers to add experiments and runs.
final class WorkspaceFixture {
    let folder = TemporaryDirectory()
    let now = Date()

    init() {
        for item in ["sota.yaml", "configs", "scripts", "data"] { folder.copy(Paths.join(Repository.root, item), to: item) }
    }

    var workspace: Workspace {
        let (project, problems) = Project.load(root: folder.path)
        #expect(problems.isEmpty)
        return Workspace(project: project)
    }

    /// Creates an experiment through ``ExperimentCreation``.
    @discardableResult
    func experiment(_ name: String, sets: [String] = [], at date: Date? = nil) throws -> ExperimentFolder {
        let overrides = try sets.map { try ConfigOverride.parse($0).get() }
        let request = ExperimentCreation.Request(name: try ExperimentName(validating: name), baseConfig: nil, overrides: overrides,
                                                 now: date ?? now, searchPath: ProcessInfo.processInfo.environment["PATH"])
        return try ExperimentCreation(workspace: workspace).create(request).folder
    }

    /// Writes a finished run of `experiment` whose `nrmse` gate passed or not, made with the config at `config`.
    func run(_ id: String, experiment: String, nrmse: Double, passed: Bool, status: RunManifest.Status? = nil, daysAgo: Double = 0,
             config: String = "experiments/x/config.yaml") throws {
        let stamp = Timestamp.string(now.addingTimeInterval(-daysAgo * 86_400))
        var manifest = RunManifest(
            runID: id, experiment: experiment, created: stamp, config: .init(path: config, hash: "h"), evalConfigs: [:],
            git: .init(commit: nil, branch: nil, dirty: false, dirtyFiles: [], state: "no-repository"), data: [], host: "h",
            hardware: .init(gpuType: nil, gpuCount: 1, devices: "0", platform: "cpu"), stages: []
        )
        manifest.status = status ?? (passed ? .succeeded : .rejected)
        manifest.passed = passed
        manifest.metrics = ["full_eval": ["nrmse": nrmse]]
        manifest.gates = [.init(name: "nrmse", phase: "full_eval", metric: "nrmse", direction: "lower", threshold: 0.25, value: nrmse,
                                baseline: nil, baselineRun: nil, requiredImprovement: nil, passed: passed, reason: "r")]
        let directory = folder.url("runs/\(id)")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try manifest.write(to: Paths.join(directory, "manifest.json"))
    }

    /// Every path under the project's experiment folders, for before/after comparisons.
    func tree() -> [String] {
        var paths: [String] = []
        for top in ["experiments", "experiments-archive"] {
            let enumerator = FileManager.default.enumerator(atPath: folder.url(top))
            while let next = enumerator?.nextObject() as? String { paths.append("\(top)/\(next)") }
        }
        return paths.sorted()
    }
}
