import FoundationEssentials
import Glibc
import SotaSupport
import SotaConfig

/// A project's experiment folders: `experiments/` (active) and `experiments-archive/` (archived).
package struct Workspace: Sendable {
    /// Where an experiment folder lives.
    package enum Location: String, Sendable, Codable, Comparable {
        case active, archived

        /// The folder name under the project root.
        package var folder: String { self == .active ? "experiments" : "experiments-archive" }

        package static func < (lhs: Location, rhs: Location) -> Bool { lhs == .active && rhs == .archived }
    }

    /// The project.
    package var project: Project

    /// Creates the workspace of `project`.
    package init(project: Project) {
        self.project = project
    }

    /// The absolute path of a location's folder.
    package func folder(_ location: Location) -> String { project.resolve(location.folder) }

    /// `path` relative to the project root, as messages and metadata show it.
    package func display(_ path: String) -> String { Paths.relative(path, to: project.root) }

    /// The experiment folders in both locations, sorted by location then folder name.
    ///
    /// - Returns: the experiments and problems with stray entries (folders not named `YYYY-MM-DD-name`).
    /// - Throws: ``WorkspaceError/notAFolder(path:)`` when `experiments` or `experiments-archive` is a file.
    package func folders() throws(WorkspaceError) -> (experiments: [ExperimentFolder], strays: [String]) {
        var experiments: [ExperimentFolder] = [], strays: [String] = []
        for location in [Location.active, .archived] {
            let root = folder(location)
            switch Paths.kind(of: root) {
            case .missing: continue
            case .directory: break
            default: throw .notAFolder(path: location.folder)
            }
            guard let entries = DirectoryListing.entries(of: root) else {
                throw .file(FileError(path: location.folder, operation: "list", errno: errno))
            }
            for (name, isDirectory) in entries where !name.hasPrefix(".") && isDirectory {
                let path = Paths.join(root, name)
                guard let parsed = ExperimentFolderName(parsing: name) else {
                    strays.append("\(location.folder)/\(name) is not an experiment folder (expected YYYY-MM-DD-name); skipped")
                    continue
                }
                experiments.append(ExperimentFolder(name: parsed, location: location, path: path,
                                                    display: "\(location.folder)/\(name)"))
            }
        }
        return (experiments, strays)
    }

    /// The folders of the experiment called `name`, in either location.
    package func folders(named name: ExperimentName) throws(WorkspaceError) -> [ExperimentFolder] {
        try folders().experiments.filter { $0.name.name == name }
    }
}

/// One experiment folder: its name, where it lives and its paths.
package struct ExperimentFolder: Sendable, Equatable {
    /// Day and name, from the folder's name.
    package var name: ExperimentFolderName
    /// Active or archived.
    package var location: Workspace.Location
    /// The absolute path.
    package var path: String
    /// The path relative to the project root (`experiments/2026-01-22-wide`).
    package var display: String

    /// Creates a folder record.
    package init(name: ExperimentFolderName, location: Workspace.Location, path: String, display: String) {
        self.name = name
        self.location = location
        self.path = path
        self.display = display
    }

    /// The experiment's config.
    package var configPath: String { Paths.join(path, "config.yaml") }
    /// The experiment's metadata.
    package var metadataPath: String { Paths.join(path, ExperimentMetadata.fileName) }
    /// The experiment's notes.
    package var notesPath: String { Paths.join(path, "notes.md") }
}
