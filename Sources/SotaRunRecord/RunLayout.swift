/// Every file and folder name of a run directory (`runs/<id>/`) and of a sweep folder (`runs/sweep-<id>/`): the one
/// place they are spelled, for the writer (`sota run`), the readers (index, workspace, status) and the launchers.
///
/// Names are relative to the run directory unless said otherwise; join them with `Paths.join`.
package enum RunLayout {
    /// The run's record, the source of truth the index is built from.
    package static let manifest = "manifest.json"
    /// The lock file, held where a file system cannot lock the directory itself (see ``RunDirectoryLock``).
    package static let lock = ".lock"
    /// The config as run, in YAML, for people to read.
    package static let configAsRun = "config.yaml"
    /// The resolved config handed to children: the training config at the top, each evaluation's in its phase folder.
    package static let resolvedConfig = "config.json"
    /// The training stages' outputs.
    package static let checkpoints = "checkpoints"
    /// One log per step.
    package static let logs = "logs"
    /// The markers finished steps leave, so a resume skips them.
    package static let markers = "markers"
    /// The Slurm scripts of a launch.
    package static let slurmScripts = "slurm"
    /// The script a remote instance runs on start, and its log in the uploaded results.
    package static let onstartScript = "onstart.sh"
    /// The onstart script's log, beside the uploaded run.
    package static let onstartLog = "onstart.log"

    /// What a sweep folder's name starts with (`runs/sweep-<id>/`): sota's own, beside the run folders.
    package static let sweepFolderPrefix = "sweep-"
    /// A sweep folder's record of what it expected, completed and failed.
    package static let sweepManifest = "sweep.json"

    /// The manifest of run `runID`, relative to the runs folder: `<id>/manifest.json`.
    package static func manifest(ofRun runID: String) -> String { runID + "/" + manifest }

    /// The log of training stage `stage`.
    package static func trainingLog(stage: String) -> String { logs + "/train-" + stage + ".log" }

    /// The log of the evaluation of `phase` (`small_eval`, `full_eval`).
    package static func evaluationLog(phase: String) -> String { logs + "/" + phase + ".log" }

    /// The DONE marker of step `stage`.
    package static func doneMarker(stage: String) -> String { markers + "/" + stage + ".done.json" }

    /// The log a sweep keeps of run `runID`'s `sota run`, relative to the sweep folder.
    package static func sweepLog(run runID: String) -> String { logs + "/" + runID + ".log" }

    /// True when `name` stays inside the run directory: relative, without `..` or empty parts, no control characters.
    /// A manifest is a file anyone can edit, so a name read from one is checked before it is opened.
    package static func isPlainRelativeName(_ name: String) -> Bool {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        return !name.isEmpty && !name.hasPrefix("/") && !parts.contains("..") && !parts.contains("")
            && !name.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }

    /// True when `name` names a sweep folder rather than a run folder (a run given a `sweep-` id still has a manifest).
    package static func isSweepFolderName(_ name: String) -> Bool { name.hasPrefix(sweepFolderPrefix) }
}
