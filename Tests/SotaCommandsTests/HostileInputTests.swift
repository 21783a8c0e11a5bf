import Foundation
import SotaSupport
import SotaPlan
import SotaTestSupport
import Testing
import SotaRunRecord

/// A copy of the fixture project with a leaderboard of two measured runs, for issue 13's reproducers.
struct HostileProject {
    let folder = TemporaryDirectory()
    /// The project root.
    var root: String { folder.url("p") }
    /// The leaderboard file the commands open.
    var database: String { folder.url("p/.sota/leaderboard.sqlite") }

    init(runs: Bool = true) throws {
        folder.copy(Fixtures.project, to: "p")
        guard runs else { return }
        for (index, id) in ["20260105-090000-aaaaaaaa", "20260106-090000-bbbbbbbb"].enumerated() {
            var manifest = RunManifest(
                runID: id, experiment: "burgers-golden", created: "2026-01-0\(5 + index)T09:00:00.000Z",
                config: .init(path: "configs/good_train.yaml", hash: "hash-\(id)"), evalConfigs: [:],
                git: .init(commit: nil, branch: nil, dirty: false, dirtyFiles: [], state: "no-repository"),
                data: [], host: "node-1", hardware: .init(gpuType: "A100-80GB", gpuCount: 1, devices: "0", platform: "cuda"),
                stages: [RunManifest.StageRecord(name: "operator", phase: "train", log: "logs/operator.log")]
            )
            manifest.stages[0].status = .succeeded
            manifest.stages[0].seconds = 600
            manifest.stages[0].attempts = 1
            manifest.stages[0].finished = "2026-01-0\(5 + index)T10:00:00.000Z"
            manifest.status = .succeeded
            manifest.updated = "2026-01-0\(5 + index)T10:00:00.000Z"
            manifest.passed = true
            manifest.metrics = ["full_eval": ["nrmse": 0.05 + Double(index) / 100]]
            try FileManager.default.createDirectory(atPath: folder.url("p/runs/\(id)"), withIntermediateDirectories: true)
            try manifest.write(to: folder.url("p/runs/\(id)/manifest.json"))
        }
        let ingest = run(["ingest", "runs"])
        #expect(ingest.status == 0, "\(ingest.err)")
    }

    /// Runs `sota` in the project.
    func run(_ arguments: [String]) -> CommandRun { CommandRun(arguments, in: root) }

    /// Runs one SQL statement on the leaderboard with the `sqlite3` program, as a person editing it would.
    func sql(_ statement: String) throws {
        let result = try ProgramRun(["sqlite3", database, statement])
        #expect(result.status == 0, "sqlite3: \(result.err)")
    }

    /// The project file's text.
    var projectFile: String { String(decoding: FileManager.default.contents(atPath: folder.url("p/sota.yaml")) ?? Data(), as: UTF8.self) }
}

/// Issue 13's crash reproducers through the command line, in-process: each is refused with a message naming the flag,
/// key or file (or formatted), never a trap, which would kill this test process.
@Suite struct HostileInputTests {
    @Test func slurmTimeBeyondAnyIntegerIsAUsageError() throws {
        let project = try HostileProject(runs: false)
        let run = project.run(["launch", "--config", "configs/good_train.yaml", "--backend", "slurm", "--time", "99999999999999999:00:00", "--dry-run"])
        #expect(run.status == 64, "\(run.err)")
        #expect(run.err.contains("--time is longer than 365 days, found `99999999999999999:00:00`"), "\(run.err)")
    }

    @Test func slurmTimeBeyondAnyIntegerInTheProjectFileIsLocated() throws {
        let project = try HostileProject(runs: false)
        let line = project.projectFile.split(separator: "\n", omittingEmptySubsequences: false).count + 2
        project.folder.write("p/sota.yaml", project.projectFile + "launch:\n  slurm:\n    time: \"99999999999999999:00:00\"\n")
        let run = project.run(["launch", "--config", "configs/good_train.yaml", "--backend", "slurm", "--dry-run"])
        #expect(run.status == 1, "\(run.err)")
        #expect(run.err.contains("sota.yaml:\(line):11: error: launch.slurm.time is longer than 365 days"), "\(run.err)")
        #expect(run.err.contains("launch stopped: nothing was submitted"))
    }

    @Test func anEmptyDeviceListIsAUsageErrorNamingGpus() throws {
        let project = try HostileProject(runs: false)
        for devices in [",", "", "0,,1", "1,", ",0", "½", "٣", "0, 1", "-1"] {
            let run = project.run(["run", "--train-config", "configs/good_train.yaml", "--gpus=\(devices)", "--dry-run"])
            #expect(run.status == 64, "\(devices): \(run.err)")
            // An empty value is refused by the argument parser itself ("Missing value for '--gpus <ids>'").
            #expect(run.err.contains(devices.isEmpty ? "--gpus <ids>" : "--gpus takes device ids such as 0 or 0,1"), "\(devices): \(run.err)")
        }
        let good = project.run(["run", "--train-config", "configs/good_train.yaml", "--gpus", "0,1", "--dry-run"])
        #expect(good.status == 0, "\(good.err)")
        #expect(good.out.contains("on 2 devices (0, 1)"))
    }

    @Test func oneAssignmentPerSetFlag() throws {
        let project = try HostileProject(runs: false)
        let commands: [[String]] = [
            ["validate", "config", "configs/good_train.yaml"], ["dry-run", "configs/good_train.yaml"],
            ["run", "--train-config", "configs/good_train.yaml", "--dry-run"], ["experiment", "new", "wider"],
        ]
        for command in commands {
            let run = project.run(command + ["--set", "latent.dim=32", "operator.pdet.input_dim=32"])
            #expect(run.status == 64, "\(command): \(run.err)")
            #expect(run.err.contains("one key=value per --set: write --set latent.dim=32 --set operator.pdet.input_dim=32"), "\(command): \(run.err)")
        }
        // A file whose name merely looks like an assignment is still a file.
        project.folder.copy(project.folder.url("p/configs/good_train.yaml"), to: "p/configs/lr=0.1.yaml")
        let file = project.run(["validate", "config", "--set", "latent.dim=16", "configs/lr=0.1.yaml"])
        #expect(file.status == 0, "\(file.err)")
    }

    @Test func hostileDurationsInTheLeaderboardAreFormatted() throws {
        let project = try HostileProject()
        // The issue's reproducer stored -1e19 through a manifest; the formatting must hold for any stored value.
        for seconds in ["-1e19", "1e19", "9e999", "-9e999", "1e300", "-0.4", "9223372036854775807"] {
            try project.sql("update runs set total_seconds = \(seconds) where run_id like '20260105%'")
            let run = project.run(["leaderboard"])
            #expect(run.status == 0, "\(seconds): \(run.err)")
            #expect(run.out.contains("20260105-090000-aaaaaaaa"), "\(seconds): \(run.out)")
            let report = project.run(["report", "--weekly", "--week", "2026-01-07"])
            #expect(report.status == 0, "\(seconds): \(report.err)")
        }
        try project.sql("update runs set total_seconds = -1e19")
        #expect(project.run(["leaderboard"]).out.contains("-115740740740741d"))
    }

    @Test func aManifestWithAHugeNegativeStageTimeDoesNotStopTheLeaderboard() throws {
        let project = try HostileProject()
        let path = project.folder.url("p/runs/20260105-090000-aaaaaaaa/manifest.json")
        var manifest = try RunManifest.read(path: path)
        manifest.stages[0].seconds = -1e19
        try manifest.write(to: path)
        // Ingest may refuse such a manifest; either way nothing traps and the leaderboard answers.
        let ingest = project.run(["ingest", "runs/20260105-090000-aaaaaaaa"])
        #expect(ingest.status == 0 || ingest.status == 1, "\(ingest.err)")
        let run = project.run(["leaderboard"])
        #expect(run.status == 0, "\(run.err)")
    }

    @Test func aConfigDatedCenturiesAheadIsCatalogued() throws {
        // Found by the audit: a file time past 2262 (ext4 keeps up to 2446) is more nanoseconds than an Int64 holds.
        let project = try HostileProject(runs: false)
        let far = Date(timeIntervalSince1970: 99_999_999_999_999)
        try FileManager.default.setAttributes([.modificationDate: far], ofItemAtPath: project.folder.url("p/configs/good_train.yaml"))
        for _ in 0..<2 {
            // Twice: the second run reads the facts cache the first one wrote.
            let run = project.run(["catalog"])
            #expect(run.status == 0, "\(run.err)")
            #expect(run.out.contains("good_train.yaml"), "\(run.out)")
        }
    }

    @Test func aDamagedGitActivityCacheIsRebuiltNotTrusted() throws {
        // Found by the audit: `abs(Int.min)` on a time read from the cache file.
        let project = try HostileProject(runs: false)
        for time in ["-9223372036854775808", "9223372036854775807", "99999999999999999999"] {
            project.folder.write("p/.sota/cache/git-activity.json",
                                 "sota git activity cache 1\n\(String(repeating: "a", count: 40))\n\(time)\tabc\texperiments\n")
            for command in [["experiment", "list"], ["catalog"], ["archive", "--list-only"]] {
                let run = project.run(command)
                #expect(run.status == 0, "\(time) \(command): \(run.err)")
            }
        }
    }

    @Test func textInANumericColumnIsTheDamagedLeaderboardRefusal() throws {
        let project = try HostileProject()
        try project.sql("update metrics set value='xyz'")
        let before = FileManager.default.contents(atPath: project.database)
        for command in [["leaderboard"], ["leaderboard", "--json"], ["report", "--weekly", "--week", "2026-01-07"]] {
            let run = project.run(command)
            #expect(run.status == 1, "\(command): \(run.err)")
            #expect(run.err.contains("leaderboard.sqlite: damaged SQLite file (column `value` holds \"xyz\" where a number belongs)"), "\(command): \(run.err)")
        }
        #expect(FileManager.default.contents(atPath: project.database) == before, "the damaged file is left as it was")
        // `compare` reads the runs' manifests, the files of record, and still answers.
        let compare = project.run(["compare", "20260105-090000-aaaaaaaa", "20260106-090000-bbbbbbbb"])
        #expect(compare.status == 0, "\(compare.err)")
    }
}
