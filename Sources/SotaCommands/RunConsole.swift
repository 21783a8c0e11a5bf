import FoundationEssentials
import SotaSupport
import SotaPlan
import SotaRun
import SotaOperations
import Synchronization

/// Shows a run's progress: one live line per stage on a terminal, plain lines elsewhere, with a heartbeat line while a
/// stage runs long so CI logs and `nohup` files show it is alive. With `verbose`, each stage's output is streamed
/// under it as the child writes it.
final class RunConsole: Sendable {
    /// Seconds between two heartbeat lines of a running stage, off a terminal.
    static let heartbeatInterval: Double = 60
    /// The most of a log read at one progress tick while streaming; the rest waits for the next tick.
    static let streamChunk = 1 << 20

    private let console: Console
    /// Whether what goes to standard output goes to standard error instead: `sota run --json` keeps standard output
    /// for the JSON alone.
    private let progressToStandardError: Bool
    /// Whether a live line is redrawn (a terminal, and not streaming).
    private let live: Bool
    private let verbose: Bool
    private let heartbeat: Double
    /// The metric the summary line shows: the project's primary metric, else the run's first gated one.
    private let primaryMetric: String?
    private let lastDraw = Mutex<Double>(0)
    /// The elapsed time at which the running stage's next heartbeat is due.
    private let nextBeat = Mutex<Double>(0)
    /// The log being streamed: its path, how far it was read, and a line not yet ended.
    private let stream = Mutex<(log: String, offset: UInt64, partial: String)?>(nil)

    /// A console for one run. `interactive` redraws a live line per stage (unless `verbose` streams each stage's
    /// output instead); off a terminal, a stage still running prints a line every `heartbeat` seconds.
    /// With `progressToStandardError`, everything it would print on standard output goes to standard error.
    init(console: Console, interactive: Bool, verbose: Bool = false, heartbeat: Double = RunConsole.heartbeatInterval,
         primaryMetric: String? = nil, progressToStandardError: Bool = false) {
        self.console = console
        self.progressToStandardError = progressToStandardError
        self.primaryMetric = primaryMetric
        self.live = interactive && !verbose
        self.verbose = verbose
        self.heartbeat = heartbeat > 0 ? heartbeat : Self.heartbeatInterval
    }

    /// Styling for the stream the progress goes to.
    private var style: TextStyle { progressToStandardError ? console.errStyle : console.outStyle }

    /// Prints progress: on standard output, or on standard error with `progressToStandardError`.
    private func say(_ text: String, terminator: String = "\n") {
        if progressToStandardError { console.err(text, terminator: terminator) } else { console.out(text, terminator: terminator) }
    }

    /// Prints what the streamed log gained since the last call; `final` reads it to its end, prints a last unended
    /// line too, and ends the stream.
    private func pump(final: Bool) {
        var more = true
        while more {
            let lines: [String] = stream.withLock { state in
                guard var current = state else {
                    more = false
                    return []
                }
                let data = FileRange.read(current.log, from: current.offset, count: Self.streamChunk) ?? []
                current.offset += UInt64(data.count)
                more = final && data.count == Self.streamChunk
                var pieces = (current.partial + String(decoding: data, as: UTF8.self)).split(separator: "\n", omittingEmptySubsequences: false)
                let ending = final && !more
                current.partial = ending ? "" : String(pieces.removeLast())
                if ending, pieces.last?.isEmpty == true { pieces.removeLast() }
                state = ending ? nil : current
                // sota's own footer (`=== sota: STEP failed: …`) is not the child's output.
                return pieces.filter { !$0.hasPrefix("=== sota: ") }.map { StepLogTail.printable(String($0)) }
            }
            for line in lines { childLine(line) }
        }
    }

    /// Prints one line a child wrote, under its stage.
    private func childLine(_ line: String) {
        say("    " + style.dim("│") + " " + line)
    }

    /// Prints what happens before and during the run.
    func handle(_ event: RunOperation.Event) {
        switch event {
        case .warnings(let diagnostics):
            console.report(diagnostics)
        case .started(let runID, let config, let runDirectory, let resuming):
            say(resuming ? "resuming run \(runID) (\(runDirectory))" : "run \(runID): \(config) → \(runDirectory)/")
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
                say("run \(runID) already finished (\(status.rawValue)); nothing left for step \(step)")
            } else {
                if let problem { console.warning("the leaderboard was not updated: \(problem)") }
                say("run \(runID) already finished (\(status.rawValue)); nothing to resume")
            }
        case .finished(let outcome, let runDirectory, let promotion, _):
            summary(outcome, runDirectory: runDirectory)
            switch promotion {
            case .promoted(let result)?:
                for warning in result.warnings { console.warning("promoted, but \(warning)") }
                let promoted = result.outcome
                say(promoted.unchanged ? "promoted: \(promoted.destination) already holds this config"
                    : "promoted to \(promoted.destination)" + (promoted.previous.map { " (the previous config is kept in \($0))" } ?? ""))
                if let metadata = result.metadataPath { say("  recorded in \(context.display(metadata))") }
            case .failed(let error)?:
                console.error("promotion failed: \(error); the run itself passed and is recorded")
            case .notPassed?:
                say("not promoted: the run did not pass every gate")
            case nil:
                break
            }
        }
        return result.exitStatus
    }

    /// Prints one event of the orchestrator.
    func handle(_ event: RunEvent) {
        switch event {
        case .stepStarted(let name, let phase, let attempt, let log):
            let label = "\(phase == "train" ? "train" : "eval ") \(name)" + (attempt > 1 ? " (attempt \(attempt))" : "")
            if live { say("  ▸ \(label)", terminator: "") } else { say("  ▸ \(label)") }
            nextBeat.withLock { $0 = heartbeat }
            if verbose {
                // The attempt's header is already in the log: stream from what the child writes next.
                let size = FileRange.size(of: log) ?? 0
                stream.withLock { $0 = (log, size, "") }
            }
        case .stepProgress(let name, let elapsed, let log):
            if verbose { pump(final: false) }
            guard live else {
                let due = nextBeat.withLock { next in
                    guard elapsed >= next else { return false }
                    next = ((elapsed / heartbeat).rounded(.down) + 1) * heartbeat
                    return true
                }
                guard due else { return }
                let last = StepLogTail.lastLine(of: log)
                say("  · \(name)  running \(DurationValue(seconds: elapsed))" + (last.isEmpty ? "" : "  \(last.prefix(100))"))
                return
            }
            let redraw = lastDraw.withLock { last in
                defer { if elapsed - last >= 0.2 { last = elapsed } }
                return elapsed - last >= 0.2
            }
            guard redraw else { return }
            let text = "  ▸ \(name)  \(NumberFormat.fixed(elapsed, decimals: 1) + "s")  \(StepLogTail.lastLine(of: log))"
            say("\r\u{1B}[2K" + String(text.prefix(100)), terminator: "")
        case .stepFinished(let name, let status, let seconds, let detail):
            if verbose { pump(final: true) }
            let mark = status == .succeeded ? style.green("✓") : style.red("✗")
            let line = "  \(mark) \(name)  \(NumberFormat.fixed(seconds, decimals: 1) + "s")" + (detail.isEmpty ? "" : "  \(detail)")
            say((live ? "\r\u{1B}[2K" : "") + line)
            lastDraw.withLock { $0 = 0 }
        case .stepOutput(_, let lines):
            // Streamed already with `verbose`.
            guard !verbose else { return }
            for line in lines { childLine(line) }
        case .stepSkipped(let name, let reason):
            say("  - \(name): \(reason)")
        case .gate(let record):
            let mark = record.passed ? style.green("pass") : style.red("FAIL")
            say("  gate \(record.name) [\(record.phase)]: \(mark)  \(record.reason)")
        case .note(let text):
            say("  \(text)")
        case .warning(let text):
            console.warning(text)
        }
    }

    /// Prints the run's last line (status, metric, time, folder as the project names it) and its failures.
    func summary(_ outcome: RunOutcome, runDirectory: String) {
        let manifest = outcome.manifest
        let status: String
        switch manifest.status {
        case .succeeded: status = style.green("passed")
        case .rejected: status = style.red("rejected by a gate")
        case .failed: status = style.red("failed")
        case .interrupted: status = style.yellow("interrupted")
        default: status = manifest.status.rawValue
        }
        var line = "run \(manifest.runID) \(status)"
        if let metric = primaryMetric ?? manifest.gates.first?.metric,
           let value = manifest.metrics["full_eval"]?[metric] ?? manifest.metrics["small_eval"]?[metric] {
            line += "  \(metric) \(NumberFormat.general(value, significant: 4))"
        }
        line += "  \(NumberFormat.fixed(manifest.totalSeconds, decimals: 1) + "s")  \(runDirectory)/"
        say(line)
        for failure in manifest.failures {
            console.err("  \(failure.stage): \(failure.reason)" + (failure.log.map { " (log: \(Paths.join(runDirectory, $0)))" } ?? ""))
        }
        if manifest.status == .interrupted || manifest.status == .failed {
            console.err("  resume with: sota run --resume \(manifest.runID)")
        }
    }
}
