import FoundationEssentials
import SotaSupport
import SotaRunRecord
import SotaConfig
import SotaLaunch
import SotaPlan

/// A run started by `sota launch`: its folder under the runs directory and its launch record, Vast or Slurm.
package struct LaunchedRun: Sendable {
    /// The record, by backend.
    package enum Record: Sendable {
        /// A rented Vast instance.
        case vast(LaunchRecord)
        /// A chain of Slurm jobs.
        case slurm(SlurmLaunchRecord)
    }

    /// Why no launched run was found.
    package enum LookupError: Error, Sendable, CustomStringConvertible {
        /// The text cannot be a run id.
        case notARunID(String, problem: String)
        /// No launched run starts with the text.
        case none(String, runsDirectory: String)
        /// Several launched runs start with the text.
        case ambiguous(String, matches: [String])
        /// The launch record could not be read.
        case unreadable(String)

        package var description: String {
            switch self {
            case .notARunID(let text, let problem): "`\(text)` is not a run id: \(problem)"
            case .none(let text, let runs): "no launched run `\(text)` in \(runs)/ (no \(LaunchRecord.fileName))"
            case .ambiguous(let text, let names): "`\(text)` matches \(names.count) launched runs: \(names.prefix(5).joined(separator: ", "))"
            case .unreadable(let reason): reason
            }
        }
    }

    /// The run id (or sweep id).
    package var id: String
    /// The run folder (absolute).
    package var directory: String
    /// The launch record.
    package var launch: Record

    /// The record's path.
    package var recordPath: String { Paths.join(directory, LaunchRecord.fileName) }

    /// Finds the launched run `text` names (a unique id prefix is enough).
    package static func find(_ text: String, project: Project) throws(LookupError) -> LaunchedRun {
        if let problem = RunID.problem(with: text) { throw .notARunID(text, problem: problem) }
        let runs = project.resolve(project.runsDirectory)
        let names = RunDirectoryScanner.folders(in: runs, startingWith: text)
            .filter { Paths.kind(of: Paths.join(runs, "\($0)/\(LaunchRecord.fileName)")) == .file }
        guard let name = names.first, names.count == 1 else {
            throw names.isEmpty ? .none(text, runsDirectory: project.runsDirectory) : .ambiguous(text, matches: names)
        }
        let directory = Paths.join(runs, name)
        let path = Paths.join(directory, LaunchRecord.fileName)
        do {
            let launch: Record = try backend(at: path) == "slurm" ? .slurm(SlurmLaunchRecord.read(path: path)) : .vast(LaunchRecord.read(path: path))
            return LaunchedRun(id: name, directory: directory, launch: launch)
        } catch {
            throw .unreadable("\(error)")
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
    package static func client(_ record: LaunchRecord, environment: [String: String]) -> VastClient {
        VastClient(baseURL: record.apiURL, apiKey: VastClient.apiKey(environment: environment))
    }
}
