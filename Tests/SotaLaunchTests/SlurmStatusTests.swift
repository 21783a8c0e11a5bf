import SotaLaunch
import SotaTestSupport
import Testing

@Suite struct SlurmStatusTests {
    /// Real `squeue -h -r -t all -O ArrayJobID:|,ArrayTaskID:|,State:|,exit_code:|,Reason:` lines from the CI cluster.
    static let squeue = """
    14|N/A|COMPLETED|0|None
    18|N/A|FAILED|768|NonZeroExitCode
    19|N/A|CANCELLED|0|DependencyNeverSatisfied
    20|N/A|PENDING|0|Dependency
    4|2|FAILED|9|NonZeroExitCode
    4|3|RUNNING|0|None
    """

    @Test func parsesSqueueWaitStatusesIntoExitCodesAndSignals() {
        let records = SlurmJobRecord.parseSqueue(Self.squeue + "\ngarbage line\n")
        #expect(records.count == 6)
        #expect(records[0] == SlurmJobRecord(jobID: "14", task: nil, state: .completed, exitCode: 0, signal: nil, reason: nil))
        #expect(records[1].state == .failed("FAILED") && records[1].exitCode == 3)
        #expect(records[2].state == .cancelled && records[2].exitCode == nil && records[2].reason == "DependencyNeverSatisfied")
        #expect(records[3].state == .pending && records[3].exitCode == nil)
        #expect(records[4].task == 2 && records[4].signal == 9 && records[4].exitCode == nil)
        #expect(records[5].state == .running)
    }

    @Test func parsesSacctAndSkipsUnstartedArrayRanges() {
        let records = SlurmJobRecord.parseSacct("30|COMPLETED|0:0\n31_4|FAILED|2:0\n31_[5-9]|PENDING|0:0\n32|CANCELLED by 0|0:15\n")
        #expect(records.count == 3)
        #expect(records[1] == SlurmJobRecord(jobID: "31", task: 4, state: .failed("FAILED"), exitCode: 2, signal: nil, reason: nil))
        #expect(records[2].state == .cancelled && records[2].signal == 15)
    }

    @Test func statesFromSlurmNames() {
        #expect(SlurmJobState(parsing: "TIMEOUT") == .failed("TIMEOUT"))
        #expect(SlurmJobState(parsing: "OUT_OF_MEMORY").isFailure)
        #expect(SlurmJobState(parsing: "COMPLETING") == .running)
        #expect(SlurmJobState(parsing: "whatever") == .unknown)
        #expect(SlurmJobState.unknown.isFinal && !SlurmJobState.pending.isFinal)
    }

    static func record(runs: Int) -> SlurmLaunchRecord {
        var record = SlurmLaunchRecord(
            launchID: runs == 1 ? "r" : "sweep-b", created: "2026-03-01T12:00:00.000Z", config: "c.yaml", overrides: [], sweep: [],
            runs: runs == 1 ? ["r"] : (0..<runs).map { SlurmStagePlan.taskRunID(base: "b", index: $0) }, arrayBase: runs == 1 ? nil : "b",
            stages: [.train, .smallEval, .gate], resources: SlurmResources(), sota: "/bin/sota")
        let tasks: [Int]? = runs == 1 ? nil : Array(0..<runs)
        record.submissions = [.init(submitted: "t", jobs: [
            .init(stage: .train, jobID: "10", tasks: tasks, script: "slurm/train.sbatch"),
            .init(stage: .smallEval, jobID: "11", tasks: tasks, script: "slurm/small_eval.sbatch"),
            .init(stage: .gate, jobID: "12", tasks: tasks, script: "slurm/gate.sbatch"),
        ])]
        return record
    }

    @Test func aJobMissingFromSqueueIsNeverSuccessWithoutItsReadyMarker() {
        let record = Self.record(runs: 1)
        let live = [SlurmJobRecord(jobID: "12", task: nil, state: .pending, exitCode: nil, signal: nil, reason: "Dependency")]
        let statuses = SlurmTaskStatus.resolve(record, scheduler: live, accounting: [], ready: { _, stage in stage == .train },
                                               runEnded: { _ in nil })
        #expect(statuses.map(\.state) == [.completed, .unknown, .pending])
        #expect(statuses.map(\.source) == [.marker, .none, .squeue])
        #expect(statuses[1].reason?.contains("no READY marker") == true)
        let failed = SlurmTaskStatus.resolve(record, scheduler: [], accounting: [], ready: { _, _ in false }, runEnded: { _ in "failed" })
        #expect(failed.allSatisfy { $0.state == .failed("FAILED") && $0.source == .manifest })
    }

    @Test func accountingAnswersBeforeTheRunDirectory() {
        let record = Self.record(runs: 1)
        let accounting = [SlurmJobRecord(jobID: "11", task: nil, state: .failed("TIMEOUT"), exitCode: 0, signal: nil, reason: nil)]
        let statuses = SlurmTaskStatus.resolve(record, scheduler: [], accounting: accounting, ready: { _, _ in true }, runEnded: { _ in nil })
        #expect(statuses[1].state == .failed("TIMEOUT") && statuses[1].source == .sacct)
    }

    @Test func arrayTasksResolveByTaskAndTheNewestSubmissionWins() {
        var record = Self.record(runs: 3)
        record.submissions.append(.init(submitted: "t2", jobs: [.init(stage: .smallEval, jobID: "20", tasks: [1], script: "s"),
                                                                .init(stage: .gate, jobID: "21", tasks: [1], script: "s")]))
        let live = SlurmJobRecord.parseSqueue("10|0|COMPLETED|0|None\n10|1|COMPLETED|0|None\n10|2|COMPLETED|0|None\n20|1|RUNNING|0|None\n11|1|FAILED|256|x")
        let statuses = SlurmTaskStatus.resolve(record, scheduler: live, accounting: [], ready: { _, _ in false }, runEnded: { _ in nil })
        #expect(statuses.count == 9)
        #expect(statuses[4].jobID == "20" && statuses[4].state == .running, "task 1's small_eval is the resubmitted job")
        #expect(statuses[5].jobID == "21" && statuses[5].state == .unknown)
        #expect(statuses[1].jobID == "11" && statuses[1].state == .unknown, "task 0's small_eval is not in squeue and has no marker")
        #expect(record.jobIDs == ["10", "11", "12", "20", "21"])
    }

    @Test func namesAreReadFromSqueueAndSacct() {
        let live = SlurmJobRecord.parseSqueue("10|N/A|RUNNING|0|None|sota-train-r\n11|2|PENDING|0|Dependency|a|b\n")
        #expect(live.map(\.name) == ["sota-train-r", "a|b"])
        let accounted = SlurmJobRecord.parseSacct("30|COMPLETED|0:0|sota-gate-r\n30|FAILED|1:0|other\n")
        #expect(accounted.map(\.name) == ["sota-gate-r", "other"])
    }

    /// Issue 13 item 16: after the controller reused ids, a job under one of the launch's ids but another name is
    /// not the launch's: "gone" unless its READY marker says the stage finished, and accounting's record of the
    /// launch's own job (sacct --duplicates lists both) still counts.
    @Test func aReusedJobIDIsGoneForTheOldLaunch() {
        var record = Self.record(runs: 1)
        record.submissions[0].jobs[2].name = "sota-gate-r"
        let live = [SlurmJobRecord(jobID: "10", task: nil, state: .running, exitCode: nil, signal: nil, reason: nil, name: "sota-train-new"),
                    SlurmJobRecord(jobID: "11", task: nil, state: .running, exitCode: nil, signal: nil, reason: nil, name: "sota-small_eval-r"),
                    SlurmJobRecord(jobID: "12", task: nil, state: .pending, exitCode: nil, signal: nil, reason: nil, name: "sota-gate-new")]
        let statuses = SlurmTaskStatus.resolve(record, scheduler: live, accounting: [], ready: { _, _ in false }, runEnded: { _ in nil })
        #expect(statuses.map(\.state) == [.unknown, .running, .unknown])
        #expect(statuses[0].reason == "gone: Slurm gave job id 10 to another job (sota-train-new); this one left no READY marker")
        #expect(statuses[2].source == .none && statuses[2].reason?.hasPrefix("gone:") == true)
        let accounting = [SlurmJobRecord(jobID: "10", task: nil, state: .completed, exitCode: 0, signal: nil, reason: nil, name: "sota-train-r"),
                          SlurmJobRecord(jobID: "10", task: nil, state: .running, exitCode: nil, signal: nil, reason: nil, name: "sota-train-new")]
        let known = SlurmTaskStatus.resolve(record, scheduler: live, accounting: accounting, ready: { _, stage in stage == .gate }, runEnded: { _ in nil })
        #expect(known[0].state == .completed && known[0].source == .sacct)
        #expect(known[2].state == .completed && known[2].source == .marker)
        #expect(record.isSame(live[1], as: record.submissions[0].jobs[1]) && !record.isSame(live[2], as: record.submissions[0].jobs[2]))
    }

    @Test func launchRecordRoundTrips() throws {
        let record = Self.record(runs: 2)
        let folder = TemporaryDirectory()
        try record.write(to: folder.url("launch.json"))
        #expect(try SlurmLaunchRecord.read(path: folder.url("launch.json")) == record)
        #expect(try record.encoded().contains("\"backend\" : \"slurm\""))
    }
}
