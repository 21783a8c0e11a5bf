import Foundation
import SotaSupport
import SotaPlan

/// Every run directory of a project, read from `<runs>/*/manifest.json` (the files are the truth, not the index).
public struct RunDirectoryScan: Sendable {
    /// Runs by experiment name, each list oldest first.
    public var byExperiment: [String: [ExperimentRun]]
    /// Manifests that could not be read, as messages naming the file.
    public var problems: [String]

    /// Creates a scan result directly (tests).
    public init(byExperiment: [String: [ExperimentRun]] = [:], problems: [String] = []) {
        self.byExperiment = byExperiment
        self.problems = problems
    }

    /// The runs of `experiment`, oldest first.
    public func runs(of experiment: String) -> [ExperimentRun] { byExperiment[experiment] ?? [] }

    /// Every run, oldest first.
    public var allRuns: [ExperimentRun] { byExperiment.values.joined().sorted { ($0.created, $0.id) < ($1.created, $1.id) } }

    /// Reads every manifest under `folder` (a missing folder holds no runs), decoding in parallel.
    public static func scan(runsFolder folder: String, display: String) -> RunDirectoryScan {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder))?.filter { !$0.hasPrefix(".") }.sorted() ?? []
        let results = ParallelMap.map(names) { name -> Result<ExperimentRun, FileError>? in
            let directory = Paths.join(folder, name)
            let path = Paths.join(directory, "manifest.json")
            guard let data = FileManager.default.contents(atPath: path) else { return nil }
            do {
                let manifest = try RunManifest.decode(data, path: Paths.join(display, "\(name)/manifest.json"))
                let live = manifest.status == .running && RunDirectoryLock.isHeld(runDirectory: directory)
                return .success(ExperimentRun(manifest: manifest, directory: directory, inProgress: live))
            } catch let error as FileError {
                return .failure(error)
            } catch {
                return .failure(FileError(path: path, operation: "read manifest", reason: "\(error)"))
            }
        }
        var scan = RunDirectoryScan()
        for result in results {
            switch result {
            case .success(let run)?: scan.byExperiment[run.experiment, default: []].append(run)
            case .failure(let error)?: scan.problems.append(error.description)
            case nil: break
            }
        }
        for key in scan.byExperiment.keys { scan.byExperiment[key]!.sort { ($0.created, $0.id) < ($1.created, $1.id) } }
        return scan
    }
}
