import FoundationEssentials

/// Everything the lifecycle depends on, gathered from the disk once and then reasoned about without it.
package struct ExperimentFacts: Sendable, Equatable {
    /// How one run of the experiment ended, or that it has not.
    package enum RunOutcome: Sendable, Equatable {
        /// Its manifest says running and a live process holds its lock.
        case inProgress
        /// Finished and every gate passed.
        case passed
        /// Finished, but a gate rejected it.
        case gateRejected
        /// A stage failed.
        case stageFailed
        /// Pending, interrupted, or running without a live process: resumable, not concluded.
        case unfinished

        /// True for outcomes that conclude an evaluation.
        package var isFinished: Bool { self == .passed || self == .gateRejected || self == .stageFailed }
    }

    /// One run, reduced to what the lifecycle needs.
    package struct Run: Sendable, Equatable {
        /// The run id.
        package var id: String
        /// How it stands.
        package var outcome: RunOutcome
        /// When its manifest last changed.
        package var updated: Date

        /// Creates a run fact.
        package init(id: String, outcome: RunOutcome, updated: Date) {
            self.id = id
            self.outcome = outcome
            self.updated = updated
        }
    }

    /// A promotion, reduced to what the lifecycle says about it.
    package struct Promotion: Sendable, Equatable {
        /// The promoted run.
        package var runID: String
        /// Where its config went.
        package var destination: String
        /// True when gates were overridden.
        package var forced: Bool

        /// Creates a promotion fact.
        package init(runID: String, destination: String, forced: Bool) {
            self.runID = runID
            self.destination = destination
            self.forced = forced
        }
    }

    /// True when the folder is in `experiments-archive/`.
    package var isArchived: Bool
    /// When it was archived, if the metadata says.
    package var archivedAt: Date?
    /// Its runs, oldest first.
    package var runs: [Run]
    /// Promotions recorded in its metadata.
    package var promotions: [Promotion]
    /// The creation or restore, whichever is later: `("created", date)` or `("restored", date)`.
    package var startedOrRestored: (event: String, date: Date)?
    /// The newest of: runs' updates, edits to its files, commits touching its folder, creation and restore.
    package var lastActivity: Date?
    /// The run with the best primary metric, which decides success when it passed.
    package var decisiveRun: String?

    /// Creates facts; everything but the location defaults to "nothing known".
    package init(isArchived: Bool = false, archivedAt: Date? = nil, runs: [Run] = [], promotions: [Promotion] = [],
                startedOrRestored: (event: String, date: Date)? = nil, lastActivity: Date? = nil, decisiveRun: String? = nil) {
        self.isArchived = isArchived
        self.archivedAt = archivedAt
        self.runs = runs
        self.promotions = promotions
        self.startedOrRestored = startedOrRestored
        self.lastActivity = lastActivity
        self.decisiveRun = decisiveRun
    }

    package static func == (lhs: ExperimentFacts, rhs: ExperimentFacts) -> Bool {
        lhs.isArchived == rhs.isArchived && lhs.archivedAt == rhs.archivedAt && lhs.runs == rhs.runs
            && lhs.promotions == rhs.promotions && lhs.startedOrRestored?.event == rhs.startedOrRestored?.event
            && lhs.startedOrRestored?.date == rhs.startedOrRestored?.date && lhs.lastActivity == rhs.lastActivity
            && lhs.decisiveRun == rhs.decisiveRun
    }
}
