import FoundationEssentials
import SotaSupport
import SotaConfig
import SotaGit
import SotaPlan
import SotaRunRecord

/// One experiment as the disk shows it now: folder, metadata, runs, activity and derived lifecycle state.
package struct ExperimentSummary: Sendable {
    /// The folder.
    package var folder: ExperimentFolder
    /// The metadata, when it could be read.
    package var metadata: ExperimentMetadata?
    /// What is wrong with the folder (missing or unreadable metadata, missing config, ...); empty when healthy.
    package var problems: [WorkspaceError]
    /// Its runs, oldest first: every one when ``hasAllRuns``, else only those its state and best run depend on.
    package var runs: [ExperimentRun]
    /// How many runs it has.
    package var runCount: Int
    /// True when ``runs`` and ``bestMetrics`` cover every run (a survey of the folders, or the experiments an index
    /// survey was asked to detail).
    package var hasAllRuns: Bool
    /// The derived state and why.
    package var decision: LifecycleDecision
    /// The newest activity seen.
    package var lastActivity: Date?
    /// The newest commit that changed the folder.
    package var lastCommit: LastCommit?
    /// Best value per metric over finished runs (complete when ``hasAllRuns``).
    package var bestMetrics: [String: ExperimentMetadata.BestMetric]
    /// The best finished run by the primary metric.
    package var bestRun: BestRun?

    /// The best run, its ranking metric and value.
    package struct BestRun: Sendable {
        /// The run.
        package var run: ExperimentRun
        /// The metric that ranked it.
        package var metric: String
        /// Its value.
        package var value: Double
    }

    /// The experiment's name.
    package var name: String { folder.name.name.text }
    /// True when nothing is wrong with the folder.
    package var isHealthy: Bool { problems.isEmpty }
    /// The run in progress, if any (every run in progress is among ``runs``).
    package var runInProgress: ExperimentRun? { runs.first { $0.outcome == .inProgress } }
}

/// The runs made with one config (any experiment's), reduced to what the catalog shows.
package struct ConfigRuns: Sendable {
    /// How many.
    package var count: Int
    /// The best finished run's id, its ranking metric and value.
    package var best: (runID: String, metric: String, value: Double)?
    /// The newest update of any of them.
    package var newestUpdate: Date?
}

/// Everything about a project's experiments, gathered in one pass: folders, metadata, runs, file times and one walk
/// over git history for all of them.
package struct WorkspaceSurvey: Sendable {
    /// Every experiment, active first, then archived, each sorted by folder name.
    package var experiments: [ExperimentSummary]
    /// Entries of the experiment folders that are not experiments.
    package var strays: [String]
    /// The runs of each config path their manifests record (filled for the catalog only).
    package var runsByConfig: [String: ConfigRuns]
    /// The newest commit that changed each experiment folder and each extra path, keyed by path from the root.
    package var commits: [String: LastCommit]
    /// Git's index stamps of tracked files in the experiment folders and around the extra paths.
    package var indexStamps: [String: IndexedFileStamp]
    /// Why the run index could not be used, when a survey asked for it and read the run folders instead.
    package var indexProblem: String?

    /// Where a survey reads the runs from.
    package enum RunSource: Sendable {
        /// Every `runs/*/manifest.json`, read now.
        case folders
        /// The index's mirror of the runs folder (refreshed first); the named experiments get every run.
        case index(RunFolderIndex, detailing: Set<String>)
    }

    /// Surveys `workspace` as of `now`.
    ///
    /// - Parameters:
    ///   - git: false skips git history (activity then comes from runs and file times alone).
    ///   - extraGitPaths: more paths (relative to the root) whose last commits the same history walk finds.
    package static func take(_ workspace: Workspace, now: Date, git: Bool = true, extraGitPaths: [String] = []) throws(WorkspaceError) -> WorkspaceSurvey {
        try take(workspace, now: now, git: git, extraGitPaths: extraGitPaths, runs: .folders)
    }

    /// Surveys `workspace` as of `now`, reading the runs from `runs`; both sources give the same survey.
    package static func take(_ workspace: Workspace, now: Date, git: Bool = true, extraGitPaths: [String] = [],
                             runs: RunSource) throws(WorkspaceError) -> WorkspaceSurvey {
        try take(workspace, now: now, git: git, extraGitPaths: extraGitPaths, runs: runs, configs: false) { _ in () }.survey
    }

    /// Surveys `workspace`, computing `alongside` for each experiment folder in the same parallel pass (the
    /// catalog reads each config there, so ten thousand folders are visited once, not twice); `configs` fills
    /// ``runsByConfig``.
    static func take<Extra: Sendable>(
        _ workspace: Workspace, now: Date, git: Bool, extraGitPaths: [String], runs source: RunSource, configs: Bool,
        alongside: @escaping @Sendable (ExperimentFolder) -> Extra
    ) throws(WorkspaceError) -> (survey: WorkspaceSurvey, extras: [Extra]) {
        let (folders, strays) = try workspace.folders()
        let project = workspace.project
        let gitPaths = folders.map(\.display) + extraGitPaths
        // The runs (the index, or every manifest) and git (history and its index file) share nothing: read side by side.
        let ((commits, stamps), runs) = Concurrently.both({ () -> ([String: LastCommit], [String: IndexedFileStamp]) in
            guard git else { return ([:], [:]) }
            let reader = GitReader()
            let commits = GitActivityCache(project: project).lastCommits(under: gitPaths, reader: reader)
            let stampFolders = Set([Workspace.Location.active.folder, Workspace.Location.archived.folder] + extraGitPaths.map { Paths.parent(of: $0) })
            return (commits, reader.indexedFileStamps(under: stampFolders.sorted(), in: project.root))
        }) {
            ExperimentRuns.gather(source, project: project, configs: configs)
        }
        let root = project.root, thresholds = project.lifecycle, preference = RankingPreference(project: project)
        let results = ParallelMap.map(folders) { folder in
            (summarize(folder, root: root, runs: runs.of(folder.name.name.text), lastCommit: commits[folder.display],
                       stamps: stamps, thresholds: thresholds, now: now, preference: preference), alongside(folder))
        }
        let survey = WorkspaceSurvey(experiments: results.map(\.0), strays: strays, runsByConfig: runs.byConfig, commits: commits, indexStamps: stamps,
                                     indexProblem: runs.indexProblem)
        return (survey, results.map(\.1))
    }

    /// The summary of one folder.
    static func summarize(_ folder: ExperimentFolder, root: String, runs: ExperimentRuns.Group, lastCommit: LastCommit?,
                          stamps: [String: IndexedFileStamp], thresholds: LifecycleThresholds, now: Date,
                          preference: RankingPreference = .none) -> ExperimentSummary {
        var problems: [WorkspaceError] = []
        var metadata: ExperimentMetadata?
        do {
            metadata = try ExperimentMetadata.read(path: folder.metadataPath, display: Paths.join(folder.display, ExperimentMetadata.fileName))
        } catch {
            problems.append(error)
        }
        if let problem = ConfigLink.problem(folder: folder, root: root) { problems.append(problem) }
        let edited = EditTimes.newest(in: folder.path, display: folder.display, stamps: stamps)
        let created = metadata.flatMap { Timestamp.date($0.created) }
        let restored = metadata?.restoredAt.flatMap(Timestamp.date)
        let activity = ([edited, lastCommit?.time, created, restored, runs.newestUpdate]).compactMap { $0 }.max()
        let facts = ExperimentFacts(
            isArchived: folder.location == .archived,
            archivedAt: metadata?.archivedAt.flatMap(Timestamp.date),
            runs: runs.runs.map(\.fact),
            promotions: (metadata?.promotions ?? []).filter { $0.rolledBackAt == nil }.map { .init(runID: $0.runID, destination: $0.destination, forced: $0.forced) },
            startedOrRestored: restored.map { ("restored", $0) } ?? created.map { ("created", $0) },
            lastActivity: activity,
            decisiveRun: runs.best?.run.id
        )
        return ExperimentSummary(
            folder: folder, metadata: metadata, problems: problems, runs: runs.runs, runCount: runs.count, hasAllRuns: runs.isComplete,
            decision: LifecycleState.derive(facts, thresholds: thresholds, now: now),
            lastActivity: activity, lastCommit: lastCommit, bestMetrics: runs.isComplete ? RunRanking.bestMetrics(runs.runs, preference: preference) : [:],
            bestRun: runs.best
        )
    }
}
