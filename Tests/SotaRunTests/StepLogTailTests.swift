import Foundation
@testable import SotaRun
import SotaTestSupport
import Testing

/// What a failed step shows under its ✗ line: the child's last lines of its latest attempt, safe for a terminal.
@Suite struct StepLogTailTests {
    private func tail(_ text: String, cut: Bool = false, limit: Int = 20) -> [String] {
        StepLogTail.lines(ofText: text, cutAtStart: cut, limit: limit)
    }

    @Test func theLatestAttemptsOutputWithoutSotasOwnLines() {
        let log = """
        === sota: fit attempt 1 of 2, 2026-01-01T00:00:00.000Z ===
        $ python3 train.py
        first attempt's output
        === sota: fit failed: exit code 1 ===
        === sota: fit attempt 2 of 2, 2026-01-01T00:00:05.000Z ===
        $ python3 train.py

        epoch 1
        Traceback (most recent call last):
        ValueError: boom

        === sota: fit failed: exit code 1 ===

        """
        #expect(tail(log) == ["epoch 1", "Traceback (most recent call last):", "ValueError: boom"])
    }

    @Test func aLogWithoutHeaderIsShownWholeAndALogCutMidLineLosesThePartialLine() {
        #expect(tail("a\nb\n") == ["a", "b"])
        #expect(tail("tial line\nwhole line\n", cut: true) == ["whole line"])
    }

    @Test func onlyTheLastLinesAreKept() {
        let log = (1...50).map { "line \($0)" }.joined(separator: "\n")
        #expect(tail(log, limit: 3) == ["line 48", "line 49", "line 50"])
        #expect(tail(log, limit: 0).isEmpty)
    }

    @Test func nothingWrittenIsNothingShown() {
        #expect(tail("=== sota: fit attempt 1 of 1, T ===\n$ sh -c true\n=== sota: fit failed: exit code 1 ===\n").isEmpty)
        #expect(tail("").isEmpty)
    }

    @Test func coloursCursorMovesAndControlCharactersNeverReachTheTerminal() {
        #expect(StepLogTail.printable("\u{1B}[1;31mError\u{1B}[0m: bad") == "Error: bad")
        #expect(StepLogTail.printable("\u{1B}[2K\u{1B}[1Aup") == "up")
        #expect(StepLogTail.printable("bell\u{07} null\u{00} c1\u{9B}") == "bell? null? c1?")
        #expect(StepLogTail.printable("tab\tkept") == "tab\tkept")
        #expect(StepLogTail.printable("\u{1B}") == "")
    }

    @Test func aProgressBarShowsWhatItLastDrew() {
        #expect(StepLogTail.printable(" 10%|█   \r 50%|███ \r100%|█████") == "100%|█████")
        #expect(StepLogTail.printable("done\r") == "done")
    }

    @Test func aLongLineIsCut() {
        let line = StepLogTail.printable(String(repeating: "x", count: 5_000))
        #expect(line == String(repeating: "x", count: StepLogTail.lineLimit) + "…")
    }

    @Test func theLogsEndIsReadNotTheWholeLog() throws {
        let folder = TemporaryDirectory()
        let body = String(repeating: "noise\n", count: 10_000) + "Traceback (most recent call last):\nValueError: boom\n"
        let path = folder.write("train-fit.log", "=== sota: fit attempt 1 of 1, T ===\n$ python3 train.py\n" + body)
        #expect(StepLogTail.lines(of: path, limit: 2) == ["Traceback (most recent call last):", "ValueError: boom"])
        #expect(StepLogTail.lines(of: folder.url("missing.log")).isEmpty)
    }
}

@Suite struct TrackerURLTests {
    @Test func aURLIsRecordedWithoutItsCredentials() {
        #expect(TrackerURL.cleaned("https://wandb.ai/team/proj/runs/abc") == "https://wandb.ai/team/proj/runs/abc")
        #expect(TrackerURL.cleaned("https://user:pw@mlflow.internal:5000/#/experiments/1/runs/9") == "https://mlflow.internal:5000/#/experiments/1/runs/9")
        #expect(TrackerURL.cleaned("http://token@host/path?q=a@b") == "http://host/path?q=a@b", "an @ after the host is the path's")
    }

    @Test func anythingButOneHTTPURLIsRefused() {
        for text in ["", "wandb.ai/run", "file:///etc/passwd", "javascript:alert(1)", "https://host/a b", "https://host/\u{1B}[31m",
                     "https://host/" + String(repeating: "x", count: 2100)] {
            #expect(TrackerURL.cleaned(text) == nil, "\(text.prefix(40))")
        }
    }

    @Test func theFirstLineOfTheFileIsRead() {
        let folder = TemporaryDirectory()
        let path = folder.write("url.txt", "  https://wandb.ai/t/p/runs/1  \nsecond line\n")
        #expect(TrackerURL.read(path) == "https://wandb.ai/t/p/runs/1")
        #expect(TrackerURL.read(folder.url("missing.txt")) == nil)
    }
}
