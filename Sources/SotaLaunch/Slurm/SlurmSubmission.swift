/// The `sbatch` command line of one stage job, chained behind the job before it. Pure.
package enum SlurmSubmission {
    /// `sbatch --parsable [--dependency=...] [--kill-on-invalid-dep=yes] SCRIPT`.
    ///
    /// A single run's stage waits for the previous job with `afterok`; a sweep's array stage waits task by task
    /// with `aftercorr` (task i of small_eval after task i of train), so one failed task cancels only its own
    /// chain. With `--kill-on-invalid-dep=yes` Slurm cancels a job whose dependency can no longer be met instead of
    /// leaving it pending forever.
    ///
    /// A throttled sweep (`--max-parallel K`, the arrays' `%K`) also waits for the previous stage's whole array to
    /// end (`afterany`): `%K` limits one array, and stage arrays that overlapped would run K tasks each. So at most K
    /// tasks of the sweep run at once, a stage's tasks start once every task of the stage before has ended, and a
    /// failed task still cancels only its own chain (through `aftercorr`).
    package static func arguments(script: String, after previous: String?, array: Bool, throttled: Bool = false) -> [String] {
        var arguments = ["--parsable"]
        if let previous {
            let dependency = !array ? "afterok:\(previous)" : throttled ? "aftercorr:\(previous),afterany:\(previous)" : "aftercorr:\(previous)"
            arguments += ["--dependency=\(dependency)", "--kill-on-invalid-dep=yes"]
        }
        return arguments + [script]
    }

    /// The job id in `sbatch --parsable` output (`123` or `123;cluster`), or nil when there is none.
    package static func parseJobID(_ output: String) -> String? {
        let line = output.split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
        let id = line.split(separator: ";").first.map(String.init)?.trimmingWhitespace() ?? ""
        return !id.isEmpty && id.allSatisfy(\.isNumber) ? id : nil
    }
}
