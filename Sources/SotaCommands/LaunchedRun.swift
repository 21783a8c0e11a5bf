import Foundation
import SotaBasics
import SotaConfig
import SotaLaunch

/// A run started by `sota launch`: its folder under the runs directory and its launch record.
struct LaunchedRun {
    /// The run id.
    var id: String
    /// The run folder (absolute).
    var directory: String
    /// The launch record.
    var record: LaunchRecord

    /// Finds the launched run `text` (a unique id prefix is enough); prints why not and returns nil otherwise.
    static func find(_ text: String, project: Project, console: Console) -> LaunchedRun? {
        guard !text.isEmpty, text.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            console.err("error: `\(text)` is not a run id (letters, digits and dashes)")
            return nil
        }
        let runs = project.resolve(project.runsDirectory)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: runs)) ?? [])
            .filter { $0.hasPrefix(text) && Paths.kind(of: Paths.join(runs, "\($0)/\(LaunchRecord.fileName)")) == .file }.sorted()
        guard names.count == 1 else {
            console.err(names.isEmpty ? "error: no launched run `\(text)` in \(project.runsDirectory)/ (no \(LaunchRecord.fileName))"
                                      : "error: `\(text)` matches \(names.count) launched runs: \(names.prefix(5).joined(separator: ", "))")
            return nil
        }
        let directory = Paths.join(runs, names[0])
        do {
            return LaunchedRun(id: names[0], directory: directory, record: try LaunchRecord.read(path: Paths.join(directory, LaunchRecord.fileName)))
        } catch {
            console.err("error: \(error)")
            return nil
        }
    }

    /// A client for the record's API server with this environment's key.
    func client(environment: [String: String]) -> VastClient {
        VastClient(baseURL: record.apiURL, apiKey: VastClient.apiKey(environment: environment))
    }
}
