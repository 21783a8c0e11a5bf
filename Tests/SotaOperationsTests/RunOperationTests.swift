import Foundation
import SotaSupport
import SotaPlan
import SotaRun
import SotaOperations
import SotaTestSupport
import Testing

@Suite struct RunOperationTests {
    @Test func aPassingRunWritesItsDirectoryRecordsItAndStreamsItsStages() throws {
        let project = OperationProject()
        let (result, events) = try project.run(project.runRequest("good.yaml", runID: "20260101-000000-0000000a"))
        guard case .finished(let outcome, let runDirectory, let promotion, _) = result else { Issue.record("\(result)"); return }
        #expect(result.exitStatus == ExitStatus.success)
        #expect(outcome.manifest.status == .succeeded)
        #expect(runDirectory == "runs/20260101-000000-0000000a")
        #expect(promotion == nil)
        #expect(project.exists("runs/20260101-000000-0000000a/manifest.json"))
        #expect(project.read("runs/20260101-000000-0000000a/checkpoints/model.out") == "done\n")
        // The stream: the start line first, then the children's steps and the gate, in order.
        guard case .started(let runID, let config, _, let resuming) = events.first(where: { if case .started = $0 { true } else { false } }) else {
            Issue.record("no start event"); return
        }
        #expect(runID == "20260101-000000-0000000a" && config == "good.yaml" && !resuming)
        let finishedSteps = events.compactMap { event -> String? in
            if case .run(.stepFinished(let name, let status, _, _)) = event, status == .succeeded { return name }
            return nil
        }
        #expect(finishedSteps.contains("fit"))
        #expect(events.contains { if case .run(.gate(let gate)) = $0 { gate.passed } else { false } })
        #expect(try project.board().runSummary(id: "20260101-000000-0000000a") != nil)
    }

    /// Issue 15, item 9: a failed stage shows the last lines its child wrote (the traceback) under the failure.
    @Test func aFailedStageStreamsItsChildsLastLines() throws {
        let project = OperationProject()
        project.folder.write("crash.yaml", project.read("good.yaml")?.replacingOccurrences(
            of: #"command: [sh, -c, 'echo done > "$SOTA_CHECKPOINT_DIR/model.out"']"#,
            with: #"command: [sh, -c, 'echo "epoch 1"; echo "Traceback (most recent call last):" >&2; echo "ValueError: boom" >&2; exit 1']"#) ?? "")
        let (result, events) = try project.run(project.runRequest("crash.yaml"))
        #expect(result.exitStatus == ExitStatus.stageFailed)
        let shown = events.compactMap { event -> [String]? in
            if case .run(.stepOutput(let name, let lines)) = event, name == "fit" { return lines }
            return nil
        }
        #expect(shown == [["epoch 1", "Traceback (most recent call last):", "ValueError: boom"]], "\(events)")
    }

    /// Issue 15, item 8: the stages of one run land together in W&B and MLflow through the trackers' own variables,
    /// and a value the user set wins.
    @Test func childrenGetTheTrackersOwnVariables() throws {
        let project = OperationProject()
        project.folder.write("tracked.yaml", project.read("good.yaml")?.replacingOccurrences(
            of: #"command: [sh, -c, 'echo done > "$SOTA_CHECKPOINT_DIR/model.out"']"#,
            with: #"command: [sh, -c, 'echo "$WANDB_RUN_GROUP $WANDB_JOB_TYPE $MLFLOW_EXPERIMENT_NAME" > "$SOTA_CHECKPOINT_DIR/model.out"']"#) ?? "")
        _ = try project.run(project.runRequest("tracked.yaml", runID: "20260101-000000-0000000c"))
        #expect(project.read("runs/20260101-000000-0000000c/checkpoints/model.out") == "20260101-000000-0000000c fit good-exp\n")

        var request = project.runRequest("tracked.yaml", runID: "20260101-000000-0000000d")
        request.environment["WANDB_RUN_GROUP"] = "my-group"
        request.environment["MLFLOW_EXPERIMENT_ID"] = "7"
        _ = try project.run(request)
        #expect(project.read("runs/20260101-000000-0000000d/checkpoints/model.out") == "my-group fit \n")
    }

    @Test func aRejectedRunEndsWithTheGateStatusAndIsNotPromoted() throws {
        let project = OperationProject()
        let (result, _) = try project.run(project.runRequest("bad.yaml", promote: true))
        guard case .finished(_, _, .notPassed?, _) = result else { Issue.record("\(result)"); return }
        #expect(result.exitStatus == ExitStatus.gateRejected)
        #expect(!project.exists("configs/bad-exp.yaml"))
    }

    @Test func stageOneProblemsStopTheRunBeforeAnythingIsWritten() throws {
        let project = OperationProject()
        project.folder.write("typo.yaml", project.read("good.yaml")?.replacingOccurrences(of: "epochs: 1", with: "epochs: -1") ?? "")
        let (result, events) = try project.run(project.runRequest("typo.yaml"))
        guard case .notStarted(let diagnostics) = result else { Issue.record("\(result)"); return }
        #expect(result.exitStatus == ExitStatus.checkFailed)
        #expect(diagnostics.contains { $0.severity == .error && $0.location?.file == "typo.yaml" }, "\(diagnostics)")
        #expect(events.isEmpty)
        #expect(!project.exists("runs"))
    }

    @Test func aMalformedOverrideIsAUsageError() throws {
        let project = OperationProject()
        #expect(throws: RunUsageError.self) { try project.run(project.runRequest("good.yaml", assignments: ["no-equals-sign"])) }
    }

    @Test func resumingADecidedRunRecordsItAgainAndRunsNothing() throws {
        let project = OperationProject()
        _ = try project.run(project.runRequest("bad.yaml", runID: "20260101-000000-0000000b"))
        try project.dropLeaderboard()
        let (result, events) = try project.run(project.runRequest("", resume: "20260101-000000-0000000b"))
        guard case .alreadyFinished(let runID, let status, nil, nil) = result else { Issue.record("\(result)"); return }
        #expect(runID == "20260101-000000-0000000b" && status == .rejected)
        #expect(result.exitStatus == ExitStatus.gateRejected)
        #expect(events.isEmpty)
        // The leaderboard saw the run again from its manifest.
        #expect(try project.board().runSummary(id: "20260101-000000-0000000b") != nil)

        let (stepResult, _) = try project.run(project.runRequest("", resume: "20260101-000000-0000000b", step: "gate"))
        #expect(stepResult.exitStatus == ExitStatus.success, "a step job finds the run decided and has nothing left to do")
    }

    @Test func anUnknownRunToResumeIsNamed() throws {
        let project = OperationProject()
        let (result, _) = try project.run(project.runRequest("", resume: "20991231"))
        guard case .notFound(let message) = result else { Issue.record("\(result)"); return }
        #expect(message == "no run `20991231` in runs/")
    }
}
