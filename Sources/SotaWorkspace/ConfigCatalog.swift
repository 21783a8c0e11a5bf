import FoundationEssentials
import SotaSupport
import SotaConfig
import SotaGit
import SotaPlan
import SotaRunRecord

/// `sota catalog`: one row per run config across production (`configs/`), active and archived experiments.
package struct ConfigCatalog: Sendable {
    /// One config.
    package struct Row: Sendable, Equatable {
        /// The config's path, relative to the project root.
        package var path: String
        /// `production`, `active` or `archived`.
        package var location: String
        /// The experiment's name (production: the config's `experiment` key, else its file name).
        package var name: String
        /// The lifecycle state (`production` for production configs, `invalid` when unreadable).
        package var status: String
        /// ISO 8601 creation time, when known.
        package var created: String
        /// ISO 8601 time of the last activity, when known.
        package var lastActivity: String
        /// Runs made with it.
        package var runs: Int
        /// The metric that ranks its runs.
        package var bestMetric: String
        /// The best run's value of it.
        package var bestValue: Double?
        /// The best run.
        package var bestRun: String
        /// The `--set` overrides (and sweep assignments) the best run was made with, `;`-separated: empty when it ran
        /// the config as written, so the row's values are those behind its best metric.
        package var bestRunOverrides = ""
        /// Where its runs' configs were promoted, `;`-separated.
        package var promotedTo: String
        /// The values of the catalog's hyperparameter columns, as config values (nil when absent).
        package var parameters: [JSONValue?]
        /// Canonical config hash.
        package var configHash: String
        /// The commit it was created at (experiments) or last changed in (production).
        package var gitCommit: String

        /// Creates a row.
        package init(path: String, location: String, name: String, status: String, created: String, lastActivity: String, runs: Int,
                    bestMetric: String, bestValue: Double?, bestRun: String, promotedTo: String, parameters: [JSONValue?],
                    configHash: String, gitCommit: String) {
            self.path = path
            self.location = location
            self.name = name
            self.status = status
            self.created = created
            self.lastActivity = lastActivity
            self.runs = runs
            self.bestMetric = bestMetric
            self.bestValue = bestValue
            self.bestRun = bestRun
            self.promotedTo = promotedTo
            self.parameters = parameters
            self.configHash = configHash
            self.gitCommit = gitCommit
        }
    }

    /// The hyperparameter columns (config key paths).
    package var parameterColumns: [String]
    /// The rows, sorted by location (production, active, archived) then path.
    package var rows: [Row]
    /// Configs or experiments that could not be read fully, one message each.
    package var problems: [String]

    /// Creates a catalog directly (tests, renderers).
    package init(parameterColumns: [String], rows: [Row], problems: [String] = []) {
        self.parameterColumns = parameterColumns
        self.rows = rows
        self.problems = problems
    }

    /// Every column name, in output order.
    package var columns: [String] {
        ["path", "location", "name", "status", "created", "last_activity", "runs", "best_metric", "best_value", "best_run",
         "best_run_overrides", "promoted_to"]
            + parameterColumns + ["config_hash", "git_commit"]
    }

    /// Builds the catalog of `workspace` as of `now`: production configs, then every experiment.
    package static func build(_ workspace: Workspace, now: Date, git: Bool = true) throws(WorkspaceError) -> ConfigCatalog {
        try buildAndSurvey(workspace, now: now, git: git, runs: .folders).catalog
    }

    /// Builds the catalog with the runs read from `runs` (see ``WorkspaceSurvey/RunSource``); both give the same catalog.
    package static func build(_ workspace: Workspace, now: Date, git: Bool = true, runs source: WorkspaceSurvey.RunSource) throws(WorkspaceError) -> ConfigCatalog {
        try buildAndSurvey(workspace, now: now, git: git, runs: source).catalog
    }

    /// Builds the catalog and returns the survey it was built from (the weekly report uses both).
    package static func buildAndSurvey(_ workspace: Workspace, now: Date, git: Bool = true, runs source: WorkspaceSurvey.RunSource) throws(WorkspaceError)
        -> (catalog: ConfigCatalog, survey: WorkspaceSurvey) {
        let project = workspace.project
        let production = productionConfigs(project)
        let cache = ConfigFactsCache(project: project, now: now)
        let (survey, lookups) = try WorkspaceSurvey.take(workspace, now: now, git: git, extraGitPaths: production, runs: source, configs: true) { folder in
            let display = Paths.join(folder.display, "config.yaml")
            return (display, cache.facts(path: folder.configPath, display: display, project: project))
        }
        let configs = lookups.map(\.1.facts)
        let prices = project.resolve(project.pricesPath)

        let productionLookups = production.compactMap { display -> (String, ConfigFactsCache.Lookup)? in
            let path = project.resolve(display)
            return path == prices ? nil : (display, cache.facts(path: path, display: display, project: project))
        }
        cache.store(productionLookups + lookups)
        let productionRows = productionLookups.map { display, lookup -> Row? in
            let path = project.resolve(display)
            let config = lookup.facts
            guard config.kind != .evaluation else { return nil }
            let runs = survey.runsByConfig[display]
            let best = runs?.best
            let commit = survey.commits[display]
            let edited = EditTimes.newest(file: path, display: display, stamps: survey.indexStamps)
            let activity = [commit?.time, edited, runs?.newestUpdate].compactMap { $0 }.max()
            return Row(path: display, location: "production", name: config.experiment ?? Self.stem(display),
                       status: config.problem == nil ? "production" : "invalid", created: "",
                       lastActivity: activity.map(Timestamp.string) ?? "", runs: runs?.count ?? 0, bestMetric: best?.metric ?? "",
                       bestValue: best?.value, bestRun: best?.runID ?? "", promotedTo: "", parameters: config.parameters,
                       configHash: config.hash, gitCommit: commit?.id ?? "")
        }
        var problems = survey.strays
        let experimentRows = zip(survey.experiments, configs).map { summary, config -> (Row, [String]) in
            let display = Paths.join(summary.folder.display, "config.yaml")
            var notes = summary.problems.map(\.description)
            if summary.problems.isEmpty, let problem = config.problem { notes.append(problem) }
            let metadata = summary.metadata
            return (Row(path: display, location: summary.folder.location.rawValue, name: summary.name,
                        status: notes.isEmpty ? summary.decision.state.rawValue : "invalid", created: metadata?.created ?? "",
                        lastActivity: summary.lastActivity.map(Timestamp.string) ?? "", runs: summary.runCount,
                        bestMetric: summary.bestRun?.metric ?? "", bestValue: summary.bestRun?.value, bestRun: summary.bestRun?.run.id ?? "",
                        promotedTo: (metadata?.promotions ?? []).filter { $0.rolledBackAt == nil }.map(\.destination).joined(separator: ";"), parameters: config.parameters,
                        configHash: config.hash, gitCommit: metadata?.git.commit ?? ""), notes)
        }
        for (_, notes) in experimentRows { problems += notes }
        var rows = productionRows.compactMap { $0 } + experimentRows.map(\.0)
        // A best metric may come from a run with overrides (`--set`, a sweep): the row says which, so its values are
        // never read as the ones behind that metric.
        let runsFolder = project.resolve(project.runsDirectory)
        let overrides = ParallelMap.map(rows) { row in row.bestRun.isEmpty ? [] : Self.overrides(ofRun: row.bestRun, in: runsFolder) }
        for index in rows.indices { rows[index].bestRunOverrides = overrides[index].joined(separator: ";") }
        let order = ["production": 0, "active": 1, "archived": 2]
        let catalog = ConfigCatalog(
            parameterColumns: project.catalogColumns,
            rows: rows.sorted { (order[$0.location] ?? 3, $0.path) < (order[$1.location] ?? 3, $1.path) },
            problems: problems
        )
        return (catalog, survey)
    }

    /// `configs/*.yaml` relative to the project root, hidden files left out.
    static func productionConfigs(_ project: Project) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: project.resolve("configs"))) ?? []
        return names.filter { !$0.hasPrefix(".") && ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) }.sorted().map { "configs/\($0)" }
    }

    /// The overrides run `runID` recorded in its manifest; none when it cannot be read (the run's row says the rest).
    static func overrides(ofRun runID: String, in runsFolder: String) -> [String] {
        guard RunLayout.isPlainRelativeName(runID), !runID.contains("/") else { return [] }
        let path = Paths.join(runsFolder, RunLayout.manifest(ofRun: runID))
        guard let data = FileManager.default.contents(atPath: path), let manifest = try? RunManifest.decode(data, path: path) else { return [] }
        return manifest.config.overrides
    }

    private static func stem(_ path: String) -> String {
        let last = Paths.lastComponent(of: path)
        return last.split(separator: ".").first.map(String.init) ?? last
    }
}
