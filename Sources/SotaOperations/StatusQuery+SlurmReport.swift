import FoundationEssentials
import SotaSupport
import SotaRunRecord
import SotaConfig
import SotaLaunch
import SotaPlan

/// One refresh of a Slurm launch: every stage of every run, from ONE batched `squeue` call, then `sacct` (when
/// accounting exists) and the run directories for jobs the controller has forgotten.
package struct SlurmStatusReport: Sendable {
    /// The launch.
    package var record: SlurmLaunchRecord
    /// Every stage of every run, run by run.
    package var stages: [SlurmTaskStatus]
    /// Why squeue gave no answer, when it did not.
    package var schedulerError: String?
    /// The runs folder the run directories are in.
    package var runsDirectory: String
    /// The runs' manifest statuses, when read (single runs always; sweeps once every job is final).
    package var runStatuses: [String: String]

    /// Whether no job can change any more (and squeue answered).
    package var isFinal: Bool { schedulerError == nil && stages.allSatisfy(\.state.isFinal) }

    /// Asks Slurm once and resolves every stage.
    package static func refresh(_ record: SlurmLaunchRecord, runsDirectory: String, client: SlurmClient) -> SlurmStatusReport {
        let ids = record.jobIDs
        var schedulerError: String?
        var scheduler: [SlurmJobRecord] = []
        do {
            scheduler = try client.queue(jobIDs: ids)
        } catch {
            schedulerError = error.description
        }
        var manifests: [String: String?] = [:]
        func manifestStatus(_ runID: String) -> String? {
            if let known = manifests[runID] { return known }
            let status = (try? RunManifest.read(path: Paths.join(runsDirectory, RunLayout.manifest(ofRun: runID))))?.status.rawValue
            manifests[runID] = status
            return status
        }
        func resolve(_ accounting: [SlurmJobRecord]) -> [SlurmTaskStatus] {
            SlurmTaskStatus.resolve(
                record, scheduler: scheduler, accounting: accounting,
                ready: { runID, stage in Paths.kind(of: Paths.join(runsDirectory, "\(runID)/\(stage.readyMarker)")) == .file },
                runEnded: { runID in manifestStatus(runID).flatMap { ["failed", "succeeded", "rejected"].contains($0) ? $0 : nil } }
            )
        }
        var stages = resolve([])
        // sacct only for jobs (or tasks) squeue no longer lists; without slurmdbd it fails and the run directories answer.
        let forgotten = Array(Set(stages.filter { $0.source != .squeue }.compactMap(\.jobID))).sorted()
        if !forgotten.isEmpty, let accounting = client.accounting(jobIDs: forgotten), !accounting.isEmpty {
            stages = resolve(accounting)
        }
        var report = SlurmStatusReport(record: record, stages: stages, schedulerError: schedulerError, runsDirectory: runsDirectory, runStatuses: [:])
        if record.runs.count == 1 || report.isFinal {
            for runID in record.runs { report.runStatuses[runID] = manifestStatus(runID) ?? "missing" }
        }
        return report
    }
}
