import Foundation
import SotaSupport
import SotaPlan
import SotaRun
import SotaOperations
import Synchronization

/// Shows a run's progress: one live line per stage on a terminal, plain lines elsewhere.
final class RunConsole: Sendable {
    private let console: Console
    private let interactive: Bool
    private let lastDraw = Mutex<Double>(0)

    /// A console for one run; `interactive` redraws a live line per stage.
    init(console: Console, interactive: Bool) {
        self.console = console
        self.interactive = interactive
    }

    /// Prints what happens before and during the run.
    func handle(_ event: RunOperation.Event) {
        switch event {
        case .warnings(let diagnostics):
            console.report(diagnostics)
        case .started(let runID, let config, let runDirectory, let resuming):
            console.out(resuming ? "resuming run \(runID) (\(runDirectory))" : "run \(runID): \(config) → \(runDirectory)/")
        case .run(let event):
            handle(event)
        }
    }

    /// Prints the end of stage 1 validation: every problem, then why the run did not start. Returns the exit status.
    static func notStarted(_ diagnostics: [Diagnostic], console: Console) -> Int32 {
        console.report(diagnostics)
        let errors = diagnostics.filter { $0.severity == .error }.count, warnings = diagnostics.filter { $0.severity == .warning }.count
        console.err("run not started: stage 1 validation failed (\(DiagnosticRenderer.summary(errors: errors, warnings: warnings)))")
        return ExitStatus.checkFailed
    }

    /// Prints how the run ended (and its promotion) and returns the exit status.
    func report(_ result: RunOperation.Result, context: CommandContext) -> Int32 {
        switch result {
        case .notStarted(let diagnostics):
            return Self.notStarted(diagnostics, console: console)
        case .notFound(let message):
            console.error(message)
        case .alreadyFinished(let runID, let status, let step, let problem):
            if let step {
                console.out("run \(runID) already finished (\(status.rawValue)); nothing left for step \(step)")
            } else {
                if let problem { console.warning("the leaderboard was not updated: \(problem)") }
                console.out("run \(runID) already finished (\(status.rawValue)); nothing to resume")
            }
        case .finished(let outcome, let runDirectory, let promotion, _):
            summary(outcome, runDirectory: runDirectory)
            switch promotion {
            case .promoted(let result)?:
                for warning in result.warnings { console.warning("promoted, but \(warning)") }
                let promoted = result.outcome
                console.out(promoted.unchanged ? "promoted: \(promoted.destination) already holds this config"
                            : "promoted to \(promoted.destination)" + (promoted.previous.map { " (the previous config is kept in \($0))" } ?? ""))
                if let metadata = result.metadataPath { console.out("  recorded in \(context.display(metadata))") }
            case .failed(let error)?:
                console.error("promotion failed: \(error); the run itself passed and is recorded")
            case .notPassed?:
                console.out("not promoted: the run did not pass every gate")
            case nil:
                break
            }
        }
        return result.exitStatus
    }

    /// Prints one event of the orchestrator.
    func handle(_ event: RunEvent) {
        let style = console.outStyle
        switch event {
        case .stepStarted(let name, let phase, let attempt):
            let label = "\(phase == "train" ? "train" : "eval ") \(name)" + (attempt > 1 ? " (attempt \(attempt))" : "")
            if interactive { console.out("  ▸ \(label)", terminator: "") } else { console.out("  ▸ \(label)") }
        case .stepProgress(let name, let elapsed, let log):
            guard interactive else { return }
            let redraw = lastDraw.withLock { last in
                defer { if elapsed - last >= 0.2 { last = elapsed } }
                return elapsed - last >= 0.2
            }
            guard redraw else { return }
            let text = "  ▸ \(name)  \(NumberFormat.fixed(elapsed, decimals: 1) + "s")  \(RunOrchestrator.lastLine(of: log))"
            console.out("\r\u{1B}[2K" + String(text.prefix(100)), terminator: "")
        case .stepFinished(let name, let status, let seconds, let detail):
            let mark = status == .succeeded ? style.green("✓") : style.red("✗")
            let line = "  \(mark) \(name)  \(NumberFormat.fixed(seconds, decimals: 1) + "s")" + (detail.isEmpty ? "" : "  \(detail)")
            console.out((interactive ? "\r\u{1B}[2K" : "") + line)
            lastDraw.withLock { $0 = 0 }
        case .stepSkipped(let name, let reason):
            console.out("  - \(name): \(reason)")
        case .gate(let record):
            let mark = record.passed ? style.green("pass") : style.red("FAIL")
            console.out("  gate \(record.name) [\(record.phase)]: \(mark)  \(record.reason)")
        case .note(let text):
            console.out("  \(text)")
        case .warning(let text):
            console.warning(text)
        }
    }

    /// Prints the run's last line (status, metric, time, folder as the project names it) and its failures.
    func summary(_ outcome: RunOutcome, runDirectory: String) {
        let manifest = outcome.manifest
        let style = console.outStyle
        let status: String
        switch manifest.status {
        case .succeeded: status = style.green("passed")
        case .rejected: status = style.red("rejected by a gate")
        case .failed: status = style.red("failed")
        case .interrupted: status = style.yellow("interrupted")
        default: status = manifest.status.rawValue
        }
        var line = "run \(manifest.runID) \(status)"
        if let nrmse = manifest.metrics["full_eval"]?["nrmse"] ?? manifest.metrics["small_eval"]?["nrmse"] {
            line += "  nrmse \(NumberFormat.general(nrmse, significant: 4))"
        }
        line += "  \(NumberFormat.fixed(manifest.totalSeconds, decimals: 1) + "s")  \(runDirectory)/"
        console.out(line)
        for failure in manifest.failures {
            console.err("  \(failure.stage): \(failure.reason)" + (failure.log.map { " (log: \(Paths.join(runDirectory, $0)))" } ?? ""))
        }
        if manifest.status == .interrupted || manifest.status == .failed {
            console.err("  resume with: sota run --resume \(manifest.runID)")
        }
    }
}
