import Foundation
import SotaIndex
import SotaSupport
import SotaTestSupport
import Testing

/// `sota leaderboard` as the built binary answers it: every format against golden files, options, the database's
/// location, missing, empty and damaged databases.
@Suite struct LeaderboardBinaryTests {
    /// A project with a varied leaderboard, ingested by the full command from hand-written manifests.
    ///
    /// The runs cover what the renderers must spell right: ties (broken by creation time), integral, tiny, large
    /// and negative values, every duration branch, missing commits and GPU types, gates passed, failed and never
    /// run, and experiment names that CSV must quote and JSON must escape.
    private static func project() throws -> TemporaryDirectory {
        let folder = TemporaryDirectory()
        folder.write("sota.yaml", "project: quick\nmetrics:\n  nrmse: lower\n  mse: lower\n")
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
        // A fixed dictionary of JSON-safe values: serialization cannot fail, and an empty file would fail ingest loudly.
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// Runs `sota` in `directory` with `environment` added to the test's own.
    private func sota(_ arguments: [String], in directory: String, environment: [String: String] = [:]) throws -> BinaryRun {
        try BinaryRun(arguments, in: directory, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 })
    }

    @Test(arguments: [
        ("text", ["leaderboard"]), ("csv", ["leaderboard", "--csv"]), ("json", ["leaderboard", "--json"]),
        ("top3-higher-mse", ["leaderboard", "--top", "3", "--direction", "higher", "--metric", "mse"]),
        ("burgers-small-eval-csv", ["leaderboard", "--experiment=burgers", "--phase", "small_eval", "--csv"]),
    ])
    func everyFormatMatchesItsGoldenFile(name: String, arguments: [String]) throws {
        let folder = try Self.project()
        let run = try sota(arguments, in: folder.path)
        #expect(run.status == 0 && run.err.isEmpty, "\(run.err)")
        #expect(GoldenFile.mismatch(run.out, "Tests/EndToEndTests/Golden/leaderboard-\(name).txt") == nil)
    }

    @Test func optionsNarrowAndOrderTheListing() throws {
        let folder = try Self.project()
        let csv = try sota(["leaderboard", "--csv"], in: folder.path)
        #expect(csv.out.contains("\"say \"\"hi\"\", then\""))
        #expect(csv.out.hasSuffix("\r\n"))
        #expect(csv.out.split(separator: "\r\n").count == 9)
        let two = try sota(["leaderboard", "--top=2", "--csv"], in: folder.path)
        #expect(two.out.split(separator: "\r\n").count == 3)
        let nobody = try sota(["leaderboard", "--experiment", "nobody", "--metric", "mse"], in: folder.path)
        #expect(nobody.status == 0)
        #expect(nobody.out == "no runs with `mse` in full_eval yet for nobody; `sota run` adds them\n")
        let all = try sota(["leaderboard", "--top", "100000", "--json"], in: folder.path)
        let ten = try sota(["leaderboard", "--json"], in: folder.path)
        #expect(all.status == 0 && all.out == ten.out)
    }

    @Test func theProjectIsFoundFromASubfolderOrWithProject() throws {
        let folder = try Self.project()
        let expected = try sota(["leaderboard", "--json"], in: folder.path)
        try FileManager.default.createDirectory(atPath: folder.url("runs/deeper"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder.url("outside"), withIntermediateDirectories: true)
        for (arguments, directory) in [(["leaderboard", "--json"], folder.url("runs/deeper")),
                                       (["leaderboard", "--json", "--project", ".."], folder.url("outside"))] {
            let run = try sota(arguments, in: directory)
            #expect(run.status == 0, "\(arguments) in \(directory): \(run.err)")
            #expect(run.out == expected.out)
        }
    }

    @Test func usageErrorsExit64() throws {
        let folder = try Self.project()
        for arguments in [["leaderboard", "--top", "0"], ["leaderboard", "--direction", "sideways"], ["leaderboard", "--top", "ten"],
                          ["leaderboard", "--json", "--csv"], ["leaderboard", "--bogus"], ["leaderboard", "--top"],
                          ["leaderboard", "--top", "100001"]] {
            let run = try sota(arguments, in: folder.path)
            #expect(run.status == 64, "\(arguments): \(run.err)")
            #expect(run.out.isEmpty)
        }
    }

    @Test func theLeaderboardKeyAndSOTALeaderboardMoveTheDatabase() throws {
        let folder = try Self.project()
        let before = try sota(["leaderboard", "--csv"], in: folder.path)
        try FileManager.default.createDirectory(atPath: folder.url("elsewhere"), withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: folder.url(".sota/leaderboard.sqlite"), toPath: folder.url("elsewhere/board.sqlite"))
        folder.write("sota.yaml", "# moved\nproject: quick   # the name\nleaderboard: elsewhere/board.sqlite\nmetrics: {nrmse: lower}\n")
        let moved = try sota(["leaderboard", "--csv"], in: folder.path)
        #expect(moved.out == before.out)
        folder.write("sota.yaml", "project: quick\nmetrics: {nrmse: lower}\n")
        let overridden = try sota(["leaderboard", "--csv"], in: folder.path, environment: ["SOTA_LEADERBOARD": "elsewhere/board.sqlite"])
        #expect(overridden.out == before.out)
    }

    @Test func aMissingOrEmptyDatabaseSaysHowRunsArrive() throws {
        let folder = TemporaryDirectory()
        folder.write("sota.yaml", "project: empty\n")
        let first = try sota(["leaderboard", "--experiment", "x"], in: folder.path)
        #expect(first.status == 0, "\(first.err)")
        #expect(first.out == "no runs in full_eval yet for x; `sota run` adds them\n")
        #expect(Paths.kind(of: folder.url(".sota/leaderboard.sqlite")) == .file)
        let empty = try sota(["leaderboard", "--json"], in: folder.path)
        #expect(empty.status == 0 && empty.out == "{\n  \"schema_version\": 1,\n  \"metric\": \"\",\n  \"phase\": \"full_eval\",\n  \"experiment\": null,\n  \"runs\": []\n}\n",
                "\(empty.out)\(empty.err)")
    }

    @Test func corruptOrForeignFilesAreReportedAndLeftUntouched() throws {
        let folder = TemporaryDirectory()
        folder.write("sota.yaml", "project: damaged\n")
        let cases: [(String, [UInt8])] = [
            ("garbage", (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) }),
            ("SQLite header, garbage after", Array("SQLite format 3\0".utf8) + [UInt8](repeating: 0xA5, count: 4080)),
        ]
        for (label, bytes) in cases {
            folder.write(".sota/leaderboard.sqlite", bytes)
            let run = try sota(["leaderboard"], in: folder.path)
            #expect(run.status == 1, "\(label): \(run.err)")
            #expect(run.err.contains("leaderboard.sqlite"), "\(label): \(run.err)")
            #expect(run.out.isEmpty)
            #expect(Array(FileManager.default.contents(atPath: folder.url(".sota/leaderboard.sqlite")) ?? Data()) == bytes, "\(label)")
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
