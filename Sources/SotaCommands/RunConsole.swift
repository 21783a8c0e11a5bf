import Foundation
import SotaSupport
import SotaPlan
import SotaRun
import Synchronization

/// Shows a run's progress: one live line per stage on a terminal, plain lines elsewhere.
final class RunConsole: Sendable {
    private let console: Console
    private let runDirectory: String
    private let interactive: Bool
    private let lastDraw = Mutex<Double>(0)

    init(console: Console, runDirectory: String, interactive: Bool) {
        self.console = console
        self.runDirectory = runDirectory
        self.interactive = interactive
    }

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
            console.err("warning: \(text)")
        }
    }

    func summary(_ outcome: RunOutcome) {
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
