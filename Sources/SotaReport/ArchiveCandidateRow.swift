import FoundationEssentials

/// One experiment the weekly maintenance would archive (or did, with `--apply`), as the report lists it.
///
/// The workspace's archive planner fills these; the report only renders them.
package struct ArchiveCandidateRow: Sendable, Equatable, Codable {
    /// The experiment folder's name, e.g. `2026-01-05-wider-model`.
    package var experiment: String
    /// Its lifecycle status (`success`, `failed`, `stale`, ...).
    package var status: String
    /// Why it is due for the archive, in a few words.
    package var reason: String
    /// When anything last happened in it, if known.
    package var lastActivity: Date?
    /// True when this run of the command moved it to the archive; false when it only would.
    package var applied: Bool

    /// Creates a row.
    package init(experiment: String, status: String, reason: String, lastActivity: Date?, applied: Bool) {
        self.experiment = experiment
        self.status = status
        self.reason = reason
        self.lastActivity = lastActivity
        self.applied = applied
    }
}
