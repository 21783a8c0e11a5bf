import SotaRunRecord

/// What an ingest or rebuild did: how many runs went into the index, and which directories or manifests did not.
package struct IngestReport: Sendable, Equatable {
    /// A run directory or manifest that was left out, and why.
    package typealias Problem = RunFolderProblem

    /// Runs written to the index.
    package var ingested: Int
    /// Everything left out: directories without a manifest first, then manifests that could not be read or repeated an id.
    package var problems: [Problem]

    /// Promotions a rebuild added from the project's files (ones the index had lost).
    package var promotionsAdded = 0

    /// Creates a report.
    package init(ingested: Int, problems: [Problem], promotionsAdded: Int = 0) {
        self.ingested = ingested
        self.problems = problems
        self.promotionsAdded = promotionsAdded
    }
}
