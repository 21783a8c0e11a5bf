import FoundationEssentials
import SotaSupport

/// Slurm's client commands, run as real processes with the caller's environment (`SLURM_CONF` included):
/// `sbatch --parsable`, one batched `squeue` per refresh, `sacct` when accounting exists, and `scancel`.
package struct SlurmClient: Sendable {
    /// The environment the commands get; its PATH finds them.
    package var environment: [String: String]

    /// Creates a client.
    package init(environment: [String: String]) {
        self.environment = environment
    }

    /// A finished command.
    struct Output {
        var status: Int32
        var out: String
        var err: String

        /// The last line Slurm wrote to stderr, without the `command: error:` prefix.
        var message: String {
            let line = err.split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
            return line.replacing(#/^[a-z_]+: ((error|fatal): )?/#, with: "", maxReplacements: 1)
        }
    }

    /// Submits `script` (chained after `previous`; see ``SlurmSubmission/arguments(script:after:array:throttled:)``) and
    /// returns the job id.
    package func submit(script: String, after previous: String?, array: Bool, throttled: Bool = false,
                       workingDirectory: String) throws(SlurmError) -> String {
        let output = try run("sbatch", SlurmSubmission.arguments(script: script, after: previous, array: array, throttled: throttled),
                             in: workingDirectory)
        guard output.status == 0 else { throw SlurmError(command: "sbatch", reason: output.message.isEmpty ? "exited \(output.status)" : output.message) }
        guard let id = SlurmSubmission.parseJobID(output.out) else {
            throw SlurmError(command: "sbatch", reason: "printed no job id (`\(output.out.prefix(80))`)")
        }
        return id
    }

    /// Every job and array task among `jobIDs` that the controller still knows, from ONE `squeue` call.
    ///
    /// squeue exits 1 with "Invalid job id specified" when it knows none of them: that is an empty answer, not an error.
    package func queue(jobIDs: [String]) throws(SlurmError) -> [SlurmJobRecord] {
        guard !jobIDs.isEmpty else { return [] }
        let output = try run("squeue", ["-h", "-r", "-t", "all", "-j", jobIDs.joined(separator: ","), "-O", SlurmJobRecord.squeueFormat])
        if output.status != 0 {
            if output.err.contains("Invalid job id") { return [] }
            throw SlurmError(command: "squeue", reason: output.message.isEmpty ? "exited \(output.status)" : output.message)
        }
        return SlurmJobRecord.parseSqueue(output.out)
    }

    /// The jobs accounting knows among `jobIDs`, or nil when there is no accounting (no slurmdbd, no `sacct`).
    ///
    /// `--duplicates` lists every job that ever had one of the ids (accounting otherwise shows only the newest), so
    /// the caller can pick its own by name after the controller reused an id.
    package func accounting(jobIDs: [String]) -> [SlurmJobRecord]? {
        guard !jobIDs.isEmpty,
              let output = try? run("sacct", ["-n", "-P", "-X", "--duplicates", "-j", jobIDs.joined(separator: ","), "-o", SlurmJobRecord.sacctFormat]),
              output.status == 0 else { return nil }
        return SlurmJobRecord.parseSacct(output.out)
    }

    /// Cancels the jobs (array jobs with all their tasks) in one `scancel` call; with `name`, only those of them
    /// still named so (`scancel --name`, checked by the controller), so a job that was given a reused id is left alone.
    package func cancel(jobIDs: [String], name: String? = nil) throws(SlurmError) {
        guard !jobIDs.isEmpty else { return }
        let output = try run("scancel", (name.map { ["--name=\($0)"] } ?? []) + jobIDs)
        // scancel reports jobs that already ended as errors while cancelling the rest: only a total failure counts.
        if output.status != 0, !output.err.contains("already completed"), !output.err.contains("Invalid job id") {
            throw SlurmError(command: "scancel", reason: output.message.isEmpty ? "exited \(output.status)" : output.message)
        }
    }

    /// Runs `program` from the environment's PATH and collects its output.
    func run(_ program: String, _ arguments: [String], in directory: String? = nil) throws(SlurmError) -> Output {
        guard let executable = Paths.findExecutable(program, path: environment["PATH"], relativeTo: directory ?? "/") else {
            throw SlurmError(command: program, reason: "not found on PATH (install slurm-client, or load your cluster's Slurm module)")
        }
        let outcome: CapturedCommand.Outcome
        do {
            outcome = try CapturedCommand(executable, arguments, environment: environment, directory: directory).run()
        } catch {
            throw SlurmError(command: program, reason: "cannot start: \(error)")
        }
        return Output(status: outcome.status, out: String(decoding: outcome.out, as: UTF8.self), err: String(decoding: outcome.err, as: UTF8.self))
    }
}
