import FoundationEssentials
import SotaSupport
import SotaRunRecord
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
        let path = Paths.join(project.resolve(project.runsDirectory), RunLayout.manifest(ofRun: name))
        do {
            return (name, try RunManifest.read(path: path))
        } catch {
            throw Failure(description: "\(error)")
        }
    }

    /// The one folder of the runs folder whose name starts with `text` (a run, or a sweep with `sweeps: true`).
    package static func folder(_ text: String, sweeps: Bool = false, project: Project) throws(Failure) -> String {
        do {
            _ = try RunID(parsing: text)
        } catch {
            throw Failure(description: error.description)
        }
        let kind = sweeps ? "sweep" : "run"
        let runs = project.resolve(project.runsDirectory)
        let names = RunDirectoryScanner.folders(in: runs, startingWith: text, sweeps: sweeps)
        guard names.count == 1 else {
            throw Failure(description: names.isEmpty ? "no \(kind) `\(text)` in \(project.runsDirectory)/"
                                                     : "`\(text)` matches \(names.count) \(kind)s: \(names.prefix(5).joined(separator: ", "))")
        }
        return names[0]
    }
}
