import FoundationEssentials
import Glibc
import SotaSupport
import SotaConfig
import SotaGit
import SotaPlan
import SotaRunRecord

/// `sota experiment new`: a folder `experiments/YYYY-MM-DD-name/` with the config, notes and metadata, built
/// in a hidden folder beside it and renamed into place, so a failure leaves nothing behind.
package struct ExperimentCreation: Sendable {
    /// What to create.
    package struct Request: Sendable {
        /// The experiment's name.
        package var name: ExperimentName
        /// The config to start from (absolute); nil picks the project's only training config in `configs/`.
        package var baseConfig: String?
        /// `--set` overrides applied on top of the base config.
        package var overrides: [ConfigOverride]
        /// The creation time (the folder's day is its local date).
        package var now: Date
        /// `PATH`, for checking the config's programs.
        package var searchPath: String?

        /// Creates a request.
        package init(name: ExperimentName, baseConfig: String?, overrides: [ConfigOverride], now: Date, searchPath: String?) {
            self.name = name
            self.baseConfig = baseConfig
            self.overrides = overrides
            self.now = now
            self.searchPath = searchPath
        }
    }

    /// What was created.
    package struct Outcome: Sendable {
        /// The new folder.
        package var folder: ExperimentFolder
        /// Its metadata.
        package var metadata: ExperimentMetadata
        /// How its config differs from the base config.
        package var changes: [ConfigChange]
        /// Warnings from validating the config.
        package var warnings: [Diagnostic]
    }

    /// The workspace to create in.
    package var workspace: Workspace

    /// Creates a creator for `workspace`.
    package init(workspace: Workspace) {
        self.workspace = workspace
    }

    /// Creates the experiment.
    ///
    /// - Throws: ``WorkspaceError`` when the name is taken, no base config can be chosen, the config with the
    ///   overrides is invalid (with every diagnostic) or a file cannot be written; nothing is left behind.
    package func create(_ request: Request) throws(WorkspaceError) -> Outcome {
        let name = request.name.text
        if let existing = try workspace.folders(named: request.name).first {
            throw .experimentExists(name: name, folder: existing.display)
        }
        let project = workspace.project
        let loader = ConfigLoader(project: project, searchPath: request.searchPath)
        let basePath: String
        if let given = request.baseConfig { basePath = given } else { basePath = try Self.defaultBaseConfig(project: project, loader: loader) }
        let baseDisplay = workspace.display(basePath)
        guard Paths.kind(of: basePath) == .file else {
            throw .invalidConfig([.error(at: SourceLocation(file: "--from \(baseDisplay)"), "no config file at \(baseDisplay)")])
        }
        let base = loader.load(path: basePath, displayPath: baseDisplay)
        guard let baseConfig = base.config else { throw .invalidConfig(base.diagnostics) }
        guard baseConfig.kind == .training else {
            throw .invalidConfig([.error(at: SourceLocation(file: baseDisplay), "\(baseDisplay) is an evaluation config; an experiment starts from a training config")])
        }
        // The name is checked to be plain letters, digits and `-_.`, so quoting it keeps it a string (`1e5` too).
        guard case .success(let naming) = ConfigOverride.parse("experiment=\"\(name)\"") else { throw .invalidName(name, reason: "not a config value") }
        let loaded = loader.load(path: basePath, displayPath: baseDisplay, overrides: request.overrides + [naming])
        guard let config = loaded.config else { throw .invalidConfig(loaded.diagnostics) }

        let day = Self.day(request.now)
        let folderName = ExperimentFolderName(day: day, name: request.name)
        let experiments = workspace.folder(.active)
        let target = Paths.join(experiments, folderName.description)
        let folder = ExperimentFolder(name: folderName, location: .active, path: target, display: "experiments/\(folderName)")
        guard Paths.kind(of: target) == .missing else { throw .targetExists(path: folder.display) }
        let changes = ConfigChange.diff(from: baseConfig.tree, to: config.tree, ignoring: ["experiment"])
        let provenance = GitReader().provenance(at: project.root)
        let metadata = ExperimentMetadata(
            name: name, created: Timestamp.string(request.now),
            baseConfig: .init(path: baseDisplay, hash: baseConfig.hash), configHash: config.hash,
            status: LifecycleState.active.rawValue, git: .init(provenance)
        )
        let configText = """
            # Experiment \(name), created \(day) from \(baseDisplay) (sha256 \(baseConfig.hash.prefix(12))).
            # Paths are relative to the project root. Run it with:
            #   sota run --train-config \(folder.display)/config.yaml

            """ + YAMLEmitter.emit(config.tree)
        let notes = NotesTemplate.render(name: name, day: day, baseConfig: baseDisplay, baseHash: baseConfig.hash, changes: changes)

        try FolderBuild.make(experiments)
        let staging = Paths.join(experiments, ".new-\(name)-\(getpid())")
        try FolderBuild.make(staging)
        do throws(WorkspaceError) {
            try FolderBuild.write(configText, to: Paths.join(staging, "config.yaml"))
            try FolderBuild.write(notes, to: Paths.join(staging, "notes.md"))
            try metadata.write(to: Paths.join(staging, ExperimentMetadata.fileName))
            // Read the written file back: what the experiment's runs will load must be the config just validated.
            let check = loader.load(path: Paths.join(staging, "config.yaml"), displayPath: Paths.join(folder.display, "config.yaml"))
            guard check.config?.hash == config.hash else {
                let problem = Diagnostic.error(at: nil, "the written config does not read back as the validated one (internal error)")
                throw WorkspaceError.invalidConfig(check.diagnostics + [problem])
            }
            try FolderBuild.moveNoReplace(staging, to: target, display: folder.display)
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw error
        }
        return Outcome(folder: folder, metadata: metadata, changes: changes, warnings: loaded.diagnostics.filter { $0.severity != .error })
    }

    /// The project's only training config in `configs/`.
    static func defaultBaseConfig(project: Project, loader: ConfigLoader) throws(WorkspaceError) -> String {
        let folder = project.resolve("configs")
        let prices = project.resolve(project.pricesPath)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
        let training = names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.map { Paths.join(folder, $0) }.filter { path in
            path != prices && loader.load(path: path, displayPath: path).config?.kind == .training
        }
        guard training.count == 1 else { throw .noBaseConfig(candidates: training.map { Paths.relative($0, to: project.root) }) }
        return training[0]
    }

    /// `YYYY-MM-DD` of `date` in the local time zone.
    package static func day(_ date: Date) -> String {
        // localtime_r reads TZ and the system's zone files; FoundationEssentials' calendars know only UTC offsets.
        var whole = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        guard localtime_r(&whole, &parts) != nil else { return "1970-01-01" }
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))"
    }
}
