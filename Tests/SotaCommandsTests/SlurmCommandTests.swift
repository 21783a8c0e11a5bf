import Foundation
import SotaSupport
import SotaLaunch
import SotaTestSupport
import Testing

/// `sota status`, `cancel` and `resume` on a 500-task Slurm sweep, with stand-in `squeue`, `sacct` and `scancel`
/// programs on PATH that log every call: one scheduler query per refresh, however many jobs.
@Suite struct SlurmCommandTests {
    static let tasks = 500

    final class Fixture {
        let folder = TemporaryDirectory()
        var project: String { folder.path }
        var bin: String { folder.url("bin") }

        /// A project with a 500-task sweep launched as 3 array jobs (10, 11, 12); squeue answers from `squeue.txt`.
        init() throws {
            folder.write("sota.yaml", "project: fake-cluster\nruns: runs\n")
            var record = SlurmLaunchRecord(
                launchID: "sweep-b", created: "2026-03-01T12:00:00.000Z", config: "configs/train.yaml", overrides: [], sweep: ["latent.dim=1,2"],
                runs: (0..<SlurmCommandTests.tasks).map { SlurmStagePlan.taskRunID(base: "b", index: $0) }, arrayBase: "b",
                stages: [.train, .smallEval, .gate], resources: SlurmResources(), sota: "/bin/false")
            let all = Array(0..<SlurmCommandTests.tasks)
            record.submissions = [.init(submitted: "t", jobs: [
                .init(stage: .train, jobID: "10", tasks: all, script: "slurm/train.sbatch"),
                .init(stage: .smallEval, jobID: "11", tasks: all, script: "slurm/small_eval.sbatch"),
                .init(stage: .gate, jobID: "12", tasks: all, script: "slurm/gate.sbatch"),
            ])]
            try FileManager.default.createDirectory(atPath: folder.url("runs/sweep-b"), withIntermediateDirectories: true)
            try record.write(to: folder.url("runs/sweep-b/launch.json"))
            // Each program logs its arguments; squeue prints squeue.txt (or squeue-N.txt on its Nth call).
            folder.write("bin/squeue", """
            #!/bin/sh
            echo "$*" >>"\(folder.url("calls-squeue"))"
            n=$(wc -l <"\(folder.url("calls-squeue"))")
            if [ -f "\(folder.url("squeue-"))$n.txt" ]; then cat "\(folder.url("squeue-"))$n.txt"; else cat "\(folder.url("squeue.txt"))"; fi
            """)
            folder.write("bin/sacct", """
            #!/bin/sh
            echo "$*" >>"\(folder.url("calls-sacct"))"
            echo "sacct: error: Slurm accounting storage is disabled" >&2
            exit 1
            """)
            folder.write("bin/scancel", "#!/bin/sh\necho \"$*\" >>\"\(folder.url("calls-scancel"))\"\n")
            for program in ["squeue", "sacct", "scancel"] { chmod(folder.url("bin/\(program)"), 0o755) }
        }

        /// squeue lines for every task of every stage in `state` (task 7's small_eval left out when `forget7`), with
        /// each job's name from `names` when given.
        func queue(_ states: [String], forget7: Bool = false, names: [String]? = nil) -> String {
            var lines: [String] = []
            for (index, (job, state)) in zip(["10", "11", "12"], states).enumerated() {
                for task in 0..<SlurmCommandTests.tasks where !(forget7 && job == "11" && task == 7) {
                    lines.append("\(job)|\(task)|\(state)|0|None" + (names.map { "|" + $0[index] } ?? ""))
                }
            }
            return lines.joined(separator: "\n") + "\n"
        }

        func calls(_ program: String) -> [String] {
            ((try? String(contentsOfFile: folder.url("calls-\(program)"), encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }

        func sota(_ arguments: [String]) -> CommandRun {
            CommandRun(arguments, in: project, pathPrefix: bin)
        }
    }

    @Test func statusOfA500TaskSweepAsksSqueueOnceForAllJobs() throws {
        let fixture = try Fixture()
        fixture.folder.write("squeue.txt", fixture.queue(["COMPLETED", "RUNNING", "PENDING"], forget7: true))
        let run = fixture.sota(["status", "sweep-b"])
        #expect(run.status == 0, "\(run.err)")
        #expect(fixture.calls("squeue") == ["-h -r -t all -j 10,11,12 -O ArrayJobID:|,ArrayTaskID:|,State:|,exit_code:|,Reason:|,Name:"])
        #expect(fixture.calls("sacct").count == 1, "task 7 is missing from squeue, so accounting is asked once")
        #expect(run.out.contains("small_eval  11   RUNNING 499, UNKNOWN 1  tasks 7"), "\(run.out)")
        #expect(run.out.contains("train       10   COMPLETED 500"))
        #expect(run.out.contains("gate        12   PENDING 500"))
        #expect(!run.out.contains("leaderboard"), "nothing is ingested while jobs run")
    }

    @Test func watchRefreshesWithOneQueryEachUntilEveryJobEnded() throws {
        let fixture = try Fixture()
        fixture.folder.write("squeue-1.txt", fixture.queue(["RUNNING", "PENDING", "PENDING"]))
        fixture.folder.write("squeue-2.txt", fixture.queue(["COMPLETED", "RUNNING", "PENDING"]))
        fixture.folder.write("squeue.txt", fixture.queue(["COMPLETED", "COMPLETED", "FAILED"]))
        let run = fixture.sota(["status", "sweep-b", "--watch", "--interval", "0.1"])
        #expect(run.status == 0, "\(run.err)")
        #expect(fixture.calls("squeue").count == 3)
        #expect(fixture.calls("sacct").isEmpty, "every job was in squeue")
        #expect(run.out.components(separatedBy: "tasks by state").count == 4, "three refreshes")
        #expect(run.out.contains("next      sota resume sweep-b"))
    }

    @Test func jsonListsEveryTaskAndStage() throws {
        let fixture = try Fixture()
        fixture.folder.write("squeue.txt", fixture.queue(["COMPLETED", "COMPLETED", "COMPLETED"]))
        let run = fixture.sota(["status", "sweep-b", "--json"])
        #expect(run.status == 0, "\(run.err)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])
        let runs = try #require(object["runs"] as? [[String: Any]])
        #expect(object["schema_version"] as? Int == 1 && object["backend"] as? String == "slurm")
        #expect(runs.count == Self.tasks)
        #expect((runs[499]["stages"] as? [[String: Any]])?.last?["state"] as? String == "COMPLETED")
        #expect(object["final"] as? Bool == true)
    }

    @Test func cancelScancelsEachStagesJobsUnderItsNameAndResumeWaitsForLiveJobs() throws {
        let fixture = try Fixture()
        fixture.folder.write("squeue.txt", fixture.queue(["RUNNING", "PENDING", "PENDING"]))
        let resume = fixture.sota(["resume", "sweep-b"])
        #expect(resume.status == 1)
        #expect(resume.err.contains("jobs 10, 11, 12 of sweep-b are still pending or running"))
        let cancel = fixture.sota(["cancel", "sweep-b"])
        #expect(cancel.status == 0, "\(cancel.err)")
        #expect(fixture.calls("squeue").count == 2, "resume's refresh, then cancel's one look at the queue")
        #expect(fixture.calls("scancel") == ["--name=sota-gate-sweep-b 12", "--name=sota-small_eval-sweep-b 11", "--name=sota-train-sweep-b 10"])
        let record = try SlurmLaunchRecord.read(path: fixture.folder.url("runs/sweep-b/launch.json"))
        #expect(record.cancelled != nil)
    }

    /// Issue 13 item 16: the controller gave small_eval's id 11 to another job. The old launch reports its job as
    /// gone and never cancels the new one.
    @Test func aReusedJobIDIsGoneAndNeverCancelled() throws {
        let fixture = try Fixture()
        fixture.folder.write("squeue.txt", fixture.queue(["RUNNING", "RUNNING", "PENDING"],
                                                         names: ["sota-train-sweep-b", "sota-train-sweep-new", "sota-gate-sweep-b"]))
        let status = fixture.sota(["status", "sweep-b", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.out.utf8)) as? [String: Any], "\(status.err)")
        let stages = try #require((object["runs"] as? [[String: Any]])?.first?["stages"] as? [[String: Any]])
        #expect(stages.map { $0["state"] as? String } == ["RUNNING", "UNKNOWN", "PENDING"])
        #expect((stages[1]["reason"] as? String)?.hasPrefix("gone: Slurm gave job id 11 to another job (sota-train-sweep-new)") == true, "\(stages[1])")
        let cancel = fixture.sota(["cancel", "sweep-b"])
        #expect(cancel.status == 0, "\(cancel.err)")
        #expect(fixture.calls("scancel") == ["--name=sota-gate-sweep-b 12", "--name=sota-train-sweep-b 10"])
        #expect(cancel.out.contains("left alone: Slurm gave job id 11 (now sota-train-sweep-new) to another job"), "\(cancel.out)")
    }

    @Test func slurmOnlyFlagsNeedTheSlurmBackend() {
        let folder = TemporaryDirectory()
        folder.write("sota.yaml", "project: x\n")
        let run = CommandRun(["launch", "--config", "c.yaml", "--partition", "gpu"], in: folder.path)
        #expect(run.status == 64)
        #expect(run.err.contains("--partition is a Slurm option; add --backend slurm"))
        let time = CommandRun(["launch", "--config", "c.yaml", "--backend", "slurm", "--time", "soon"], in: folder.path)
        #expect(time.status == 64)
        #expect(time.err.contains("--time takes HH:MM:SS"))
    }
}
