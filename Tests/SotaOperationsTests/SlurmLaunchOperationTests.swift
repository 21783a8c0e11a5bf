import Foundation
import SotaSupport
import SotaRunRecord
import SotaConfig
import SotaIndex
import SotaLaunch
import SotaPlan
import SotaOperations
import SotaTestSupport
import Testing

/// Launching on Slurm, looking at the chain and cancelling it, with the demo project and stand-in sbatch, squeue,
/// sacct and scancel programs that log every call (the live-cluster versions are in EndToEndTests/SlurmLaunchTests).
@Suite struct SlurmLaunchOperationTests {
    final class Fixture {
        let folder = TemporaryDirectory()
        let environment: [String: String]
        var root: String { folder.path }

        init(yaml: String = "  slurm:\n    gpus: 0\n    time: \"00:05:00\"\n") throws {
            try LaunchFixtures.demoProject(in: folder, appending: "\nlaunch:\n" + yaml)
            environment = LaunchFixtures.slurmTools(in: folder)
        }

        var project: Project { LaunchFixtures.project(root) }

        func launch(_ options: SlurmLaunch.Options) throws -> SlurmLaunch.Outcome {
            let trainPath = Paths.join(root, "configs/train_burgers_golden.yaml")
            let launch = SlurmLaunch(loadPipeline: LaunchFixtures.loader(project: project, trainPath: trainPath),
                                     executable: { Paths.join(self.root, "bin/sota") })
            return try launch.run(.init(project: project, configPath: trainPath, options: options, environment: environment))
        }

        func status() throws -> StatusQuery.Report {
            let board = folder.url(".sota/leaderboard.sqlite")
            let query = StatusQuery(openIndex: { LeaderboardFile(board: try Leaderboard(path: board)) }, leaderboardPath: board)
            return try query.run(.init(project: project, run: "2", environment: environment), onReport: { _ in })
        }
    }

    static func options(_ configure: (inout SlurmLaunch.Options) -> Void = { _ in }) -> SlurmLaunch.Options {
        var options = SlurmLaunch.Options()
        options.config = "configs/train_burgers_golden.yaml"
        configure(&options)
        return options
    }

    @Test func aDryRunOfASweepShowsEveryStageScriptAndWritesNothing() throws {
        let fixture = try Fixture()
        let outcome = try fixture.launch(Self.options { $0.sweep = ["latent.dim,operator.pdet.input_dim=8,16,32"]; $0.maxParallel = 2; $0.dryRun = true })
        guard case .dryRun(let summary, let scripts) = outcome.ending else { Issue.record("\(outcome)"); return }
        #expect(scripts.map(\.name) == ["train.sbatch", "small_eval.sbatch", "full_eval.sbatch", "gate.sbatch"])
        #expect(scripts.allSatisfy { $0.text.contains("#SBATCH --array=0-2%2") }, "\(scripts.first?.text ?? "")")
        #expect(summary.first?.contains(": 3 runs of configs/train_burgers_golden.yaml as array tasks 0-2, at most 2 at once") == true, "\(summary)")
        #expect(summary.contains("each job  time 5 min, no GPU"), "\(summary)")
        #expect(Paths.kind(of: fixture.folder.url("runs")) == .missing)
        #expect(LaunchFixtures.calls("sbatch", in: fixture.folder).isEmpty)
    }

    /// Every task is loaded before anything is written; a task's problems say which task and which values.
    @Test func aSweepTasksProblemsNameTheTask() throws {
        let fixture = try Fixture()
        let outcome = try fixture.launch(Self.options { $0.sweep = ["latent.dim=8,16,32"] })
        guard case .refused = outcome.ending else { Issue.record("\(outcome)"); return }
        #expect(outcome.diagnostics.map(\.message).map { String($0.prefix(while: { $0 != ":" })) }
                == ["task 0 (latent.dim=8 seed=17)", "task 2 (latent.dim=32 seed=19)"], "\(outcome.diagnostics)")
        #expect(Paths.kind(of: fixture.folder.url("runs")) == .missing)
    }

    @Test func aBadSettingIsLocatedAndNothingIsSubmitted() throws {
        let fixture = try Fixture(yaml: "  slurm:\n    time: \"two hours\"\n    partition: \"gpu long\"\n")
        let outcome = try fixture.launch(Self.options())
        guard case .refused = outcome.ending else { Issue.record("\(outcome)"); return }
        let errors = outcome.diagnostics.filter { $0.severity == .error }
        #expect(errors.map(\.keyPath) == ["launch.slurm.time", "launch.slurm.partition"], "\(errors)")
        #expect(errors.allSatisfy { $0.location?.file.hasSuffix("sota.yaml") == true })
        #expect(LaunchFixtures.calls("sbatch", in: fixture.folder).isEmpty)
        #expect(Paths.kind(of: fixture.folder.url("runs")) == .missing)
    }

    /// Submit, then the scheduler says every job completed: status adds the ended run to the real leaderboard once,
    /// and again only when its manifest changes; cancel then finds nothing left to stop.
    @Test func submitThenStatusIngestsTheEndedRunOnce() throws {
        let fixture = try Fixture()
        let outcome = try fixture.launch(Self.options())
        guard case .submitted(let launchID, let jobs, _, let launchDirectory) = outcome.ending else { Issue.record("\(outcome)"); return }
        #expect(jobs.map(\.stage) == ["train", "small_eval", "full_eval", "gate"])
        #expect(jobs.map(\.jobID) == ["101", "102", "103", "104"])
        let sbatch = LaunchFixtures.calls("sbatch", in: fixture.folder)
        #expect(sbatch.count == 4 && sbatch[1].contains("--dependency=afterok:101"), "\(sbatch)")
        let record = try SlurmLaunchRecord.read(path: Paths.join(launchDirectory, "launch.json"))
        #expect(record.jobIDs == ["101", "102", "103", "104"] && record.runs == [launchID])
        let manifestPath = fixture.folder.url("runs/\(launchID)/manifest.json")
        #expect(try RunManifest.read(path: manifestPath).status == .pending, "the run directory is prepared before any job starts")

        fixture.folder.write("squeue.txt", zip(101...104, jobs.map(\.stage)).map { "\($0)|N/A|COMPLETED|0|None|sota-\($1)-\(launchID)" }.joined(separator: "\n") + "\n")
        var manifest = try RunManifest.read(path: manifestPath)
        manifest.status = .failed
        try manifest.write(to: manifestPath)
        guard case .slurm(let report, let ingested) = try fixture.status() else { Issue.record("not a Slurm report"); return }
        #expect(report.isFinal && report.runStatuses == [launchID: "failed"])
        #expect(ingested?.added == [launchID] && ingested?.problems == [], "\(String(describing: ingested))")
        #expect(try Leaderboard(path: fixture.folder.url(".sota/leaderboard.sqlite")).runCount() == 1)
        #expect(try SlurmLaunchRecord.read(path: Paths.join(launchDirectory, "launch.json")).ingested == [launchID])
        guard case .slurm(_, let again) = try fixture.status() else { return }
        #expect(again == nil, "an unchanged manifest is not added again")

        let cancel = Cancellation().run(.init(project: fixture.project, run: launchID, environment: fixture.environment))
        #expect(cancel == .init(stopped: .slurm(launchID: launchID, cancelled: [], reused: []), error: nil))
        #expect(LaunchFixtures.calls("scancel", in: fixture.folder).isEmpty, "ended jobs are left as they were")
    }

    @Test func cancelStopsOnlyTheLaunchsOwnJobs() throws {
        let fixture = try Fixture()
        guard case .submitted(let launchID, _, _, _) = try fixture.launch(Self.options()).ending else { Issue.record("no launch"); return }
        fixture.folder.write("squeue.txt", """
        101|N/A|RUNNING|0|None|sota-train-\(launchID)
        102|N/A|PENDING|0|Dependency|sota-small_eval-\(launchID)
        103|N/A|PENDING|0|None|someone-elses-job
        104|N/A|PENDING|0|Dependency|sota-gate-\(launchID)

        """)
        let cancel = Cancellation().run(.init(project: fixture.project, run: launchID, environment: fixture.environment))
        #expect(cancel == .init(stopped: .slurm(launchID: launchID, cancelled: ["101", "102", "104"], reused: ["103 (now someone-elses-job)"]), error: nil))
        #expect(Set(LaunchFixtures.calls("scancel", in: fixture.folder)) == [
            "--name=sota-train-\(launchID) 101", "--name=sota-small_eval-\(launchID) 102", "--name=sota-gate-\(launchID) 104",
        ])
        #expect(try SlurmLaunchRecord.read(path: fixture.folder.url("runs/\(launchID)/launch.json")).cancelled != nil)
    }

    @Test func aRefusedSubmissionCancelsTheJobsAlreadyQueued() throws {
        let fixture = try Fixture()
        fixture.folder.write("sbatch-fails-at", "3\n")
        let outcome = try fixture.launch(Self.options())
        guard case .submissionFailed(let message) = outcome.ending else { Issue.record("\(outcome)"); return }
        #expect(message.contains("Invalid partition name specified"), "\(message)")
        #expect(message.hasSuffix("cancelled the jobs already submitted (101, 102)"), "\(message)")
        #expect(LaunchFixtures.calls("scancel", in: fixture.folder).count == 2)
    }
}
