import Foundation
import SotaSupport
import SotaPlan
import SotaRun
import SotaOperations
import SotaTestSupport
import Synchronization
import Testing

@Suite struct SweepOperationTests {
    /// The `sota` binary of this build (beside the test bundle), which runs each member as its own process.
    static var binary: String? {
        var folder = Paths.parent(of: Paths.absolute(CommandLine.arguments[0], relativeTo: Paths.currentDirectory))
        while folder != "/" {
            let candidate = Paths.join(folder, "sota")
            if Paths.isExecutableFile(candidate) { return candidate }
            folder = Paths.parent(of: folder)
        }
        let built = Paths.join(Repository.root, ".build/debug/sota")
        return Paths.isExecutableFile(built) ? built : nil
    }

    func sweep(_ project: OperationProject, _ mode: SweepOperation.Request.Mode, devices: String = "0,1",
               executable: String? = nil) throws -> (SweepOperation.Result, [SweepOperation.Event]) {
        var environment = project.environment
        environment["SOTA_EXECUTABLE"] = executable
        let request = SweepOperation.Request(mode: mode, devices: devices, grace: "2s", project: project.project, environment: environment,
                                             workingDirectory: project.root)
        let events = Mutex<[SweepOperation.Event]>([])
        let result = try SweepOperation()(request) { event in events.withLock { $0.append(event) } }
        return (result, events.withLock { $0 })
    }

    @Test func aDryRunPlansEveryRunOnItsDeviceAndRunsNothing() throws {
        let project = OperationProject()
        let (result, events) = try sweep(project, .start(configs: ["good.yaml"], axes: ["training.epochs=1,2,3"], dryRun: true))
        guard case .planned = result, case .planned(let plan, let devices, let perRun)? = events.first else { Issue.record("\(result) \(events)"); return }
        #expect(result.exitStatus == ExitStatus.success)
        #expect(devices == ["0", "1"] && perRun == 1)
        // Each run gets its own seed, counted from the config's (SweepPlan's one seed rule, local and Slurm alike).
        #expect(plan.jobs.map(\.overrides) == [["training.epochs=1", "seed=1"], ["training.epochs=2", "seed=2"], ["training.epochs=3", "seed=3"]])
        #expect(plan.jobs.map(\.device) == ["0", "1", "0"])
        #expect(!project.exists("runs"))
    }

    @Test func aBadValueStopsTheWholeSweepAndABadAxisIsAUsageError() throws {
        let project = OperationProject()
        let (result, events) = try sweep(project, .start(configs: ["good.yaml"], axes: ["training.epochs=1,-4"], dryRun: false))
        guard case .notStarted(let diagnostics) = result else { Issue.record("\(result)"); return }
        #expect(diagnostics.allSatisfy { $0.message.hasPrefix("run 1 (training.epochs=-4 seed=2): ") }, "\(diagnostics)")
        #expect(events.isEmpty)
        #expect(!project.exists("runs"))
        #expect(throws: RunUsageError.self) { try sweep(project, .start(configs: ["good.yaml"], axes: ["no-values"], dryRun: false)) }
        #expect(throws: RunUsageError.self) { try sweep(project, .start(configs: ["good.yaml"], axes: [], dryRun: true), devices: "gpu0") }
    }

    @Test func aSweepRunsEveryMemberAsItsOwnProcessAndResumingItRedoesNothingFinished() throws {
        guard let binary = Self.binary else { return }
        let project = OperationProject()
        let (result, events) = try sweep(project, .start(configs: ["good.yaml", "bad.yaml"], axes: [], dryRun: false), executable: binary)
        guard case .finished(let manifest, let sweepID, let manifestPath, false) = result else { Issue.record("\(result)"); return }
        #expect(manifest.runs.map(\.status) == ["succeeded", "rejected"])
        #expect(result.exitStatus == ExitStatus.gateRejected)
        #expect(Paths.kind(of: manifestPath) == .file)
        #expect(events.filter { if case .member(.finished) = $0 { true } else { false } }.count == 2)

        let (again, resumed) = try sweep(project, .resume(sweepID), executable: binary)
        guard case .resuming(_, 0, 2)? = resumed.first else { Issue.record("\(resumed)"); return }
        #expect(again.exitStatus == ExitStatus.gateRejected)
        #expect(!resumed.contains { if case .member(.started) = $0 { true } else { false } })
    }

    @Test func anUnknownSweepIsNamed() throws {
        let project = OperationProject()
        let (result, _) = try sweep(project, .resume("sweep-2099"))
        guard case .notFound(let message) = result else { Issue.record("\(result)"); return }
        #expect(message == "no sweep `sweep-2099` in runs/")
        #expect(result.exitStatus == ExitStatus.checkFailed)
    }
}
