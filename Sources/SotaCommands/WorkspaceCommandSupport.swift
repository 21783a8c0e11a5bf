import ArgumentParser
import FoundationEssentials
import SotaSupport
import SotaConfig
import SotaPlan
import SotaWorkspace
import SotaRunRecord
import SotaOperations

/// What the experiment, archive and catalog commands share: the inspection request, its output, and error output.
enum WorkspaceCommandSupport {
    /// The inspection of the project `global` names, read through its index; nil after printing the problem when the
    /// project file is invalid.
    static func request(_ global: GlobalOptions, _ context: CommandContext, now: Date, git: Bool = true,
                        detailing: Set<String> = [], catalog: Bool = false) -> WorkspaceInspection.Request? {
        let (project, problems) = context.project(explicit: global.project)
        if problems.hasErrors {
            _ = Standalone.report(problems, context)
            return nil
        }
        return WorkspaceInspection.Request(project: project, environment: context.environment, index: index(project, context), now: now,
                                           git: git, detailing: detailing, catalog: catalog)
    }

    /// The workspace of the project, with any interrupted archive or restore finished first (`experiment new`).
    ///
    /// - Returns: nil after printing the problem when the project file is invalid or recovery fails.
    static func workspace(_ global: GlobalOptions, _ context: CommandContext) -> Workspace? {
        let (project, problems) = context.project(explicit: global.project)
        if problems.hasErrors {
            _ = Standalone.report(problems, context)
            return nil
        }
        let workspace = Workspace(project: project)
        do {
            let recovered = try ExperimentMover(workspace: workspace, environment: context.environment).recover()
            printNotes(recovered: recovered, warnings: [], context)
        } catch {
            report(error, context)
            return nil
        }
        return workspace
    }

    /// Where the project's index lives (`SOTA_LEADERBOARD` or `.sota/leaderboard.sqlite`).
    static func index(_ project: Project, _ context: CommandContext) -> WorkspaceIndexAccess.Location {
        let path = LeaderboardIndex.path(project: project, environment: context.environment)
        let named = context.environment["SOTA_LEADERBOARD"].map { !$0.isEmpty } ?? false
        return WorkspaceIndexAccess.Location(path: path, display: context.display(path), createsFolder: !named)
    }

    /// Inspects the workspace, printing recovery notes and index warnings; nil after printing the error.
    static func inspect(_ request: WorkspaceInspection.Request, _ context: CommandContext) -> WorkspaceInspection.Result? {
        do {
            let result = try WorkspaceInspection()(request)
            printNotes(recovered: result.recovered, warnings: result.warnings, context)
            return result
        } catch {
            report(error, context)
            return nil
        }
    }

    /// Prints finished journal moves as notes and index warnings.
    static func printNotes(recovered: [String], warnings: [String], _ context: CommandContext) {
        context.console.report(recovered.map { Diagnostic(.note, at: nil, $0) })
        for warning in warnings { context.console.warning(warning) }
    }

    /// Prints a workspace error compiler-style and returns exit status 1.
    @discardableResult
    static func report(_ error: WorkspaceError, _ context: CommandContext) -> Int32 {
        context.console.report(error.diagnostics)
        return ExitStatus.checkFailed
    }

    /// Checks a name typed on the command line, as a usage error.
    static func name(_ text: String) throws -> ExperimentName {
        do {
            return try ExperimentName(validating: text)
        } catch {
            throw ValidationError(error.description + (error.hint.map { " (\($0))" } ?? ""))
        }
    }

    /// `3 days ago`, `today`, or `—`.
    static func age(_ date: Date?, now: Date) -> String {
        guard let date else { return "—" }
        let days = Int(now.timeIntervalSince(date) / 86_400)
        return days <= 0 ? "today" : days == 1 ? "1 day ago" : "\(days) days ago"
    }

    /// The state column: the derived state, or `invalid` when the folder cannot be read.
    static func state(_ summary: ExperimentSummary) -> String {
        summary.isHealthy ? summary.decision.state.rawValue : "invalid"
    }

    /// The why column: the reason for the state, or the first problem with the folder.
    static func why(_ summary: ExperimentSummary) -> String {
        summary.problems.first?.description ?? summary.decision.reason
    }

    /// `loss 0.0712` for a summary's best run, or `—`.
    static func best(_ summary: ExperimentSummary) -> String {
        summary.bestRun.map { "\($0.metric) \(NumberFormat.general($0.value, significant: 4))" } ?? "—"
    }

    /// The JSON of one experiment, shared by `experiment list --json`, `experiment show --json` and `archive --json`.
    static func json(_ summary: ExperimentSummary, details: Bool = false, trails: [String: RunTrail] = [:]) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("name", .string(summary.name)),
            ("folder", .string(summary.folder.display)),
            ("location", .string(summary.folder.location.rawValue)),
            ("status", .string(summary.decision.state.rawValue)),
            ("reason", .string(summary.decision.reason)),
            ("runs", .int(summary.runCount)),
            ("last_activity", summary.lastActivity.map { .string(Timestamp.string($0)) } ?? .null),
            ("best", summary.bestRun.map { best in
                .object([("metric", .string(best.metric)), ("value", .double(best.value)), ("run_id", .string(best.run.id)),
                         ("gates", .string(RunRanking.gateOutcome(best.run)))])
            } ?? .null),
        ]
        if !summary.problems.isEmpty { fields.append(("problems", .array(summary.problems.map { .string($0.description) }))) }
        guard details else { return .object(fields) }
        let metadata = summary.metadata
        fields += [
            ("created", metadata.map { .string($0.created) } ?? .null),
            ("base_config", metadata.map { .object([("path", .string($0.baseConfig.path)), ("hash", .string($0.baseConfig.hash))]) } ?? .null),
            ("run_list", .array(summary.runs.map { run in
                .object([("run_id", .string(run.id)), ("status", .string(run.status)), ("updated", .string(Timestamp.string(run.updated))),
                         ("metrics", .object(run.metrics.sorted { $0.key < $1.key }.map { ($0.key, .double($0.value)) })),
                         ("gates", .string(RunRanking.gateOutcome(run))),
                         ("tracker_url", trails[run.id]?.trackerURL.map(JSONValue.string) ?? .null),
                         ("history", trails[run.id]?.historyJSON ?? .object([]))])
            })),
            ("best_metrics", .object(summary.bestMetrics.sorted { $0.key < $1.key }.map {
                ($0.key, .object([("value", .double($0.value.value)), ("run_id", .string($0.value.runID))]))
            })),
            ("promotions", .array((metadata?.promotions ?? []).map {
                .object([("run_id", .string($0.runID)), ("destination", .string($0.destination)), ("at", .string($0.at)), ("forced", .bool($0.forced))])
            })),
            ("restored_from", metadata?.restoredFrom.map(JSONValue.string) ?? .null),
            ("hypothesis", hypothesis(summary).map(JSONValue.string) ?? .null),
        ]
        return .object(fields)
    }

    /// The Hypothesis paragraph of the experiment's notes, if written.
    static func hypothesis(_ summary: ExperimentSummary) -> String? {
        guard let data = FileManager.default.contents(atPath: summary.folder.notesPath) else { return nil }
        return NotesTemplate.hypothesis(in: String(decoding: data, as: UTF8.self))
    }

    /// Prints the survey's stray folders and unreadable experiments as warnings; true when there were any.
    static func warnAboutProblems(_ survey: WorkspaceSurvey, _ context: CommandContext) -> Bool {
        for stray in survey.strays { context.console.warning(stray) }
        var any = false
        for summary in survey.experiments {
            for problem in summary.problems {
                any = true
                context.console.report([problem.diagnostic])
            }
        }
        return any
    }
}
