import FoundationEssentials
import SotaSupport
import SotaConfig
import SotaWorkspace
import SotaIndex

/// What `experiment list`, `experiment show`, `experiment restore` and `catalog` start from: the workspace with any
/// interrupted archive or restore finished, and its survey (or catalog) read through the index.
package struct WorkspaceInspection: Sendable {
    /// What to inspect.
    package struct Request: Sendable {
        /// The project.
        package var project: Project
        /// The environment (the archive journal's crash-test hook).
        package var environment: [String: String]
        /// The index, nil to read the run folders.
        package var index: WorkspaceIndexAccess.Location?
        /// The time the command started.
        package var now: Date
        /// False skips git history.
        package var git = true
        /// Experiments whose every run is listed.
        package var detailing: Set<String> = []
        /// True to build the catalog (which surveys too).
        package var catalog = false

        /// Creates a request.
        package init(project: Project, environment: [String: String], index: WorkspaceIndexAccess.Location?, now: Date,
                     git: Bool = true, detailing: Set<String> = [], catalog: Bool = false) {
            self.project = project
            self.environment = environment
            self.index = index
            self.now = now
            self.git = git
            self.detailing = detailing
            self.catalog = catalog
        }
    }

    /// What was found.
    package struct Result: Sendable {
        /// The workspace.
        package var workspace: Workspace
        /// The survey.
        package var survey: WorkspaceSurvey
        /// The catalog, when asked for.
        package var catalog: ConfigCatalog?
        /// Moves finished from an interrupted journal, one line each (printed as notes).
        package var recovered: [String]
        /// Warnings: the index was rebuilt or could not be used, stray folders.
        package var warnings: [String]
        /// The index the survey read, nil when it read the run folders.
        package var board: Leaderboard?

        /// The trails (tracker page, step history) of `runs`, from the index the survey read or from their folders.
        package func trails(of runs: [ExperimentRun]) -> [String: RunTrail] {
            RunTrails.load(runs.map { ($0.id, $0.directory) }, board: board)
        }

        /// True when some experiment could not be read.
        package var broken: Bool { survey.experiments.contains { !$0.isHealthy } }
    }

    /// Creates the use case.
    package init() {}

    /// Recovers, opens the index and surveys.
    ///
    /// - Throws: ``WorkspaceError`` when recovery fails or an experiments folder cannot be listed.
    package func callAsFunction(_ request: Request) throws(WorkspaceError) -> Result {
        let workspace = Workspace(project: request.project)
        let recovered = try ExperimentMover(workspace: workspace, environment: request.environment).recover()
        let access = WorkspaceIndexAccess.open(request.index, workspace: workspace, now: request.now, detailing: request.detailing)
        let survey: WorkspaceSurvey, catalog: ConfigCatalog?
        if request.catalog {
            (catalog, survey) = try ConfigCatalog.buildAndSurvey(workspace, now: request.now, git: request.git, runs: access.source)
        } else {
            survey = try WorkspaceSurvey.take(workspace, now: request.now, git: request.git, runs: access.source)
            catalog = nil
        }
        let warnings = access.warnings + (survey.indexProblem.map { [$0] } ?? [])
        var board: Leaderboard?
        if case .index(let index, _) = access.source { board = index.board }
        return Result(workspace: workspace, survey: survey, catalog: catalog, recovered: recovered, warnings: warnings, board: board)
    }

    /// The experiment called `name` in a survey (the active one when both locations hold it), or an error with a suggestion.
    package static func find(_ name: ExperimentName, in survey: WorkspaceSurvey) -> Swift.Result<ExperimentSummary, WorkspaceError> {
        let matches = survey.experiments.filter { $0.name == name.text }
        if let active = matches.first(where: { $0.folder.location == .active }) ?? matches.first { return .success(active) }
        let suggestion = Suggestions.closest(to: name.text, in: survey.experiments.map(\.name))
        return .failure(.experimentNotFound(name: name.text, suggestion: suggestion))
    }
}
