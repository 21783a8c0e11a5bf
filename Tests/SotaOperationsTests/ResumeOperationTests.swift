import Foundation
import SotaSupport
import SotaConfig
import SotaLaunch
import SotaOperations
import SotaTestSupport
import Testing

/// `sota resume` on a one-run Slurm launch whose training stage finished (its READY marker exists) and whose later
/// stages did not, with stand-in `squeue` (an empty queue) and `sbatch` (prints a job id) programs that record calls.
@Suite struct ResumeOperationTests {
    static let runID = "20260101-000000-0000000e"

    final class Fixture: @unchecked Sendable {
        let folder = TemporaryDirectory()
        let stubs: StubCommands
        let record: SlurmLaunchRecord
        var directory: String { folder.url("runs/\(ResumeOperationTests.runID)") }

        init() throws {
            folder.write("sota.yaml", "project: cluster\n")
            stubs = StubCommands(in: folder)
            stubs.stub("squeue")
            stubs.stub("sbatch", "calls=(\"\(stubs.calls)\"/sbatch.*); echo $((4200 + ${#calls[@]}))")
            var record = SlurmLaunchRecord(launchID: ResumeOperationTests.runID, created: "2026-01-01T00:00:00.000Z", config: "train.yaml",
                                           overrides: [], sweep: [], runs: [ResumeOperationTests.runID], arrayBase: nil,
                                           stages: [.train, .smallEval, .gate], resources: SlurmResources(), sota: "/bin/false")
            record.submissions = [.init(submitted: "t", jobs: [
                .init(stage: .train, jobID: "10", tasks: nil, script: "slurm/train.sbatch"),
                .init(stage: .smallEval, jobID: "11", tasks: nil, script: "slurm/small_eval.sbatch"),
                .init(stage: .gate, jobID: "12", tasks: nil, script: "slurm/gate.sbatch"),
            ])]
            self.record = record
            folder.write("runs/\(ResumeOperationTests.runID)/markers/train.READY", "")
            // The launch's own scripts, as `sota launch` left them.
            for stage in record.stages { folder.write("runs/\(ResumeOperationTests.runID)/slurm/\(stage.rawValue).sbatch", "#!/bin/sh\n") }
        }

        var project: Project { Project.load(root: folder.path).0 }

        /// The operation over the real Slurm client (stand-in programs on its PATH), as `sota resume` composes it.
        func operation(running: [SlurmTaskStatus] = []) -> ResumeOperation {
            let client = SlurmClient(environment: ["PATH": stubs.bin])
            let runs = folder.url("runs"), root = folder.path
            return ResumeOperation(stageStates: { record in
                do {
                    let queued = try client.queue(jobIDs: record.jobIDs)
                    let states = SlurmTaskStatus.resolve(record, scheduler: queued, accounting: [], ready: { runID, stage in
                        Paths.kind(of: Paths.join(runs, "\(runID)/\(stage.readyMarker)")) == .file
                    }, runEnded: { _ in nil })
                    return (running + states, nil)
                } catch {
                    return ([], "\(error)")
                }
            }, submit: { scripts, record in
                record.submissions.append(.init(submitted: "now", jobs: []))
                var previous: String?
                for (script, plan) in scripts {
                    guard let id = try? client.submit(script: Paths.join(runs, "\(ResumeOperationTests.runID)/\(script)"), after: previous,
                                                      array: false, workingDirectory: root) else { return "sbatch refused \(script)" }
                    record.submissions[record.submissions.count - 1].jobs.append(.init(stage: plan.stage, jobID: id, tasks: nil, script: script))
                    previous = id
                }
                return nil
            })
        }

        func request(dryRun: Bool) -> ResumeOperation.Request {
            ResumeOperation.Request(record: record, directory: directory, project: project, dryRun: dryRun)
        }
    }

    @Test func aDryRunNamesTheStagesFromTheFirstUnfinishedOneAndSubmitsNothing() throws {
        let fixture = try Fixture()
        let result = fixture.operation()(fixture.request(dryRun: true))
        guard case .wouldResubmit(let stages, let what) = result else { Issue.record("\(result)"); return }
        #expect(stages == [.smallEval, .gate])
        #expect(what == "run \(Self.runID)")
        #expect(fixture.stubs.calls(of: "sbatch").isEmpty)
        #expect(Paths.kind(of: Paths.join(fixture.directory, "slurm/small_eval-resume1.sbatch")) == .missing)
    }

    @Test func theUnfinishedStagesAreResubmittedAsANewChain() throws {
        let fixture = try Fixture()
        let result = fixture.operation()(fixture.request(dryRun: false))
        guard case .resubmitted(let what, let jobs, let skipped) = result else { Issue.record("\(result)"); return }
        #expect(result.exitStatus == ExitStatus.success)
        #expect(what == "run \(Self.runID)")
        #expect(skipped == [.train])
        #expect(jobs.map(\.stage) == [.smallEval, .gate])
        #expect(jobs.map(\.script) == ["slurm/small_eval-resume1.sbatch", "slurm/gate-resume1.sbatch"])
        for job in jobs { #expect(Paths.isExecutableFile(Paths.join(fixture.directory, job.script))) }
        let calls = fixture.stubs.calls(of: "sbatch")
        #expect(calls.count == 2)
        // The second job waits for the first: one chain.
        #expect(calls.contains { call in call.contains { $0.contains("afterok:\(jobs[0].jobID)") } }, "\(calls)")
    }

    @Test func liveJobsOrAFinishedLaunchLeaveNothingToResubmit() throws {
        let fixture = try Fixture()
        let running = SlurmTaskStatus(runID: Self.runID, task: nil, stage: .smallEval, jobID: "11", state: .running, exitCode: nil, signal: nil,
                                      reason: nil, source: .squeue)
        let queued = fixture.operation(running: [running])(fixture.request(dryRun: false))
        guard case .stillQueued(let jobs) = queued else { Issue.record("\(queued)"); return }
        #expect(jobs == ["11"])
        #expect(queued.exitStatus == ExitStatus.checkFailed)

        for stage in ["small_eval", "gate"] { fixture.folder.write("runs/\(Self.runID)/markers/\(stage).READY", "") }
        let finished = fixture.operation()(fixture.request(dryRun: false))
        guard case .nothingLeft = finished else { Issue.record("\(finished)"); return }
        #expect(fixture.stubs.calls(of: "sbatch").isEmpty)
    }
}
