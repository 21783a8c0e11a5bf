import Foundation
import SotaConfig
import SotaWorkspace
import Testing

private let now = Date(timeIntervalSince1970: 1_800_000_000)
private let thresholds = LifecycleThresholds(activeDays: 7, staleDays: 30)

private func daysAgo(_ days: Double) -> Date { now.addingTimeInterval(-days * 86_400) }

private func run(_ id: String, _ outcome: ExperimentFacts.RunOutcome, _ days: Double) -> ExperimentFacts.Run {
    ExperimentFacts.Run(id: id, outcome: outcome, updated: daysAgo(days))
}

private func state(_ facts: ExperimentFacts, _ limits: LifecycleThresholds = thresholds) -> LifecycleState {
    LifecycleState.derive(facts, thresholds: limits, now: now).state
}

@Suite struct LifecycleStateTests {
    @Test func newExperimentWithoutRunsIsActive() {
        let facts = ExperimentFacts(startedOrRestored: ("created", daysAgo(1)), lastActivity: daysAgo(1))
        let decision = LifecycleState.derive(facts, thresholds: thresholds, now: now)
        #expect(decision == LifecycleDecision(.active, "created 1 day ago, within 7 days"))
    }

    @Test func archivedWinsOverEverything() {
        let facts = ExperimentFacts(isArchived: true, archivedAt: daysAgo(3), runs: [run("r1", .inProgress, 0)],
                                    promotions: [.init(runID: "r1", destination: "configs/a.yaml", forced: false)])
        let decision = LifecycleState.derive(facts, thresholds: thresholds, now: now)
        #expect(decision == LifecycleDecision(.archived, "in experiments-archive/, archived 3 days ago"))
    }

    @Test func aRunInProgressMakesItRunning() {
        let facts = ExperimentFacts(runs: [run("r1", .passed, 40), run("r2", .inProgress, 0)],
                                    promotions: [.init(runID: "r1", destination: "configs/a.yaml", forced: false)], lastActivity: daysAgo(0))
        #expect(LifecycleState.derive(facts, thresholds: thresholds, now: now) == LifecycleDecision(.running, "run r2 is in progress"))
    }

    @Test func aPromotionWinsOverOutcomesAndAge() {
        let facts = ExperimentFacts(runs: [run("r1", .gateRejected, 90)],
                                    promotions: [.init(runID: "r1", destination: "configs/x.yaml", forced: true)], lastActivity: daysAgo(90))
        let decision = LifecycleState.derive(facts, thresholds: thresholds, now: now)
        #expect(decision == LifecycleDecision(.promoted, "run r1 was promoted to configs/x.yaml (forced past its gates)"))
    }

    @Test func aPassedRunMeansSuccessHoweverRecentOrOld() {
        for age in [0.0, 3, 45, 400] {
            let facts = ExperimentFacts(runs: [run("r1", .gateRejected, age + 1), run("r2", .passed, age)], lastActivity: daysAgo(age))
            #expect(LifecycleState.derive(facts, thresholds: thresholds, now: now) == LifecycleDecision(.success, "run r2 passed its gates"))
        }
    }

    @Test func theDecisiveRunDecidesWhenItPassed() {
        let facts = ExperimentFacts(runs: [run("r1", .passed, 5), run("r2", .passed, 4)], decisiveRun: "r1")
        #expect(LifecycleState.derive(facts, thresholds: thresholds, now: now).reason == "run r1 passed its gates")
        let rejectedBest = ExperimentFacts(runs: [run("r1", .gateRejected, 5), run("r2", .passed, 4)], decisiveRun: "r1")
        #expect(LifecycleState.derive(rejectedBest, thresholds: thresholds, now: now).reason == "run r2 passed its gates")
    }

    @Test func finishedRunsWithoutAPassMeanFailedAndTheLatestSaysWhy() {
        let rejected = ExperimentFacts(runs: [run("r1", .stageFailed, 9), run("r2", .gateRejected, 2)])
        #expect(LifecycleState.derive(rejected, thresholds: thresholds, now: now)
                == LifecycleDecision(.failed, "no run passed; the latest, r2, finished 2 days ago: a gate rejected it"))
        let crashed = ExperimentFacts(runs: [run("r1", .gateRejected, 9), run("r2", .stageFailed, 0)])
        #expect(LifecycleState.derive(crashed, thresholds: thresholds, now: now).reason.hasSuffix("finished today: a stage failed"))
    }

    @Test func unfinishedRunsKeepItActiveWhileRecent() {
        let facts = ExperimentFacts(runs: [run("r1", .unfinished, 6.9)], lastActivity: daysAgo(6.9))
        #expect(LifecycleState.derive(facts, thresholds: thresholds, now: now) == LifecycleDecision(.active, "run r1 6 days ago, within 7 days"))
    }

    @Test func idleBetweenActiveAndStaleIsStillActive() {
        let facts = ExperimentFacts(runs: [run("r1", .unfinished, 12)], startedOrRestored: ("created", daysAgo(20)), lastActivity: daysAgo(12))
        #expect(LifecycleState.derive(facts, thresholds: thresholds, now: now)
                == LifecycleDecision(.active, "no finished run yet, last activity 12 days ago"))
    }

    @Test func staleAfterTheThresholdExactly() {
        let justBefore = ExperimentFacts(startedOrRestored: ("created", daysAgo(60)), lastActivity: daysAgo(29.99))
        #expect(state(justBefore) == .active)
        let atThreshold = ExperimentFacts(startedOrRestored: ("created", daysAgo(60)), lastActivity: daysAgo(30))
        let decision = LifecycleState.derive(atThreshold, thresholds: thresholds, now: now)
        #expect(decision == LifecycleDecision(.stale, "no activity for 30 days (stale after 30)"))
    }

    @Test func activeWindowBoundary() {
        #expect(state(ExperimentFacts(runs: [run("r", .unfinished, 6.99)], lastActivity: daysAgo(6.99))) == .active)
        let old = ExperimentFacts(runs: [run("r", .unfinished, 7)], startedOrRestored: ("created", daysAgo(8)), lastActivity: daysAgo(7))
        #expect(LifecycleState.derive(old, thresholds: thresholds, now: now).reason == "no finished run yet, last activity 7 days ago")
    }

    @Test func thresholdsComeFromTheProject() {
        let facts = ExperimentFacts(startedOrRestored: ("created", daysAgo(10)), lastActivity: daysAgo(10))
        #expect(state(facts) == .active)
        #expect(state(facts, LifecycleThresholds(activeDays: 2, staleDays: 5)) == .stale)
        #expect(state(facts, LifecycleThresholds(activeDays: 14, staleDays: 30)) == .active)
    }

    @Test func aRecentRestoreProtectsAConcludedExperiment() {
        let restored = ExperimentFacts(runs: [run("r1", .passed, 100)], startedOrRestored: ("restored", daysAgo(1)), lastActivity: daysAgo(1))
        #expect(LifecycleState.derive(restored, thresholds: thresholds, now: now) == LifecycleDecision(.active, "restored 1 day ago, within 7 days"))
        var later = restored
        later.startedOrRestored = ("restored", daysAgo(8))
        #expect(state(later) == .success)
        var created = restored
        created.startedOrRestored = ("created", daysAgo(1))
        #expect(state(created) == .success, "a creation does not outrank a concluded evaluation")
    }

    @Test func noFactsAtAllIsActiveWithoutRuns() {
        #expect(LifecycleState.derive(ExperimentFacts(), thresholds: thresholds, now: now) == LifecycleDecision(.active, "no runs yet"))
    }

    @Test func finishedStatesAreWhatArchiveMovesByDefault() {
        #expect(Set(LifecycleState.finished) == [.success, .failed, .promoted, .stale])
        #expect(!LifecycleState.finished.contains(.running) && !LifecycleState.finished.contains(.active))
    }

    @Test func everyOutcomeClassifiesAsFinishedOrNot() {
        let finished = [ExperimentFacts.RunOutcome.passed, .gateRejected, .stageFailed].map(\.isFinished)
        let open = [ExperimentFacts.RunOutcome.inProgress, .unfinished].map(\.isFinished)
        #expect(finished == [true, true, true])
        #expect(open == [false, false])
    }
}
