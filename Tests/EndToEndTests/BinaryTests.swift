import Foundation
import SotaSupport
import SotaTestSupport
import Testing

/// Runs the built `sota` binary (or `$SOTA_BINARY`) as a user would.
struct BinaryRun {
    var status: Int32
    var out: String
    var err: String

    static var binary: String { SotaBinary.path }

    init(_ arguments: [String], in directory: String = Repository.root, executable: String = BinaryRun.binary,
         environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = environment
        environment["NO_COLOR"] = "1"
        process.environment = environment
        let outPipe = Pipe(), errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        try process.run()
        let outData = outPipe.fileHandleForReading.readDataToEndOfFile()
        let errData = errPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        status = process.terminationStatus
        out = String(decoding: outData, as: UTF8.self)
        err = String(decoding: errData, as: UTF8.self)
    }

    /// Runs sota as the initializer does, on a thread of its own (see ``onOwnThread(_:)``), and awaits its end.
    static func run(_ arguments: [String], in directory: String = Repository.root, executable: String = BinaryRun.binary,
                    environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> BinaryRun {
        try await onOwnThread { try BinaryRun(arguments, in: directory, executable: executable, environment: environment) }
    }
}

@Suite struct BinaryTests {
    @Test func helpAndVersion() throws {
        let help = try BinaryRun(["--help"])
        #expect(help.status == 0)
        #expect(help.out.contains("USAGE: sota <subcommand>"))
        let version = try BinaryRun(["--version"])
        // The commit is checked exactly by scripts/release.sh, whose build sets it; a working tree's debug build may
        // name an earlier commit (see `buildCommit` in Package.swift).
        let line = version.out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(line.wholeMatch(of: /sota \d+\.\d+\.\d+ \(([0-9a-f]{12}|commit unknown)\)/) != nil, "\(line)")
    }

    @Test func validatesTheDemoAndFailsOnBadInputWithLocation() throws {
        let good = try BinaryRun(["validate", "config", "configs/train_burgers_golden.yaml"])
        #expect(good.status == 0, "\(good.err)")
        let folder = TemporaryDirectory()
        folder.write("bad.yaml", "training:\n  epochs: ten\n")
        let bad = try BinaryRun(["validate", "config", "bad.yaml"], in: folder.path)
        #expect(bad.status == 1)
        #expect(bad.err.contains("bad.yaml:2:11: error: `training.epochs` must be an integer, found the string \"ten\""))
        #expect(!bad.err.contains("\u{1B}["), "no colour with NO_COLOR or off a terminal")
    }

    @Test func dryRunPrintsThePlanAndWritesNothing() throws {
        let folder = TemporaryDirectory()
        for item in ["sota.yaml", "configs", "scripts", "data"] { folder.copy(Paths.join(Repository.root, item), to: item) }
        let run = try BinaryRun(["dry-run", "configs/train_burgers_golden.yaml"], in: folder.path)
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.contains("Estimate  A100-80GB × 1"))
        #expect(Paths.kind(of: folder.url("runs")) == .missing)
    }

    /// Issue 15, item 9: the traceback of a failed stage is printed under its ✗ line, colour and control characters
    /// removed, and the run says how to resume.
    @Test func aFailedStagePrintsItsChildsLastLines() throws {
        let folder = TemporaryDirectory()
        folder.write("sota.yaml", "project: crash\n")
        folder.write("train.yaml", """
        experiment: crash
        seed: 1
        training:
          command: [sh, -c, 'echo "epoch 1"; printf "\\033[31mTraceback (most recent call last):\\033[0m\\n" >&2; echo "ValueError: boom" >&2; exit 1']
          epochs: 1
          learning_rate: 0.1
          checkpoint: model.out
          stages: [{name: fit, outputs: [model.out]}]
        resources: {platform: cpu}

        """)
        let run = try BinaryRun(["run", "--train-config", "train.yaml"], in: folder.path)
        #expect(run.status == 2, "\(run.err)")
        let lines = run.out.split(separator: "\n").map(String.init)
        let failure = try #require(lines.firstIndex { $0.hasPrefix("  ✗ fit ") }, "\(run.out)")
        #expect(Array(lines[(failure + 1)...].prefix(3)) == ["    │ epoch 1", "    │ Traceback (most recent call last):", "    │ ValueError: boom"])
        #expect(run.err.contains("resume with: sota run --resume "))

        // -v streams the same lines as the child writes them, once; with a sweep it is a usage error.
        let verbose = try BinaryRun(["run", "-v", "--train-config", "train.yaml"], in: folder.path)
        #expect(verbose.status == 2, "\(verbose.err)")
        let streamed = verbose.out.split(separator: "\n").map(String.init)
        let started = try #require(streamed.firstIndex { $0 == "  ▸ train fit" }, "\(verbose.out)")
        let expected = ["    │ epoch 1", "    │ Traceback (most recent call last):", "    │ ValueError: boom"]
        #expect(Array(streamed[(started + 1)...].prefix(3)) == expected, "\(verbose.out)")
        #expect(streamed.dropFirst(started + 4).first?.hasPrefix("  ✗ fit ") == true, "\(verbose.out)")
        #expect(streamed.filter { $0.hasPrefix("    │ ") }.count == 3, "streamed once, not repeated under the failure")
        let sweep = try BinaryRun(["run", "-v", "--train-config", "train.yaml", "--sweep", "seed=1,2"], in: folder.path)
        #expect(sweep.status == 64 && sweep.err.contains("--verbose streams one run's output"), "\(sweep.err)")
    }

    @Test func usageErrorsExit64() throws {
        let run = try BinaryRun(["validate", "config"])
        #expect(run.status == 64)
        #expect(run.err.contains("Missing expected argument"))
    }
}
