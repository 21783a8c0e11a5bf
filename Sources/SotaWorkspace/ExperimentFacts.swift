import Foundation

/// Everything the lifecycle depends on, gathered from the disk once and then reasoned about without it.
public struct ExperimentFacts: Sendable, Equatable {
    /// How one run of the experiment ended, or that it has not.
    public enum RunOutcome: Sendable, Equatable {
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
        public var isFinished: Bool { self == .passed || self == .gateRejected || self == .stageFailed }
    }

    /// One run, reduced to what the lifecycle needs.
    public struct Run: Sendable, Equatable {
        /// The run id.
        public var id: String
        /// How it stands.
        public var outcome: RunOutcome
        /// When its manifest last changed.
        public var updated: Date

        /// Creates a run fact.
        public init(id: String, outcome: RunOutcome, updated: Date) {
            self.id = id
            self.outcome = outcome
            self.updated = updated
        }
    }

    /// A promotion, reduced to what the lifecycle says about it.
    public struct Promotion: Sendable, Equatable {
        /// The promoted run.
        public var runID: String
        /// Where its config went.
        public var destination: String
        /// True when gates were overridden.
        public var forced: Bool

        /// Creates a promotion fact.
        public init(runID: String, destination: String, forced: Bool) {
            self.runID = runID
            self.destination = destination
            self.forced = forced
        }
    }

    /// True when the folder is in `experiments-archive/`.
    public var isArchived: Bool
    /// When it was archived, if the metadata says.
    public var archivedAt: Date?
    /// Its runs, oldest first.
    public var runs: [Run]
    /// Promotions recorded in its metadata.
    public var promotions: [Promotion]
    /// The creation or restore, whichever is later: `("created", date)` or `("restored", date)`.
    public var startedOrRestored: (event: String, date: Date)?
    /// The newest of: runs' updates, edits to its files, commits touching its folder, creation and restore.
    public var lastActivity: Date?
    /// The run with the best primary metric, which decides success when it passed.
    public var decisiveRun: String?

    /// Creates facts; everything but the location defaults to "nothing known".
    public init(isArchived: Bool = false, archivedAt: Date? = nil, runs: [Run] = [], promotions: [Promotion] = [],
                startedOrRestored: (event: String, date: Date)? = nil, lastActivity: Date? = nil, decisiveRun: String? = nil) {
        self.isArchived = isArchived
        self.archivedAt = archivedAt
        self.runs = runs
        self.promotions = promotions
        self.startedOrRestored = startedOrRestored
        self.lastActivity = lastActivity
        self.decisiveRun = decisiveRun
    }

    public static func == (lhs: ExperimentFacts, rhs: ExperimentFacts) -> Bool {
        lhs.isArchived == rhs.isArchived && lhs.archivedAt == rhs.archivedAt && lhs.runs == rhs.runs
            && lhs.promotions == rhs.promotions && lhs.startedOrRestored?.event == rhs.startedOrRestored?.event
            && lhs.startedOrRestored?.date == rhs.startedOrRestored?.date && lhs.lastActivity == rhs.lastActivity
            && lhs.decisiveRun == rhs.decisiveRun
    }
}
