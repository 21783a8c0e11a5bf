import Foundation
import SotaBasics
import SotaLeaderboardQuery
import SotaTestSupport
import Testing

/// The fast path of `sota leaderboard` (answered inside `sota`) against the full command (`sota-core`, forced with
/// `SOTA_NO_FAST_PATH=1`): same bytes on both streams, same exit status, in every case either can meet.
@Suite struct QuickLeaderboardTests {
    /// A project with a varied leaderboard, ingested by the full command from hand-written manifests.
    ///
    /// The runs cover what the renderers must spell alike: ties (broken by creation time), integral, tiny, large
    /// and negative values, every duration branch, missing commits and GPU types, gates passed, failed and never
    /// run, and experiment names that CSV must quote and JSON must escape.
    private static func project() throws -> TemporaryDirectory {
        let folder = TemporaryDirectory()
        folder.write("sota.yaml", "project: quick\n")
        let runs: [(experiment: String, nrmse: Double, seconds: Double, passed: Bool?, commit: String?, gpu: String?)] = [
            ("burgers", 0.125, 42, true, "0123456789abcdef0123", "A100-80GB"),
            ("burgers", 0.125, 59.6, nil, nil, nil),
            ("heat", 1, 754, false, "fedcba9876543210", "H100-80GB"),
            ("heat", 0.000012345678, 3600, true, "abc", nil),
            ("say \"hi\", then", 12_345_678.9, 7530, true, "0011223344556677", "RTX-4090"),
            ("Ünïcode-😀", -0.5, 950_000, nil, nil, "A100-80GB"),
            ("burgers", 0.3333333333333333, 0.004, true, "00000000", "A100-80GB"),
            // 3e8 s (9.5 years) is the longest kind of duration ingest accepts: ten years is the limit.
            ("tab\there", 2.5e-9, 3e8, false, "1234567890", nil),
        ]
        for (index, run) in runs.enumerated() {
            let id = "20260101-00000\(index)-0a1b2c3\(index)"
            folder.write("runs/\(id)/manifest.json", manifest(id: id, minute: index, run))
        }
        let ingest = try BinaryRun(["ingest", "runs"], in: folder.path)
        #expect(ingest.status == 0, "\(ingest.out)\(ingest.err)")
        #expect(ingest.out == "ingested \(runs.count) runs\n")
        return folder
    }

    /// A run manifest as `sota run` writes it, reduced to what the index reads.
    private static func manifest(id: String, minute: Int,
                                 _ run: (experiment: String, nrmse: Double, seconds: Double, passed: Bool?, commit: String?, gpu: String?)) -> String {
        var git: [String: Any] = ["branch": "main", "dirty": false, "dirty_files": [String](), "state": "repository"]
        if let commit = run.commit { git["commit"] = commit }
        var hardware: [String: Any] = ["devices": "0", "gpu_count": 1, "platform": "cuda"]
        if let gpu = run.gpu { hardware["gpu_type"] = gpu }
        var object: [String: Any] = [
            "schema_version": 1, "run_id": id, "experiment": run.experiment, "status": run.passed == false ? "rejected" : "succeeded",
            "created": "2026-01-01T00:0\(minute):00.000Z", "updated": "2026-01-01T01:00:00.000Z",
            "config": ["path": "train.yaml", "hash": "hash-\(id)", "overrides": [String]()], "eval_configs": [String: Any](),
            "data": [Any](), "failures": [Any](), "gates": [Any](), "git": git, "hardware": hardware, "host": "node-1",
            "metrics": ["full_eval": ["nrmse": run.nrmse, "mse": run.nrmse * run.nrmse], "small_eval": ["nrmse": run.nrmse + 1]],
            "stages": [[
                "name": "train", "phase": "train", "status": "succeeded", "attempts": 1, "seconds": run.seconds,
                "log": "logs/train.log", "started": "2026-01-01T00:00:00.000Z", "finished": "2026-01-01T00:30:00.000Z",
                "outputs": [Any](),
            ]],
        ]
        if let passed = run.passed { object["passed"] = passed }
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// Runs `sota` both ways in `directory` and expects identical results; returns the fast path's run.
    @discardableResult
    private func bothPaths(_ arguments: [String], in directory: String, environment: [String: String] = [:],
                           sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> BinaryRun {
        let base = ProcessInfo.processInfo.environment.merging(environment) { $1 }.filter { $0.key != "SOTA_NO_FAST_PATH" }
        let fast = try BinaryRun(arguments, in: directory, environment: base)
        let full = try BinaryRun(arguments, in: directory, environment: base.merging(["SOTA_NO_FAST_PATH": "1"]) { $1 })
        #expect(fast.status == full.status, "\(arguments): exit \(fast.status) vs \(full.status)", sourceLocation: sourceLocation)
        #expect(fast.out == full.out, "\(arguments): standard output differs", sourceLocation: sourceLocation)
        #expect(fast.err == full.err, "\(arguments): standard error differs", sourceLocation: sourceLocation)
        return fast
    }

    /// A copy of `sota` alone in a folder: with no `sota-core` beside it, only the fast path can answer.
    private static func loneBinary(in folder: TemporaryDirectory) -> String {
        folder.copy(BinaryRun.binary, to: "lone/sota")
        return folder.url("lone/sota")
    }

    @Test func everyFormatAndOptionPrintsTheSameBytes() throws {
        let folder = try Self.project()
        let text = try bothPaths(["leaderboard"], in: folder.path)
        #expect(text.status == 0)
        #expect(text.out.hasPrefix("#  run "), "\(text.out)\(text.err)")
        #expect(text.out.contains("say \"hi\", then"))
        for arguments in [
            ["leaderboard", "--json"], ["leaderboard", "--csv"], ["leaderboard", "--top", "3"], ["leaderboard", "--top=2", "--csv"],
            ["leaderboard", "--experiment", "burgers"], ["leaderboard", "--experiment=heat", "--json"],
            ["leaderboard", "--direction", "higher"], ["leaderboard", "--direction=higher", "--metric", "mse", "--csv"],
            ["leaderboard", "--phase", "small_eval", "--json"], ["leaderboard", "--metric", "nothing"],
            ["leaderboard", "--experiment", "nobody", "--metric", "mse"], ["leaderboard", "--top", "100000", "--json"],
        ] {
            try bothPaths(arguments, in: folder.path)
        }
        let csv = try bothPaths(["leaderboard", "--csv"], in: folder.path)
        #expect(csv.out.contains("\"say \"\"hi\"\", then\""))
        #expect(csv.out.hasSuffix("\r\n"))
    }

    @Test func theFastPathReallyAnswersAndFindsTheProjectLikeTheFullCommand() throws {
        let folder = try Self.project()
        let lone = Self.loneBinary(in: folder)
        let expected = try BinaryRun(["leaderboard", "--json"], in: folder.path, environment: ["SOTA_NO_FAST_PATH": "1"])
        // A file the full command created and migrated is served, from the root, a subfolder or with --project.
        try FileManager.default.createDirectory(atPath: folder.url("runs/deeper"), withIntermediateDirectories: true)
        for (arguments, directory) in [
            (["leaderboard", "--json"], folder.path), (["leaderboard", "--json"], folder.url("runs/deeper")),
            (["leaderboard", "--json", "--project", ".."], folder.url("lone")),
        ] {
            let run = try BinaryRun(arguments, in: directory, executable: lone)
            #expect(run.status == 0, "\(arguments) in \(directory): \(run.err)")
            #expect(run.out == expected.out)
        }
        // Declined cases reach for sota-core, which is missing here.
        for arguments in [["leaderboard", "--rebuild"], ["leaderboard", "--help"], ["leaderboard", "--top", "0"],
                          ["leaderboard", "--top", "ten"], ["leaderboard", "--json", "--csv"], ["leaderboard", "--bogus"],
                          ["leaderboard", "--metric", "a", "--metric", "b"], ["leaderboard", "--metric"], ["--version"]] {
            let run = try BinaryRun(arguments, in: folder.path, executable: lone)
            #expect(run.status == 70, "\(arguments)")
            #expect(run.err.hasPrefix("sota: cannot start sota-core next to \(lone): "), "\(run.err)")
        }
        let forced = try BinaryRun(["leaderboard"], in: folder.path, executable: lone, environment: ["SOTA_NO_FAST_PATH": "1"])
        #expect(forced.status == 70)
    }

    @Test func usageErrorsComeFromTheFullCommand() throws {
        let folder = try Self.project()
        for arguments in [["leaderboard", "--top", "0"], ["leaderboard", "--direction", "sideways"],
                          ["leaderboard", "--json", "--csv"], ["leaderboard", "--bogus"], ["leaderboard", "--top"]] {
            let run = try bothPaths(arguments, in: folder.path)
            #expect(run.status == 64, "\(arguments): \(run.err)")
        }
    }

    @Test func theLeaderboardKeyAndSOTALeaderboardMoveTheDatabase() throws {
        let folder = try Self.project()
        let lone = Self.loneBinary(in: folder)
        try FileManager.default.createDirectory(atPath: folder.url("elsewhere"), withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: folder.url(".sota/leaderboard.sqlite"), toPath: folder.url("elsewhere/board.sqlite"))
        folder.write("sota.yaml", "# moved\nproject: quick   # the name\nleaderboard: elsewhere/board.sqlite\n")
        let moved = try bothPaths(["leaderboard", "--csv"], in: folder.path)
        #expect(moved.out.split(separator: "\r\n").count == 9)
        #expect(try BinaryRun(["leaderboard", "--csv"], in: folder.path, executable: lone).out == moved.out)

        folder.write("sota.yaml", "project: quick\n")
        let environment = ["SOTA_LEADERBOARD": "elsewhere/board.sqlite"]
        let overridden = try bothPaths(["leaderboard", "--csv"], in: folder.path, environment: environment)
        #expect(overridden.out == moved.out)
        #expect(try BinaryRun(["leaderboard", "--csv"], in: folder.path, executable: lone,
                              environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }).out == moved.out)
    }

    @Test func projectFilesBeyondTheScannerGoToTheFullCommand() throws {
        let folder = try Self.project()
        let lone = Self.loneBinary(in: folder)
        let served = [
            "project: quick\n", "project: quick\nruns: runs\nprices: configs/prices.yaml\n", "sections: [notes, more]\n",
            "project: 'quick one'\nconstraints: []\nsections: []\n", "# only a comment, then\nproject: quick # named\n",
            "leaderboard: \".sota/leaderboard.sqlite\"\n", "project: quick demo\n",
        ]
        let declined = [
            "", "# nothing\n", "project: 12\n", "project: true\n", "project:\n", "project: ''\n", "project: quick\nproject: again\n",
            "unknown: key\n", "project: quick\n  continued: here\n", "constraints:\n  - required: [seed]\n", "sections:\n  - notes\n",
            "project:\tquick\n", "project: quick\r\n", "project: &anchor quick\n", "project: \"esc\\aped\"\n", "project: a#b\n",
            "project: [list]\n", "leaderboard: .inf\n", "project:quick\n", "--- \nproject: quick\n",
        ]
        for text in served {
            folder.write("sota.yaml", text)
            let run = try BinaryRun(["leaderboard"], in: folder.path, executable: lone)
            #expect(run.status == 0, "\(text.debugDescription): \(run.err)")
            try bothPaths(["leaderboard"], in: folder.path)
        }
        for text in declined {
            folder.write("sota.yaml", text)
            let run = try BinaryRun(["leaderboard"], in: folder.path, executable: lone)
            #expect(run.status == 70, "\(text.debugDescription) was served: \(run.out)")
            try bothPaths(["leaderboard"], in: folder.path)
        }
    }

    @Test func emptyAndMissingDatabasesPrintTheSameNote() throws {
        let first = TemporaryDirectory(), second = TemporaryDirectory()
        for folder in [first, second] { folder.write("sota.yaml", "project: empty\n") }
        // The first call finds no database and goes to sota-core, which creates it: the same either way.
        let fast = try BinaryRun(["leaderboard", "--experiment", "x"], in: first.path)
        let full = try BinaryRun(["leaderboard", "--experiment", "x"], in: second.path, environment: ["SOTA_NO_FAST_PATH": "1"])
        #expect(fast.status == 0 && full.status == 0, "\(fast.err)\(full.err)")
        #expect(fast.out == "no runs with `nrmse` in full_eval yet for x; `sota run` adds them\n")
        #expect(fast.out == full.out && fast.err == full.err)
        #expect(Paths.kind(of: first.url(".sota/leaderboard.sqlite")) == .file)
        // Now the database exists and is empty: the fast path answers.
        for arguments in [["leaderboard"], ["leaderboard", "--json"], ["leaderboard", "--csv"], ["leaderboard", "--experiment", "x"]] {
            let run = try bothPaths(arguments, in: first.path)
            #expect(run.status == 0)
        }
        let lone = Self.loneBinary(in: first)
        let empty = try BinaryRun(["leaderboard", "--json"], in: first.path, executable: lone)
        #expect(empty.status == 0 && empty.out == "[]\n", "\(empty.err)")
    }

    @Test func corruptOrForeignFilesAreReportedByTheFullCommandAndLeftUntouched() throws {
        let folder = TemporaryDirectory()
        folder.write("sota.yaml", "project: damaged\n")
        let cases: [(String, [UInt8])] = [
            ("garbage", (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) }),
            ("SQLite header, garbage after", Array("SQLite format 3\0".utf8) + [UInt8](repeating: 0xA5, count: 4080)),
        ]
        for (label, bytes) in cases {
            folder.write(".sota/leaderboard.sqlite", bytes)
            let run = try bothPaths(["leaderboard"], in: folder.path)
            #expect(run.status == 1, "\(label): \(run.err)")
            #expect(run.err.contains("leaderboard.sqlite"), "\(label): \(run.err)")
            #expect(run.out.isEmpty)
            #expect(Array(FileManager.default.contents(atPath: folder.url(".sota/leaderboard.sqlite")) ?? Data()) == bytes, "\(label)")
        }
    }

    @Test func numberAndDurationSpellingsMatchSotaBasics() {
        var values: [Double] = [0, -0.0, 1, -1, 0.1, 0.125, 1e15, 1e15 + 2, 9.99e14, 123_456.789, 2.5e-9, 1e300, -7.25,
                                .infinity, -.infinity, .nan, 59.4, 59.5, 59.6, 3599.5, 3600, 5400, 86_399, 863_999, 864_000, 1e12, 3e13]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            values.append(Double.random(in: 0...1, using: &generator) * pow(10, Double(Int.random(in: -12...14, using: &generator))))
        }
        for value in values {
            #expect(LeaderboardNumbers.fourSignificantDigits(value) == String(format: "%.4g", value), "\(value)")
        }
    }

    @Test func theTopQueryIsTheOneTheLeaderboardRuns() throws {
        let query = try #require(LeaderboardTopQuery(metric: "nrmse", phase: "full_eval", direction: .higher, limit: 7, experiment: "e"))
        #expect(query.arguments == ["full_eval", "nrmse", "e"])
        #expect(query.sql.contains("ORDER BY m.value DESC, r.created ASC, r.run_id ASC\nLIMIT 7"))
        #expect(query.sql.contains("WHERE m.phase = ? AND m.name = ? AND r.experiment = ?"))
        #expect(LeaderboardTopQuery(metric: "nrmse", phase: "full_eval", direction: .lower, limit: 0, experiment: nil) == nil)
        #expect(LeaderboardTopQuery(metric: "nrmse", phase: "full_eval", direction: .lower, limit: 100_001, experiment: nil) == nil)
    }
}
