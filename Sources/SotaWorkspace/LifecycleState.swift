import FoundationEssentials
import SotaConfig

/// Where an experiment stands, derived from facts (its runs, its folder, its metadata) and never kept by hand.
///
/// ``derive(_:thresholds:now:)`` applies the first rule that holds, in this order:
/// 1. `archived`: the folder lives in `experiments-archive/`.
/// 2. `running`: one of its runs is in progress (manifest says running and its lock is held).
/// 3. `promoted`: a promotion of one of its runs is recorded in its metadata.
/// 4. `active`: restored within `active_days` (someone brought it back to work on it).
/// 5. `success`: a finished run passed all its gates (the best run decides when it passed).
/// 6. `failed`: runs finished and none passed (the latest finished run says why).
/// 7. `active`: a run updated, or the experiment created, within `active_days`.
/// 8. `stale`: no activity (runs, edits, commits, creation) for `stale_days`.
/// 9. `active` otherwise: idle, but neither concluded nor stale yet.
///
/// A concluded evaluation (success or failed) decides however recent or old it is: it is what the experiment
/// found out, and what `sota archive` files it by.
package enum LifecycleState: String, Sendable, CaseIterable, Codable {
    case running, active, success, failed, promoted, stale, archived

    /// States whose experiments `sota archive` moves by default: every concluded or abandoned one.
    package static let finished: [LifecycleState] = [.success, .failed, .promoted, .stale]

    /// The state for `facts` and why, as of `now`.
    package static func derive(_ facts: ExperimentFacts, thresholds: LifecycleThresholds, now: Date) -> LifecycleDecision {
        func age(_ date: Date) -> Int { max(0, Int(now.timeIntervalSince(date) / 86_400)) }
        func days(_ count: Int) -> String { count == 0 ? "today" : count == 1 ? "1 day ago" : "\(count) days ago" }
        if facts.isArchived {
            return LifecycleDecision(.archived, "in experiments-archive/" + (facts.archivedAt.map { ", archived \(days(age($0)))" } ?? ""))
        }
        if let running = facts.runs.first(where: { $0.outcome == .inProgress }) {
            return LifecycleDecision(.running, "run \(running.id) is in progress")
        }
        if let promotion = facts.promotions.last {
            return LifecycleDecision(.promoted, "run \(promotion.runID) was promoted to \(promotion.destination)"
                                     + (promotion.forced ? " (forced past its gates)" : ""))
        }
        let activeLimit = Double(thresholds.activeDays) * 86_400
        if let started = facts.startedOrRestored, started.event == "restored", now.timeIntervalSince(started.date) < activeLimit {
            return LifecycleDecision(.active, "restored \(days(age(started.date))), within \(thresholds.activeDays) days")
        }
        let finished = facts.runs.filter(\.outcome.isFinished)
        if let passed = facts.decisiveRun.flatMap({ id in finished.first { $0.id == id && $0.outcome == .passed } })
            ?? finished.last(where: { $0.outcome == .passed }) {
            return LifecycleDecision(.success, "run \(passed.id) passed its gates")
        }
        if let latest = finished.max(by: { $0.updated < $1.updated }) {
            let why = latest.outcome == .gateRejected ? "a gate rejected it" : "a stage failed"
            return LifecycleDecision(.failed, "no run passed; the latest, \(latest.id), finished \(days(age(latest.updated))): \(why)")
        }
        if let recent = facts.runs.max(by: { $0.updated < $1.updated }), now.timeIntervalSince(recent.updated) < activeLimit {
            return LifecycleDecision(.active, "run \(recent.id) \(days(age(recent.updated))), within \(thresholds.activeDays) days")
        }
        if let started = facts.startedOrRestored, now.timeIntervalSince(started.date) < activeLimit {
            return LifecycleDecision(.active, "\(started.event) \(days(age(started.date))), within \(thresholds.activeDays) days")
        }
        if let activity = facts.lastActivity, now.timeIntervalSince(activity) >= Double(thresholds.staleDays) * 86_400 {
            return LifecycleDecision(.stale, "no activity for \(age(activity)) days (stale after \(thresholds.staleDays))")
        }
        let idle = facts.lastActivity.map { ", last activity \(days(age($0)))" } ?? ""
        return LifecycleDecision(.active, (facts.runs.isEmpty ? "no runs yet" : "no finished run yet") + idle)
    }
}

/// A derived state and the reason for it, in words.
package struct LifecycleDecision: Sendable, Equatable {
    /// The state.
    package var state: LifecycleState
    /// Why, in a phrase: "run 2026… is in progress".
    package var reason: String

    /// Pairs a state with its reason.
    package init(_ state: LifecycleState, _ reason: String) {
        self.state = state
        self.reason = reason
    }
}
