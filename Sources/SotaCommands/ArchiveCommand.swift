import ArgumentParser
import FoundationEssentials
import SotaSupport
import SotaWorkspace
import SotaOperations

/// `sota archive`: moves finished and stale experiments to experiments-archive/.
struct ArchiveCommand: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Move finished and stale experiments to experiments-archive/.",
        discussion: """
        --status all (the default) archives every concluded or abandoned experiment: success, failed, promoted and stale. Running and active experiments are never moved. Each move is one rename of the folder after its metadata.json records the archive; a journal (experiments-archive/.archive-journal.json) written first lets the next sota command finish a move interrupted by a crash. Nothing moves when any check fails (a target exists, a run is in progress, a folder is not writable or an experiment cannot be read).

        Examples:
          sota archive --list-only
          sota archive --dry-run
          sota archive --status stale
          sota archive --json

        Exit status: 0 success, 1 refused (nothing moved), 64 usage error.
        """
    )

    /// Which experiments to archive.
    enum Selection: String, ExpressibleByArgument, CaseIterable {
        case all, success, failed, stale, promoted

        var states: Set<LifecycleState> {
            switch self {
            case .all: Set(LifecycleState.finished)
            case .success: [.success]
            case .failed: [.failed]
            case .stale: [.stale]
            case .promoted: [.promoted]
            }
        }
    }

    @Flag(help: "List every active experiment with its state and whether it would be archived; move nothing.")
    var listOnly = false

    @Option(help: ArgumentHelp("Which experiments: all (success, failed, promoted, stale), success, failed, stale or promoted.", valueName: "status"))
    var status: Selection = .all

    @Flag(help: "Print the moves without making them.")
    var dryRun = false

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func run(in context: CommandContext) throws -> Int32 {
        let now = Date()
        guard let inspection = WorkspaceCommandSupport.request(global, context, now: now) else { return ExitStatus.checkFailed }
        let result: ArchiveOperation.Result
        do {
            result = try ArchiveOperation()(.init(inspection: inspection, states: status.states, mode: listOnly ? .listOnly : dryRun ? .dryRun : .apply))
        } catch {
            return WorkspaceCommandSupport.report(error, context)
        }
        WorkspaceCommandSupport.printNotes(recovered: result.inspection.recovered, warnings: result.inspection.warnings, context)
        let broken = WorkspaceCommandSupport.warnAboutProblems(result.inspection.survey, context)
        if listOnly {
            list(result, now: now, context)
            return broken ? ExitStatus.checkFailed : ExitStatus.success
        }
        if result.refused {
            context.console.error("nothing archived: fix or remove the experiments above first")
            return ExitStatus.checkFailed
        }
        if json {
            context.console.out(JSONOutput.document([
                ("dry_run", .bool(dryRun)),
                ("moves", .array(result.moves.map { .object([("name", .string($0.name)), ("status", .string(result.states[$0.from] ?? "")),
                                                             ("from", .string($0.from)), ("to", .string($0.to))]) })),
            ]).rendered(pretty: true))
            return ExitStatus.success
        }
        let verb = dryRun ? "would archive" : "archived", count = result.moves.count
        for move in result.moves { context.console.out("\(verb) \(move.from) -> \(move.to)  (\(result.states[move.from] ?? ""))") }
        context.console.out(count == 0 ? "nothing to archive (--status \(status.rawValue))"
                            : "\(count) experiment\(count == 1 ? "" : "s") \(dryRun ? "would be archived" : "archived")")
        return ExitStatus.success
    }

    /// `--list-only`: every active experiment, whether it would be archived and why.
    private func list(_ result: ArchiveOperation.Result, now: Date, _ context: CommandContext) {
        if json {
            context.console.out(JSONOutput.document([("experiments", .array(result.active.map { summary in
                guard case .object(var fields) = WorkspaceCommandSupport.json(summary) else { return .null }
                fields.append(("would_archive", .bool(result.chosen.contains(summary.folder.display))))
                return .object(fields)
            }))]).rendered(pretty: true))
        } else if result.active.isEmpty {
            context.console.out("no active experiments")
        } else {
            context.console.out(TextTable.render(header: ["name", "status", "archive", "last activity", "why"], rows: result.active.map { summary in
                [summary.name, WorkspaceCommandSupport.state(summary), result.chosen.contains(summary.folder.display) ? "yes" : "no",
                 WorkspaceCommandSupport.age(summary.lastActivity, now: now), WorkspaceCommandSupport.why(summary)]
            }))
            context.console.out("\(result.chosen.count) of \(result.active.count) would be archived (--status \(status.rawValue))")
        }
    }
}
