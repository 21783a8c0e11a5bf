import FoundationEssentials
import SotaConfig
import SotaGit
import SotaPlan
import SotaSupport

/// Hand-made experiment folders (`experiments/2026-11-23-wider/config.yaml` without `metadata.json`) given the
/// metadata sota would have written, so `experiment list`, `archive` and `catalog` treat them as experiments rather
/// than invalid folders. `sota init` runs it; nothing but the new `metadata.json` is written.
package enum ExperimentAdoption {
    /// What happened to one folder.
    package struct Outcome: Sendable {
        /// The folder as shown (`experiments/2026-11-23-wider`).
        package var folder: String
        /// Why it was left alone; nil when adopted.
        package var problem: String?
        /// The config's problems, when it does not load.
        package var diagnostics: [Diagnostic]
    }

    /// Adopts every folder of the active experiments folder that holds a `config.yaml`, no `metadata.json`, and a
    /// name sota gives experiments (`DAY-NAME`).
    package static func adopt(_ workspace: Workspace, now: Date = Date()) -> [Outcome] {
        let project = workspace.project
        let root = workspace.folder(.active)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root) else { return [] }
        let loader = ConfigLoader(project: project)
        var git: ExperimentMetadata.GitRecord?
        var outcomes: [Outcome] = []
        for name in names.sorted() where !name.hasPrefix(".") {
            let path = Paths.join(root, name)
            let display = Paths.join(Workspace.Location.active.folder, name)
            let config = Paths.join(path, "config.yaml")
            guard Paths.kind(of: path) == .directory, Paths.kind(of: config) == .file,
                  Paths.kind(of: Paths.join(path, ExperimentMetadata.fileName)) == .missing else { continue }
            guard let folderName = ExperimentFolderName(parsing: name) else {
                outcomes.append(Outcome(folder: display, problem: "its name is not DAY-NAME (such as 2026-11-23-wider-model)", diagnostics: []))
                continue
            }
            let loaded = loader.load(path: config, displayPath: Paths.join(display, "config.yaml"))
            guard let training = loaded.config, training.kind == .training else {
                outcomes.append(Outcome(folder: display, problem: "its config.yaml is not a valid training config", diagnostics: loaded.diagnostics))
                continue
            }
            if git == nil { git = .init(GitReader().provenance(at: project.root)) }
            let metadata = ExperimentMetadata(
                name: folderName.name.text, created: "\(folderName.day)T00:00:00.000Z",
                baseConfig: .init(path: Paths.join(display, "config.yaml"), hash: training.hash), configHash: training.hash,
                status: LifecycleState.active.rawValue, git: git ?? .init(GitReader().provenance(at: project.root))
            )
            do {
                try metadata.write(to: Paths.join(path, ExperimentMetadata.fileName))
                outcomes.append(Outcome(folder: display, problem: nil, diagnostics: []))
            } catch {
                outcomes.append(Outcome(folder: display, problem: "\(error)", diagnostics: []))
            }
        }
        return outcomes
    }
}
