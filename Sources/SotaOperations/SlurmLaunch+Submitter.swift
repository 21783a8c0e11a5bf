import FoundationEssentials
import SotaSupport
import SotaRunRecord
import SotaLaunch
import SotaPlan

/// Submits a chain of stage scripts, each after the one before, recording every job id as soon as sbatch prints it.
package struct SlurmChainSubmitter: Sendable {
    /// Runs sbatch and scancel.
    package let client: SlurmClient
    /// The launch folder the scripts sit in.
    package let directory: String

    /// Creates a submitter for the scripts in `directory`.
    package init(client: SlurmClient, directory: String) {
        self.client = client
        self.directory = directory
    }

    /// Submits `scripts` (path relative to the launch folder, with its plan) in order and appends the submission to
    /// `record`, written after each job. When sbatch refuses one, the jobs already submitted are cancelled again.
    package func submit(_ scripts: [(String, SlurmStagePlan)], record: inout SlurmLaunchRecord, recordPath: String) -> Result<Void, SubmissionFailure> {
        record.submissions.append(SlurmLaunchRecord.Submission(submitted: Timestamp.string(Date()), jobs: []))
        var previous: String?
        for (script, plan) in scripts {
            let tasks: [Int]? = if case .array(_, let tasks) = plan.runs { tasks } else { nil }
            do {
                let id = try client.submit(script: Paths.join(directory, script), after: previous, array: tasks != nil,
                                           throttled: plan.resources.maxParallel != nil, workingDirectory: plan.projectRoot)
                record.submissions[record.submissions.count - 1].jobs.append(.init(stage: plan.stage, jobID: id, tasks: tasks, script: script,
                                                                                   name: plan.jobName))
                try record.write(to: recordPath)
                previous = id
            } catch {
                let jobs = record.submissions.last?.jobs ?? []
                let submitted = jobs.map(\.jobID)
                // Each job is cancelled under its own name, so nothing but this chain's jobs can be hit.
                let cancelled = Dictionary(grouping: jobs, by: record.name(of:)).allSatisfy { name, jobs in
                    (try? client.cancel(jobIDs: jobs.map(\.jobID), name: name)) != nil
                }
                let undo = submitted.isEmpty ? "" : cancelled ? "; cancelled the jobs already submitted (\(submitted.joined(separator: ", ")))"
                                                              : "; jobs \(submitted.joined(separator: ", ")) could not be cancelled: scancel them"
                return .failure(SubmissionFailure(message: "\(error)\(undo)"))
            }
        }
        return .success(())
    }

    /// Why a chain was not submitted.
    package struct SubmissionFailure: Error, CustomStringConvertible {
        /// sbatch's complaint, and what became of the jobs already submitted.
        package var message: String
        package var description: String { message }
    }
}
