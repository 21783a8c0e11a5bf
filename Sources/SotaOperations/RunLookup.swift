import Foundation
import SotaSupport
import SotaConfig
import SotaPlan

/// Finds a run or a sweep folder of the project by id or unique id prefix.
package enum RunLookup {
    /// Why no single folder was found, as one line for `error: …`.
    package struct Failure: Error, Sendable, CustomStringConvertible {
        /// The message.
        package var description: String
    }

    /// The run `text` names and its manifest.
    package static func find(_ text: String, project: Project) throws(Failure) -> (id: String, manifest: RunManifest) {
        let name = try folder(text, project: project)
        let path = Paths.join(project.resolve(project.runsDirectory), name + "/manifest.json")
        do {
            return (name, try RunManifest.read(path: path))
        } catch {
            throw Failure(description: "\(error)")
        }
    }

    /// The one folder of the runs folder whose name starts with `text` (a run, or a sweep with `sweeps: true`).
    package static func folder(_ text: String, sweeps: Bool = false, project: Project) throws(Failure) -> String {
        if let problem = RunID.problem(with: text) {
            throw Failure(description: "`\(text)` is not a run id: \(problem)")
        }
        let kind = sweeps ? "sweep" : "run"
        let runs = project.resolve(project.runsDirectory)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: runs)) ?? [])
            .filter { $0.hasPrefix(text) && (!sweeps || $0.hasPrefix("sweep-")) }.sorted()
        guard names.count == 1 else {
            throw Failure(description: names.isEmpty ? "no \(kind) `\(text)` in \(project.runsDirectory)/"
                                                     : "`\(text)` matches \(names.count) \(kind)s: \(names.prefix(5).joined(separator: ", "))")
        }
        return names[0]
    }
}
