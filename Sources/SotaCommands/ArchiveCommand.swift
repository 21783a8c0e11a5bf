import ArgumentParser
import Foundation
import SotaSupport
import SotaWorkspace

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
        guard let (workspace, survey, broken) = WorkspaceCommandSupport.survey(global, context, now: now) else { return ExitStatus.checkFailed }
        let active = survey.experiments.filter { $0.folder.location == .active }
        let selected = active.filter { $0.isHealthy && status.states.contains($0.decision.state) }
        let chosen = Set(selected.map(\.folder.display))
        if listOnly {
            if json {
                context.console.out(JSONValue.array(active.map { summary in
                    guard case .object(var fields) = WorkspaceCommandSupport.json(summary) else { return .null }
                    fields.append(("would_archive", .bool(chosen.contains(summary.folder.display))))
                    return .object(fields)
                }).rendered(pretty: true))
            } else if active.isEmpty {
                context.console.out("no active experiments")
            } else {
                context.console.out(TextTable.render(header: ["name", "status", "archive", "last activity", "why"], rows: active.map { summary in
                    [summary.name, summary.isHealthy ? summary.decision.state.rawValue : "invalid",
                     chosen.contains(summary.folder.display) ? "yes" : "no",
                     WorkspaceCommandSupport.age(summary.lastActivity, now: now),
                     summary.isHealthy ? summary.decision.reason : summary.problems.first!.description]
                }))
                context.console.out("\(selected.count) of \(active.count) would be archived (--status \(status.rawValue))")
            }
            return broken ? ExitStatus.checkFailed : ExitStatus.success
        }
        if broken {
            context.console.err("error: nothing archived: fix or remove the experiments above first")
            return ExitStatus.checkFailed
        }
        let moves: [ArchiveJournal.Move]
        if dryRun {
            moves = selected.map { ArchiveJournal.Move(name: $0.name, from: $0.folder.display, to: "experiments-archive/\($0.folder.name)") }
        } else {
            do {
                moves = try ExperimentMover(workspace: workspace, environment: context.environment).archive(selected, now: now)
            } catch {
                return WorkspaceCommandSupport.report(error, context)
            }
        }
        let states = Dictionary(selected.map { ($0.folder.display, $0.decision.state.rawValue) }) { a, _ in a }
        if json {
            context.console.out(JSONValue.object([
                ("dry_run", .bool(dryRun)),
                ("moves", .array(moves.map { .object([("name", .string($0.name)), ("status", .string(states[$0.from] ?? "")),
                                                      ("from", .string($0.from)), ("to", .string($0.to))]) })),
            ]).rendered(pretty: true))
            return ExitStatus.success
        }
        let verb = dryRun ? "would archive" : "archived"
        for move in moves { context.console.out("\(verb) \(move.from) -> \(move.to)  (\(states[move.from] ?? ""))") }
        context.console.out(moves.isEmpty ? "nothing to archive (--status \(status.rawValue))"
                            : "\(moves.count) experiment\(moves.count == 1 ? "" : "s") \(dryRun ? "would be archived" : "archived")")
        return ExitStatus.success
    }
}
