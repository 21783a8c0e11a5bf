import FoundationEssentials
import SotaSupport
import SotaRunRecord

/// Every run directory of a project, read from `<runs>/*/manifest.json` (the files are the truth, not the index).
package struct RunDirectoryScan: Sendable {
    /// Runs by experiment name, each list oldest first.
    package var byExperiment: [String: [ExperimentRun]]
    /// Manifests that could not be read, as messages naming the file.
    package var problems: [String]

    /// Creates a scan result directly (tests).
    package init(byExperiment: [String: [ExperimentRun]] = [:], problems: [String] = []) {
        self.byExperiment = byExperiment
        self.problems = problems
    }

    /// The runs of `experiment`, oldest first.
    package func runs(of experiment: String) -> [ExperimentRun] { byExperiment[experiment] ?? [] }

    /// Every run, oldest first.
    package var allRuns: [ExperimentRun] { byExperiment.values.joined().sorted { ($0.created, $0.id) < ($1.created, $1.id) } }

    /// Reads every manifest under `folder` (a missing folder holds no runs), through the one run-directory scanner
    /// (scanned by hand where it can, decoded in full where only the decoder can judge; on all cores).
    package static func scan(runsFolder folder: String, display: String) -> RunDirectoryScan {
        var scan = RunDirectoryScan()
        for (name, outcome) in RunDirectoryScanner.runs(inRunsFolder: folder) {
            let directory = Paths.join(folder, name)
            switch outcome {
            case .success(let summary):
                let live = summary.status == RunManifest.Status.running.rawValue && RunDirectoryLock.isHeld(runDirectory: directory)
                let run = ExperimentRun(summary: summary, directory: directory, inProgress: live)
                scan.byExperiment[run.experiment, default: []].append(run)
            case .failure(let problem):
                let shown = Paths.join(display, RunLayout.manifest(ofRun: name))
                scan.problems.append(FileError(path: shown, operation: "read manifest", reason: problem.reason).description)
            }
        }
        for key in scan.byExperiment.keys { scan.byExperiment[key]?.sort { ($0.created, $0.id) < ($1.created, $1.id) } }
        return scan
    }
}
