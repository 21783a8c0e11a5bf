import Foundation
import PropertyBased
import SotaSupport
import SotaConfig
import SotaPlan
import SotaTestSupport
import Testing
import SotaRunRecord

/// Hostile spellings of numbers, and a generator that mixes them with random integers and doubles of every size.
enum HostileNumbers {
    /// Spellings that broke, or could break, a parser or the arithmetic after it: the ends of every integer type, just
    /// past them, Double's limits and beyond, NaN and infinity in the spellings YAML, JSON and Swift know, signs,
    /// empty text, separators, other scripts' digits.
    static let spellings: [String] = [
        "0", "-0", "0.0", "-0.0", "1", "-1", "2", "7", "8", "64", "65", "", " ", ",", ",,", "0,", ",0", "nan", "NaN", "-nan", ".nan", ".NaN",
        "inf", "-inf", "infinity", "-Infinity", ".inf", "-.inf", "1e400", "-1e400", "1e-400", "1e308", "-1e308", "1.7976931348623157e308",
        "4.9e-324", "2.2250738585072014e-308", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
        "-9223372036854775809", "99999999999999999999999", "18446744073709551616", "2147483647", "2147483648", "4294967295",
        "4294967296", "9007199254740993", "1e19", "-1e19", "1e12", "1e15", "0x7fffffffffffffff", "0o777", "1_000", "1,2", "1.5",
        "-1.5", "0.1", "00", "007", "+1", "1e", "e1", "--1", "½", "٣", "1.0e+", "9e999999999999", "99999999999999999:00:00",
        "1-00:00:00", "365-00:00:01", "0:0", "10s", "-5s", "1e400s", "99999999999999999999d", "2026-W53", "9999-W01", "0000-W01",
        "2026-02-30", "-1-01-01", "true", "null", "~", "[]", "{}",
    ]

    /// A hostile spelling, a random integer of any size, a random double of any magnitude, or `1eN`.
    static let generator = Gen<String>.oneOf(
        Gen<String?>.element(of: spellings).map { $0 ?? "0" },
        Gen.int().map { String($0) },
        Gen.double(in: -1e307...1e307).map { "\($0)" },
        Gen.int(in: -400...400).map { "1e\($0)" }
    )

    /// The spellings that broke something before issue 13's fixes; without `SOTA_FUZZ_COUNT`, each target gets one
    /// of them in turn.
    static let core = ["", ",", "-1", "1e400", "-9223372036854775808", "99999999999999999999999", "nan", "-1e19"]

    /// With `SOTA_FUZZ_COUNT=N`, every target gets every spelling plus N drawn values (some ten thousand inputs,
    /// minutes); without it, one core spelling, one other spelling and one drawn value, each taken in turn so the
    /// suite as a whole still meets the core spellings at every kind of input, in seconds.
    static var exhaustive: Int? { ProcessInfo.processInfo.environment["SOTA_FUZZ_COUNT"].flatMap { Int($0) }.map { max(0, $0) } }

    /// The inputs for target number `target` of a property, drawn with a fixed seed so every run tries the same ones.
    static func inputs(_ target: Int, of property: UInt64) -> [String] {
        var random = Xoshiro(seed: (property, UInt64(target), 0x736F_7461, 0x9E37_79B9_7F4A_7C15))
        if let count = exhaustive { return spellings + (0..<count).map { _ in generator.run(using: &random) } }
        let turn = Int(property) * 7 + target
        return [core[turn % core.count], spellings[(turn * 5) % spellings.count], generator.run(using: &random)]
    }

    /// Prints how many inputs a property tried, for the figure (inputs tried / crashes).
    static func report(_ property: String, tried: Int) {
        print("hostile-number property \(property): \(tried) inputs tried, 0 crashes (a crash ends this process)")
    }
}

/// The property over every numeric input sota reads: whatever the number, the command ends with success or a clear
/// error (a usage error naming the flag, a located diagnostic), never a trap. A trap would kill this test process, so
/// the signal of a crash is the test binary dying; the assertions check that failures come with a message and a
/// documented exit status, never 70 (internal error).
@Suite struct HostileNumberPropertyTests {
    /// Exit statuses a command may end with on bad input: success, failed check, stage failed, gate rejected, usage.
    static let documented: Set<Int32> = [0, 1, 2, 3, 64]

    private func expectClean(_ run: CommandRun, _ arguments: [String], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(Self.documented.contains(run.status), "\(arguments): status \(run.status)\n\(run.err)", sourceLocation: sourceLocation)
        #expect(run.status == 0 || !run.err.isEmpty, "\(arguments): failed without a message", sourceLocation: sourceLocation)
    }

    /// Every numeric flag of every command, spelled `--flag=value` so values starting with `-` stay values.
    static let flags: [[String]] = [
        ["run", "--train-config", "configs/good_train.yaml", "--dry-run", "--gpus=$"],
        ["run", "--train-config", "configs/good_train.yaml", "--dry-run", "--max-retries=$"],
        ["run", "--train-config", "configs/good_train.yaml", "--dry-run", "--grace=$"],
        ["run", "--train-config", "configs/good_train.yaml", "--dry-run", "--sweep=training.batch_size=8,$"],
        ["dry-run", "configs/good_train.yaml", "--price=$"],
        ["launch", "--config", "configs/good_train.yaml", "--backend", "slurm", "--dry-run", "--time=$"],
        ["launch", "--config", "configs/good_train.yaml", "--backend", "slurm", "--dry-run", "--gpus=$"],
        ["launch", "--config", "configs/good_train.yaml", "--backend", "slurm", "--dry-run", "--sweep=seed=1,2", "--max-parallel=$"],
        ["launch", "--config", "configs/good_train.yaml", "--dry-run", "--max-price=$"],
        ["launch", "--config", "configs/good_train.yaml", "--dry-run", "--disk=$"],
        ["leaderboard", "--top=$"],
        ["report", "--weekly", "--week", "2026-01-07", "--top=$"],
        ["report", "--weekly", "--week=$"],
        ["status", "20260105-090000-aaaaaaaa", "--lines=$"],
        ["status", "20260105-090000-aaaaaaaa", "--watch", "--interval=$"],
        ["train", "--config", "configs/good_train.yaml", "--epochs=$"],
    ]

    @Test func everyNumericFlag() throws {
        let project = try HostileProject()
        var tried = 0
        defer { HostileNumbers.report("numeric flags", tried: tried) }
        for (index, template) in Self.flags.enumerated() {
            for value in HostileNumbers.inputs(index, of: 1) {
                // A valid epoch count would start real training: `training.epochs` is covered through the config below.
                if template[0] == "train", let epochs = Int(value), epochs > 0 { continue }
                let arguments = template.map { $0.replacingOccurrences(of: "$", with: value) }
                expectClean(project.run(arguments), arguments)
                tried += 1
            }
        }
    }

    /// The key paths of every number, integer and duration in the fixture project's config schema, sota's keys and
    /// the project's (list items and dictionary entries included), found by walking the schema so a field added
    /// later is covered too.
    static func numericConfigPaths() -> [String] {
        var paths: [String] = []
        func walk(_ type: SchemaType, _ path: String) {
            switch type {
            case .integer, .number, .duration: paths.append(path)
            case .list(let item, _): walk(item, path + "[0]")
            case .dictionary(let value): walk(value, path + ".A100-80GB")
            case .mapping(let schema): for field in schema.fields { walk(field.type, path.isEmpty ? field.name : path + "." + field.name) }
            default: break
            }
        }
        walk(Project.load(root: Fixtures.project).0.schema, "")
        return paths
    }

    @Test func everyNumericConfigField() throws {
        let project = try HostileProject(runs: false)
        let paths = Self.numericConfigPaths()
        #expect(paths.count >= 25, "\(paths)")
        var tried = 0
        defer { HostileNumbers.report("config fields", tried: tried) }
        for (index, path) in paths.enumerated() {
            // Evaluation keys live in the evaluation config; training keys are planned and priced by `dry-run`.
            let evaluation = path.hasPrefix("evaluation.") || path.hasPrefix("gates")
            for value in HostileNumbers.inputs(index, of: 2) {
                let arguments = evaluation
                    ? ["validate", "config", "configs/good_eval.yaml", "--set", "\(path)=\(value)"]
                    : ["dry-run", "configs/good_train.yaml", "--set", "\(path)=\(value)"]
                expectClean(project.run(arguments), arguments)
                tried += 1
            }
        }
    }

    /// The project file's numbers, each read by a command that uses it.
    static let projectFields: [(yaml: String, command: [String])] = [
        ("lifecycle: {active_days: $}", ["archive", "--list-only"]),
        ("lifecycle: {stale_days: $}", ["experiment", "list"]),
        ("launch: {slurm: {time: \"$\"}}", ["launch", "--config", "configs/good_train.yaml", "--backend", "slurm", "--dry-run"]),
        ("launch: {slurm: {gpus: $}}", ["launch", "--config", "configs/good_train.yaml", "--backend", "slurm", "--dry-run"]),
        ("launch: {slurm: {max_parallel: $}}", ["launch", "--config", "configs/good_train.yaml", "--backend", "slurm", "--dry-run", "--sweep", "seed=1,2"]),
        ("launch: {vast: {disk_gb: $, max_price: $, min_reliability: $}}", ["launch", "--config", "configs/good_train.yaml", "--dry-run"]),
        ("constraints: [{range: {key: latent.dim, min: $, max: $}}]", ["validate", "config", "configs/good_train.yaml"]),
        ("constraints: [{divisible: {key: training.batch_size, by: $}}]", ["validate", "config", "configs/good_train.yaml"]),
        ("constraints: [{divisible: {key: notes.n, by: notes.m}}]\nsections: [notes]", ["validate", "config", "hostile.yaml"]),
    ]

    @Test func everyNumericProjectField() throws {
        let project = try HostileProject(runs: false)
        let config = String(decoding: FileManager.default.contents(atPath: project.folder.url("p/configs/good_train.yaml")) ?? Data(), as: UTF8.self)
        var tried = 0
        defer { HostileNumbers.report("project fields", tried: tried) }
        for (index, field) in Self.projectFields.enumerated() {
            for value in HostileNumbers.inputs(index, of: 3) {
                project.folder.write("p/sota.yaml", "project: hostile\nruns: runs\nprices: configs/prices.yaml\n"
                                     + field.yaml.replacingOccurrences(of: "$", with: value) + "\n")
                // The last field divides two team keys: the dividend Int.min, the divisor the hostile value.
                project.folder.write("p/hostile.yaml", config.replacingOccurrences(of: "notes:\n  owner: fixture",
                                                                                  with: "notes:\n  n: -9223372036854775808\n  m: \(value)"))
                expectClean(project.run(field.command), [field.yaml, value] + field.command)
                tried += 1
            }
        }
    }

    /// Every numeric member of a manifest, by its JSON key (the first member with that key in the encoded manifest).
    static let manifestFields = ["gpu_count", "seconds", "attempts", "work", "exit_code", "nrmse", "threshold", "value", "baseline",
                                 "required_improvement", "size", "schema_version"]

    /// A manifest sota would write, with every member of ``manifestFields`` present and plausible.
    private static func plausibleManifest(_ id: String) throws -> String {
        var manifest = RunManifest(
            runID: id, experiment: "burgers-golden", created: "2026-01-07T09:00:00.000Z",
            config: .init(path: "configs/good_train.yaml", hash: "hash-\(id)"), evalConfigs: [:],
            git: .init(commit: nil, branch: nil, dirty: false, dirtyFiles: [], state: "no-repository"),
            data: [.init(path: "data/tiny.npz", sha256: String(repeating: "0", count: 64), size: 1234)], host: "node-1",
            hardware: .init(gpuType: "A100-80GB", gpuCount: 2, devices: "0,1", platform: "cuda"),
            stages: [RunManifest.StageRecord(name: "operator", phase: "train", log: "logs/operator.log")]
        )
        manifest.stages[0].status = .succeeded
        manifest.stages[0].seconds = 600
        manifest.stages[0].attempts = 1
        manifest.stages[0].work = 100
        manifest.stages[0].exitCode = 0
        manifest.stages[0].finished = "2026-01-07T10:00:00.000Z"
        manifest.status = .succeeded
        manifest.updated = "2026-01-07T10:00:00.000Z"
        manifest.passed = true
        manifest.metrics = ["full_eval": ["nrmse": 0.05]]
        manifest.gates = [RunManifest.GateRecord(name: "nrmse", phase: "full_eval", metric: "nrmse", direction: "lower", threshold: 0.3,
                                                 value: 0.05, baseline: 0.06, baselineRun: "r0", requiredImprovement: 0.01,
                                                 passed: true, reason: "ok")]
        return String(decoding: try manifest.encoded(), as: UTF8.self)
    }

    /// `text` with the number after the first `"key" : ` replaced by `value`.
    private static func replacing(_ key: String, in text: String, with value: String) -> String? {
        guard let range = text.range(of: "\"\(key)\" : ") else { return nil }
        let number = text[range.upperBound...].prefix { "-+.eE0123456789".contains($0) }
        guard !number.isEmpty else { return nil }
        return text.replacingCharacters(in: range.upperBound..<number.endIndex, with: value)
    }

    @Test func everyNumericManifestFieldThenEveryReader() throws {
        let project = try HostileProject()
        let id = "20260107-090000-cccccccc"
        let text = try Self.plausibleManifest(id)
        // Unchanged, the manifest is indexed: what ingest accepts below reaches every reader.
        project.folder.write("p/runs/\(id)/manifest.json", text)
        let plain = project.run(["ingest", "runs/\(id)"])
        #expect(plain.status == 0, "\(plain.err)")
        var tried = 0
        defer { HostileNumbers.report("manifest fields", tried: tried) }
        for (index, key) in Self.manifestFields.enumerated() {
            for value in HostileNumbers.inputs(index, of: 4) {
                let hostile = try #require(Self.replacing(key, in: text, with: value), "\(key)")
                project.folder.write("p/runs/\(id)/manifest.json", hostile)
                tried += 1
                for arguments in [["ingest", "runs/\(id)"], ["leaderboard", "--json"], ["compare", id, "20260105-090000-aaaaaaaa"],
                                  ["report", "--weekly", "--week", "2026-01-07"]] where HostileNumbers.exhaustive != nil || arguments[0] != "compare" {
                    expectClean(project.run(arguments), [key, value] + arguments)
                }
            }
        }
    }

    /// Every numeric column of every table the read commands use, with the queries that read each.
    static let columns: [(table: String, column: String)] = [
        ("runs", "total_seconds"), ("runs", "gpu_count"), ("runs", "passed"), ("runs", "git_dirty"), ("metrics", "value"),
        ("stage_timings", "seconds"), ("stage_timings", "attempts"), ("stage_timings", "work"), ("gate_outcomes", "threshold"),
        ("gate_outcomes", "value"), ("gate_outcomes", "baseline"), ("gate_outcomes", "required_improvement"), ("gate_outcomes", "passed"),
        ("promotions", "forced"), ("promotions", "rolled_back"),
    ]

    @Test func everyLeaderboardColumnThenEveryReader() throws {
        let project = try HostileProject()
        // A promotion, so the promotions table has a row to damage.
        try project.sql("""
            insert into promotions (run_id, experiment, config_path, production_path, promoted_at, forced)
            values ('20260105-090000-aaaaaaaa', 'burgers-golden', 'configs/good_train.yaml', 'configs/prod.yaml', '2026-01-05T11:00:00.000Z', 0)
            """)
        let pristine = try #require(FileManager.default.contents(atPath: project.database))
        var tried = 0
        defer { HostileNumbers.report("leaderboard columns", tried: tried) }
        for (index, column) in Self.columns.enumerated() {
            for value in HostileNumbers.inputs(index, of: 5) {
                try pristine.write(to: URL(fileURLWithPath: project.database))
                // As text, as the number SQLite reads it (when it is one), and as a blob.
                let quoted = "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
                let literal = Double(value) != nil && !value.contains(where: { $0.isLetter }) ? value : quoted
                let blob = "x'\(Array(value.utf8).map { String(format: "%02x", $0) }.joined())'"
                for stored in Set(HostileNumbers.exhaustive == nil ? [literal] : [quoted, literal, blob]) {
                    try project.sql("update \(column.table) set \(column.column) = \(stored)")
                    tried += 1
                    for arguments in [["leaderboard"], ["report", "--weekly", "--week", "2026-01-07"], ["dry-run", "configs/good_train.yaml", "--estimate-only"]]
                        where HostileNumbers.exhaustive != nil || arguments[0] != "dry-run" {
                        expectClean(project.run(arguments), ["\(column.table).\(column.column) = \(stored)"] + arguments)
                    }
                }
            }
        }
    }
}
