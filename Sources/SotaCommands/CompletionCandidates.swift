import ArgumentParser
import SotaSupport
import SotaConfig
import SotaRunRecord
import SotaWorkspace

/// What the shell completions offer where a command takes a run id, an experiment name or a config file.
///
/// The shell calls sota back (`sota ---completion …`) on every Tab, so the candidates come from listing folders
/// only: no manifest is read and no database opened, and anything that goes wrong (no project, an unreadable
/// folder) offers nothing rather than printing an error into the user's command line. Run ids start with their
/// start time, so sorting their names backwards lists the newest first.
enum CompletionCandidates {
    /// A training or evaluation config: YAML files (and folders to descend into).
    static let config = CompletionKind.file(extensions: ["yaml", "yml"])

    /// A run id (`compare`, `run --resume`): run folders only, never a sweep's own folder.
    static let runs = CompletionKind.custom { words, _, prefix in runIDs(words: words, prefix: prefix, sweeps: false) }

    /// A run or sweep id (`status`, `cancel`, `resume`), which follow launches of either kind.
    static let runsAndSweeps = CompletionKind.custom { words, _, prefix in runIDs(words: words, prefix: prefix, sweeps: true) }

    /// An experiment name, active or archived (`experiment show`, `leaderboard --experiment`).
    static let experiments = CompletionKind.custom { words, _, prefix in experimentNames(words: words, prefix: prefix, location: nil) }

    /// An archived experiment's name (`experiment restore`).
    static let archivedExperiments = CompletionKind.custom { words, _, prefix in
        experimentNames(words: words, prefix: prefix, location: .archived)
    }

    /// A metric the project declares (`metrics:` in `sota.yaml`), the primary one first (`--metric`).
    static let metrics = CompletionKind.custom { words, _, prefix in
        let project = project(words: words)
        let names = project.metrics.map(\.name).filter { $0.hasPrefix(prefix) }
        return names.filter { $0 == project.primaryMetricName } + names.filter { $0 != project.primaryMetricName }
    }

    /// The folder names in the project's runs folder that are run ids starting with `prefix`, newest first; with
    /// `sweeps: false` a sweep's own folder (`sweep-<id>`, which holds no run) is left out.
    static func runIDs(words: [String], prefix: String, sweeps: Bool) -> [String] {
        let project = project(words: words)
        let names = RunDirectoryScanner.folders(in: project.resolve(project.runsDirectory), startingWith: prefix)
        return names.filter { RunID.isValid($0) && (sweeps || !RunLayout.isSweepFolderName($0)) }.reversed()
    }

    /// The names of the project's experiments starting with `prefix` (in `location`, or in either), each once,
    /// the most recently created (or restored) first.
    static func experimentNames(words: [String], prefix: String, location: Workspace.Location?) -> [String] {
        guard let folders = try? Workspace(project: project(words: words)).folders().experiments else { return [] }
        let newestFirst = folders.filter { (location == nil || $0.location == location) && $0.name.name.text.hasPrefix(prefix) }
            .sorted { $0.name.day > $1.name.day }
        var seen: Set<String> = [], names: [String] = []
        for folder in newestFirst where seen.insert(folder.name.name.text).inserted { names.append(folder.name.name.text) }
        return names
    }

    /// The project the command line names with `--project DIR`, else the one above the current folder; its file's
    /// problems are ignored here (the command itself reports them), which leaves the default folders.
    static func project(words: [String]) -> Project {
        let current = Paths.currentDirectory
        var explicit: String?
        for (index, word) in words.enumerated() {
            if word == "--project", index + 1 < words.count {
                explicit = words[index + 1]
            } else if word.hasPrefix("--project=") {
                explicit = String(word.dropFirst("--project=".count))
            }
        }
        // The shell hands the words over verbatim; a quoted or escaped folder is not worth unquoting here.
        if let explicit, !explicit.isEmpty, !explicit.contains(where: { "\"'\\$~".contains($0) }) {
            return Project.load(root: Paths.absolute(explicit, relativeTo: current)).0
        }
        return Project.load(root: Project.locateRoot(from: current) ?? current).0
    }
}
