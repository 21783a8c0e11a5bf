import Foundation
import SotaSupport
import SotaConfig
import SotaLaunch
import SotaPlan
import SotaRunRecord

/// A run started by `sota launch`: its folder under the runs directory and its launch record, Vast or Slurm.
struct LaunchedRun {
    /// The record, by backend.
    enum Record {
        /// A rented Vast instance.
        case vast(LaunchRecord)
        /// A chain of Slurm jobs.
        case slurm(SlurmLaunchRecord)
    }

    /// The run id (or sweep id).
    var id: String
    /// The run folder (absolute).
    var directory: String
    /// The launch record.
    var launch: Record

    /// The record's path.
    var recordPath: String { Paths.join(directory, LaunchRecord.fileName) }

    /// Finds the launched run `text` (a unique id prefix is enough); prints why not and returns nil otherwise.
    static func find(_ text: String, project: Project, console: Console) -> LaunchedRun? {
        do {
            _ = try RunID(parsing: text)
        } catch {
            console.err("error: \(error)")
            return nil
        }
        let runs = project.resolve(project.runsDirectory)
        let names = RunDirectoryScanner.folders(in: runs, startingWith: text)
            .filter { Paths.kind(of: Paths.join(runs, "\($0)/\(LaunchRecord.fileName)")) == .file }
        guard names.count == 1 else {
            console.err(names.isEmpty ? "error: no launched run `\(text)` in \(project.runsDirectory)/ (no \(LaunchRecord.fileName))"
                                      : "error: `\(text)` matches \(names.count) launched runs: \(names.prefix(5).joined(separator: ", "))")
            return nil
        }
        let directory = Paths.join(runs, names[0])
        let path = Paths.join(directory, LaunchRecord.fileName)
        do {
            let launch: Record = try backend(at: path) == "slurm" ? .slurm(SlurmLaunchRecord.read(path: path)) : .vast(LaunchRecord.read(path: path))
            return LaunchedRun(id: names[0], directory: directory, launch: launch)
        } catch {
            console.err("error: \(error)")
            return nil
        }
    }

    /// The `backend` field of a launch record (records written before Slurm existed are Vast's).
    private static func backend(at path: String) throws -> String {
        struct Peek: Decodable { var backend: String? }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileError(path: path, operation: "read", reason: "no such file")
        }
        return (try? JSONDecoder().decode(Peek.self, from: data))?.backend ?? "vast"
    }

    /// A client for a Vast record's API server with this environment's key.
    static func client(_ record: LaunchRecord, environment: [String: String]) -> VastClient {
        VastClient(baseURL: record.apiURL, apiKey: VastClient.apiKey(environment: environment))
    }
}
