import Foundation
import SotaSupport
import SotaRun
@testable import SotaCommands
import SotaTestSupport
import Testing

/// How a run's progress reads off a terminal (CI logs, `nohup` files) and under a failure (issue 15, item 9).
@Suite struct RunConsoleTests {
    @Test func offATerminalALongStagePrintsAHeartbeatWithItsLastLine() {
        let folder = TemporaryDirectory()
        let log = folder.write("train-fit.log", "=== sota: fit attempt 1 of 1, T ===\n$ train\nstep 900 loss 0.12\u{1B}[0m\n")
        let console = Console.capturing()
        let runConsole = RunConsole(console: console, interactive: false, heartbeat: 60)
        runConsole.handle(.stepStarted(name: "fit", phase: "train", attempt: 1, log: log))
        for elapsed in stride(from: 0.2, through: 150, by: 0.2) {
            runConsole.handle(.stepProgress(name: "fit", elapsed: elapsed, log: log))
        }
        runConsole.handle(.stepFinished(name: "fit", status: .succeeded, seconds: 150, detail: ""))
        #expect(console.capturedOut == """
              ▸ train fit
              · fit  running 1m  step 900 loss 0.12
              · fit  running 2m  step 900 loss 0.12
              ✓ fit  150.0s

            """)
    }

    @Test func eachStageStartsItsOwnHeartbeatAndAShortStageHasNone() {
        let console = Console.capturing()
        let runConsole = RunConsole(console: console, interactive: false, heartbeat: 10)
        runConsole.handle(.stepStarted(name: "a", phase: "train", attempt: 1, log: "/nonexistent/log"))
        runConsole.handle(.stepProgress(name: "a", elapsed: 25, log: "/nonexistent/log"))
        runConsole.handle(.stepStarted(name: "b", phase: "train", attempt: 1, log: "/nonexistent/log"))
        runConsole.handle(.stepProgress(name: "b", elapsed: 5, log: "/nonexistent/log"))
        runConsole.handle(.stepProgress(name: "b", elapsed: 10.5, log: "/nonexistent/log"))
        #expect(console.capturedOut == "  ▸ train a\n  · a  running 25s\n  ▸ train b\n  · b  running 11s\n")
    }

    @Test func aFailedStagesLastLinesAreIndentedUnderIt() {
        let console = Console.capturing()
        let runConsole = RunConsole(console: console, interactive: false)
        runConsole.handle(.stepFinished(name: "fit", status: .failed, seconds: 1, detail: "exit code 1; see logs/train-fit.log"))
        runConsole.handle(.stepOutput(name: "fit", lines: ["Traceback (most recent call last):", "ValueError: boom"]))
        #expect(console.capturedOut == """
              ✗ fit  1.0s  exit code 1; see logs/train-fit.log
                │ Traceback (most recent call last):
                │ ValueError: boom

            """)
    }

    /// Appends `text` to the file at `path`, as a child writing its output would.
    private func append(_ text: String, to path: String) throws {
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    @Test func verboseStreamsWhatTheChildWritesAsItWritesIt() throws {
        let folder = TemporaryDirectory()
        let log = folder.write("train-fit.log", "output of an earlier attempt\n=== sota: fit attempt 2 of 2, T ===\n$ train\n")
        let console = Console.capturing()
        let runConsole = RunConsole(console: console, interactive: true, verbose: true)
        runConsole.handle(.stepStarted(name: "fit", phase: "train", attempt: 2, log: log))
        try append("epoch 1\nepoch 2 (half a li", to: log)
        runConsole.handle(.stepProgress(name: "fit", elapsed: 0.2, log: log))
        #expect(console.capturedOut == "  ▸ train fit (attempt 2)\n    │ epoch 1\n", "no live line, the earlier attempt and header not repeated")
        try append("ne)\n\u{1B}[31mTraceback\u{1B}[0m\nlast line without end", to: log)
        try append("\n=== sota: fit failed: exit code 1 ===\n", to: log)
        runConsole.handle(.stepFinished(name: "fit", status: .failed, seconds: 0.4, detail: "exit code 1"))
        runConsole.handle(.stepOutput(name: "fit", lines: ["Traceback", "last line without end"]))
        #expect(console.capturedOut == """
              ▸ train fit (attempt 2)
                │ epoch 1
                │ epoch 2 (half a line)
                │ Traceback
                │ last line without end
              ✗ fit  0.4s  exit code 1

            """, "streamed once, the failure's last lines not again")
    }

    @Test func verboseReadsAHugeBurstToItsEnd() throws {
        let folder = TemporaryDirectory()
        let log = folder.write("train-fit.log", "")
        let console = Console.capturing()
        let runConsole = RunConsole(console: console, interactive: false, verbose: true)
        runConsole.handle(.stepStarted(name: "fit", phase: "train", attempt: 1, log: log))
        let line = String(repeating: "x", count: 99) + "\n"
        try append(String(repeating: line, count: 30_000), to: log)
        runConsole.handle(.stepFinished(name: "fit", status: .succeeded, seconds: 1, detail: ""))
        let out = console.capturedOut.split(separator: "\n")
        #expect(out.count == 1 + 30_000 + 1)
        #expect(out.last == "  ✓ fit  1.0s")
    }
}
