import Foundation
import SotaSupport
import SotaTestSupport
import Testing

/// The secret-leak probe corpus (issue 13): a distinct secret planted in every place one can come from (the
/// environment, the Vast key file, `launch.environment`, URL credentials in the git remote, `launch.repository`,
/// `launch.results`, `launch.data_url` and their flags), then sota's commands run through the built binary, and every
/// sink searched for every secret: each command's standard output and error, every file left under the project and
/// HOME (the SQLite leaderboard's bytes included), and what the loopback Vast API received, outside the create
/// request's `env` (where the secrets that must reach the instance go, and only those).
@Suite(.serialized) struct SecretProbeTests {
    /// One planted secret: where it comes from and its value (each unique, so a leak names its source).
    struct Secret: Hashable {
        var source: String
        var value: String
    }

    static let vastEnvKey = Secret(source: "VAST_API_KEY", value: "probe-vast-env-1f3a9c")
    static let vastFileKey = Secret(source: "Vast key file", value: "probe-vast-file-8c2d41")
    static let tracking = Secret(source: "TRACKING_API_KEY (launch.environment)", value: "probe-tracking-5e71b0")
    static let awsKeyID = Secret(source: "AWS_ACCESS_KEY_ID", value: "AKIAPROBE7Q2W4Z")
    static let awsSecret = Secret(source: "AWS_SECRET_ACCESS_KEY", value: "probe-aws-secret-9b4e22")
    static let wandb = Secret(source: "WANDB_API_KEY", value: "probe-wandb-0d6c37")
    static let huggingFace = Secret(source: "HF_TOKEN", value: "hf_probe3a8f5d")
    static let remoteToken = Secret(source: "token in the origin URL", value: "glpat-probe-44e1f0")
    static let repositoryPassword = Secret(source: "password in launch.repository", value: "probe-repo-pass-72c9")
    static let dataPassword = Secret(source: "password in launch.data_url", value: "probe-data-pass-61d0")
    static let resultsPassword = Secret(source: "password in launch.results", value: "probe-results-pass-3e58")
    static let dataFlagPassword = Secret(source: "password in --data-url", value: "probe-flag-pass-b7a2")
    static let resultsFlagPassword = Secret(source: "password in --results", value: "probe-flag-pass-d019")
    static let apiURLPassword = Secret(source: "password in launch.vast.api_url", value: "probe-api-pass-c4f6")
    static let all = [vastEnvKey, vastFileKey, tracking, awsKeyID, awsSecret, wandb, huggingFace, remoteToken, repositoryPassword,
                      dataPassword, resultsPassword, dataFlagPassword, resultsFlagPassword, apiURLPassword]

    /// Counts (secret, sink) checks and names every leak.
    final class Ledger {
        var probes = 0
        var leaks: [String] = []
        /// Every sink searched, in order.
        var sinks: [String] = []

        /// Searches `bytes` for every secret not in `allowed`.
        func check(_ sink: String, _ bytes: Data, allowing allowed: Set<Secret> = []) {
            sinks.append(sink)
            for secret in SecretProbeTests.all where !allowed.contains(secret) {
                probes += 1
                if bytes.range(of: Data(secret.value.utf8)) != nil { leaks.append("\(secret.source) in \(sink)") }
            }
        }

        func check(_ sink: String, _ text: String, allowing allowed: Set<Secret> = []) {
            check(sink, Data(text.utf8), allowing: allowed)
        }

        /// Both output streams of a command.
        func check(_ command: String, _ run: BinaryRun) {
            check("stdout of `sota \(command)`", run.out)
            check("stderr of `sota \(command)`", run.err)
        }

        /// Every file under `folder` except `skipping` (paths relative to it; a folder skips what is inside).
        func checkFiles(under folder: String, label: String, skipping: [String]) {
            let files = FileManager.default.enumerator(atPath: folder)?.compactMap { $0 as? String } ?? []
            for file in files.sorted() where !skipping.contains(where: { file == $0 || file.hasPrefix($0 + "/") }) {
                let path = Paths.join(folder, file)
                guard Paths.kind(of: path) == .file, let bytes = FileManager.default.contents(atPath: path) else { continue }
                check("\(label)/\(file)", bytes)
            }
        }
    }

    /// The demo project in a git repository whose origin URL carries a token, a HOME with a Vast key file, and the
    /// loopback Vast API (which takes any key, so the test sees which key each request carried).
    final class Fixture {
        let folder = TemporaryDirectory()
        let server: LoopbackVastServer
        let ledger = Ledger()
        var project: String { folder.url("project") }
        var home: String { folder.url("home") }
        let baseYAML: String

        init() throws {
            server = try LoopbackVastServer(apiKey: nil)
            for item in ["sota.yaml", "configs", "scripts", "data"] { folder.copy(Paths.join(Repository.root, item), to: "project/" + item) }
            folder.copy(Paths.join(Repository.root, "data/burgers_1d.npz"), to: "datasets/burgers_1d.npz")
            folder.write("project/.gitignore", "/runs/\n/.sota/\n/.vast/\n/reports/\n/experiments/\n__pycache__/\n")
            folder.write("home/.config/vastai/vast_api_key", SecretProbeTests.vastFileKey.value + "\n")
            baseYAML = try String(contentsOfFile: folder.url("project/sota.yaml"), encoding: .utf8)
            writeLaunchSettings()
            try git("init", "-q", "--bare", "-b", "main", folder.url("remote.git"))
            try git("init", "-q", "-b", "main", project)
            try git("-C", project, "remote", "add", "origin", folder.url("remote.git"))
            try git("-C", project, "add", "-A")
            try git("-C", project, "commit", "-q", "-m", "demo")
            try git("-C", project, "push", "-q", "origin", "main")
            // origin/main now holds the commit; from here on the origin URL is one with a token in it.
            try git("-C", project, "remote", "set-url", "origin",
                    "https://oauth2:\(SecretProbeTests.remoteToken.value)@git.example.invalid/team/repo.git")
        }

        /// sota.yaml with a `launch:` section; `extra` lines go into it (they override the file:// defaults).
        func writeLaunchSettings(_ extra: [String: String] = [:], apiURL: String? = nil, sotaBinary: String? = nil) {
            var settings = ["results": "file://\(folder.url("results"))", "data_url": "file://\(folder.url("datasets"))"]
            settings.merge(extra) { $1 }
            let lines = settings.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)" }.joined(separator: "\n")
            folder.write("project/sota.yaml", baseYAML + """

            launch:
            \(lines)
              environment: [TRACKING_API_KEY]
              vast:
                api_url: \(apiURL ?? server.baseURL)
                gpu: RTX 4090
                disk_gb: 40
                max_price: 0.5
            \(sotaBinary.map { "    sota_binary: \($0)" } ?? "")
              slurm:
                gpus: 0
                time: "00:05:00"

            """)
        }

        /// `sota.yaml:LINE:COLUMN` of the value of the first `key:` line in sota.yaml, as diagnostics name it.
        func location(of key: String) throws -> String {
            let lines = try String(contentsOfFile: Paths.join(project, "sota.yaml"), encoding: .utf8).components(separatedBy: "\n")
            let index = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix(key + ": ") })
            let column = lines[index].prefix { $0 == " " }.count + key.count + 3
            return "sota.yaml:\(index + 1):\(column)"
        }

        func git(_ arguments: String...) throws {
            let run = try ProgramRun(["git", "-c", "user.name=T", "-c", "user.email=t@example.com"] + arguments)
            #expect(run.status == 0, "git \(arguments.joined(separator: " ")): \(run.err)")
        }

        /// Every secret in the environment; the Vast key from the variable, or (`keyFile`) from the key file only.
        func environment(keyFile: Bool = false) -> [String: String] {
            var environment = ProcessInfo.processInfo.environment
            for name in ["XDG_CONFIG_HOME", "AWS_SESSION_TOKEN", "B2_APPLICATION_KEY", "B2_APPLICATION_KEY_ID"] { environment[name] = nil }
            environment["HOME"] = home
            environment["VAST_API_KEY"] = keyFile ? nil : SecretProbeTests.vastEnvKey.value
            environment["TRACKING_API_KEY"] = SecretProbeTests.tracking.value
            environment["AWS_ACCESS_KEY_ID"] = SecretProbeTests.awsKeyID.value
            environment["AWS_SECRET_ACCESS_KEY"] = SecretProbeTests.awsSecret.value
            environment["WANDB_API_KEY"] = SecretProbeTests.wandb.value
            environment["HF_TOKEN"] = SecretProbeTests.huggingFace.value
            return environment
        }

        /// Runs `sota arguments` and checks both output streams.
        @discardableResult
        func sota(_ arguments: [String], keyFile: Bool = false, expect status: Int32? = 0) throws -> BinaryRun {
            let run = try BinaryRun(arguments, in: project, environment: environment(keyFile: keyFile))
            if let status { #expect(run.status == status, "sota \(arguments.joined(separator: " ")): \(run.out)\(run.err)") }
            ledger.check(arguments.joined(separator: " "), run)
            return run
        }

        /// The number of requests the API has received, to tell which came from the next command.
        func requestCount() throws -> Int { try server.requests().count }

        /// Checks the requests after the first `since`: each outside its create request's `env` and its Authorization
        /// header (which may hold only `key`); the create request's onstart decoded when it ships compressed; and
        /// that `env` holds every secret in `travelling` and no other planted one (nil: `env` is not looked at).
        func checkRequests(since: Int, key: Secret, travelling: Set<Secret>?, phase: String) throws {
            for request in try server.requests().dropFirst(since) {
                let name = "\(phase): \(request.method) \(request.path)"
                ledger.check("\(name) Authorization header", request.authorization ?? "", allowing: [key])
                guard var body = request.body else {
                    ledger.check("\(name) body", request.bodyText)
                    continue
                }
                if let environment = body["env"] as? [String: String], let travelling {
                    let values = environment.values.joined(separator: "\n")
                    ledger.check("\(name) env", values, allowing: travelling)
                    for secret in travelling {
                        #expect(environment.values.contains(secret.value), "\(phase): \(secret.source) must reach the instance's env")
                    }
                }
                body["env"] = nil
                if let onstart = body["onstart"] as? String, onstart.contains("<<'SOTA_ONSTART'") {
                    // The compressed stub: the script is the base64 lines between the here-document's markers.
                    let lines = onstart.components(separatedBy: "\n")
                    let payload = lines.drop { !$0.contains("<<'SOTA_ONSTART'") }.dropFirst().prefix { $0 != "SOTA_ONSTART" }
                    let decoded = try ProgramRun(["bash", "-c", "base64 -d | gunzip"], input: payload.joined(separator: "\n") + "\n")
                    #expect(decoded.status == 0 && decoded.out.hasPrefix("#!/bin/bash"), "the compressed onstart decodes: \(decoded.err)")
                    ledger.check("\(name) onstart (decoded)", decoded.out)
                }
                let rest = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
                ledger.check("\(name) body without env", rest)
            }
        }
    }

    static let golden = "configs/train_burgers_golden.yaml"
    static let vast = ["launch", "--config", golden, "--backend", "vast"]
    static let slurmDryRun = ["launch", "--config", golden, "--backend", "slurm", "--dry-run"]

    /// The run id a launch printed.
    static func runID(in output: String) throws -> String {
        let line = try #require(output.split(separator: "\n").first { $0.hasPrefix("run       ") }, "\(output)")
        return String(line.dropFirst(10).prefix { $0 != ":" })
    }

    /// The run folders with a manifest: the local runs (a launch's folder has none until its results are ingested).
    func localRuns(_ fixture: Fixture) -> Set<String> {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: Paths.join(fixture.project, "runs"))) ?? []
        return Set(names.filter { Paths.kind(of: Paths.join(fixture.project, "runs/\($0)/manifest.json")) == .file })
    }

    @Test func noPlantedSecretReachesAnySink() throws {
        let fixture = try Fixture()

        // Phase 1: the key from VAST_API_KEY, the repository from the origin URL (its token travels as
        // SOTA_GIT_PASSWORD), file:// results and data. Launch first, while the work tree is clean.
        try fixture.sota(["validate", "config", Self.golden])
        try fixture.sota(["dry-run", Self.golden])
        var since = try fixture.requestCount()
        try fixture.sota(Self.vast + ["--dry-run", "--auto-shutdown"])
        let launched = try fixture.sota(Self.vast + ["--auto-shutdown"])
        let vastRun = try Self.runID(in: launched.out)
        try fixture.sota(["status", vastRun])
        try fixture.sota(["status", vastRun, "--json"])
        try fixture.sota(["cancel", vastRun])
        try fixture.checkRequests(since: since, key: Self.vastEnvKey, travelling: [Self.vastEnvKey, Self.tracking, Self.remoteToken],
                                  phase: "origin token, VAST_API_KEY")
        try fixture.sota(Self.slurmDryRun)

        // The local commands: two runs to compare, an experiment, the catalog and the weekly report.
        try fixture.sota(["run", "--train-config", Self.golden])
        try fixture.sota(["run", "--train-config", Self.golden, "--set", "seed=7"])
        let runs = localRuns(fixture).sorted()
        #expect(runs.count == 2, "two local runs: \(runs)")
        let local = runs
        try fixture.sota(["leaderboard"])
        try fixture.sota(["leaderboard", "--json"])
        if local.count == 2 { try fixture.sota(["compare", local[0], local[1]]) }
        try fixture.sota(["experiment", "new", "probe", "--set", "latent.dim=32", "--set", "operator.pdet.input_dim=32"])
        try fixture.sota(["experiment", "list"])
        try fixture.sota(["experiment", "show", "probe"])
        try fixture.sota(["catalog"])
        try fixture.sota(["report", "--weekly"])

        // Phase 2: the key from the key file, `launch.repository` with a password (the origin's token must now go
        // nowhere), s3:// results so the AWS keys travel.
        fixture.writeLaunchSettings(["repository": "https://deploy:\(Self.repositoryPassword.value)@git.example.invalid/team/mirror.git",
                                     "results": "s3://probe-bucket/runs"],
                                    // A release download: with s3:// results, the default upload of this sota would need S3.
                                    sotaBinary: "{url: https://releases.example.invalid/sota-1.4.0-linux-x86_64.tar.gz, sha256: \(String(repeating: "0f", count: 32))}")
        since = try fixture.requestCount()
        try fixture.sota(Self.vast + ["--dry-run", "--auto-shutdown", "--allow-dirty"], keyFile: true)
        let second = try fixture.sota(Self.vast + ["--auto-shutdown", "--allow-dirty"], keyFile: true)
        let secondRun = try Self.runID(in: second.out)
        try fixture.sota(["status", secondRun], keyFile: true)
        try fixture.sota(["cancel", secondRun], keyFile: true)
        try fixture.checkRequests(since: since, key: Self.vastFileKey,
                                  travelling: [Self.vastFileKey, Self.tracking, Self.repositoryPassword, Self.awsKeyID, Self.awsSecret],
                                  phase: "launch.repository, key file")
        try fixture.sota(Self.slurmDryRun + ["--allow-dirty"], keyFile: true, expect: nil)

        // Phase 3: credentials in the storage URLs (sota.yaml and flags) and in the API URL are refused before anything
        // is rented, and the refusal masks them.
        since = try fixture.requestCount()
        fixture.writeLaunchSettings(["data_url": "https://reader:\(Self.dataPassword.value)@data.example.invalid/datasets",
                                     "results": "s3://uploader:\(Self.resultsPassword.value)@probe-bucket/runs"])
        for extra in [["--dry-run"], []] {
            let refused = try fixture.sota(Self.vast + extra + ["--allow-dirty"], expect: 1)
            let data = try fixture.location(of: "data_url"), results = try fixture.location(of: "results")
            #expect(refused.err.contains("\(data): error: `https://***@data.example.invalid/datasets` is not a storage URL: it carries a credential"),
                    "\(refused.err)")
            #expect(refused.err.contains("\(results): error: `s3://***@probe-bucket/runs` is not a storage URL"), "\(refused.err)")
        }
        fixture.writeLaunchSettings()
        for extra in [["--dry-run"], []] {
            // Another GPU than the other launches rent, so a regression that accepts the URLs still finds an offer.
            let flags = ["--data-url", "https://u:\(Self.dataFlagPassword.value)@data.example.invalid/d",
                         "--results", "s3://k:\(Self.resultsFlagPassword.value)@probe-bucket/r"]
            let refused = try fixture.sota(Self.vast + extra + ["--allow-dirty", "--gpu", "A100 SXM4", "--max-price", "3"] + flags, expect: 1)
            #expect(refused.err.contains("error: --data-url: `https://***@data.example.invalid/d` is not a storage URL"), "\(refused.err)")
            #expect(refused.err.contains("error: --results: `s3://***@probe-bucket/r` is not a storage URL"), "\(refused.err)")
        }
        fixture.writeLaunchSettings(apiURL: fixture.server.baseURL.replacingOccurrences(of: "://", with: "://probe:\(Self.apiURLPassword.value)@"))
        for extra in [["--dry-run"], []] {
            let refused = try fixture.sota(Self.vast + extra + ["--allow-dirty", "--gpu", "H100 SXM", "--max-price", "3"], expect: 1)
            let apiURL = try fixture.location(of: "api_url")
            #expect(refused.err.contains("\(apiURL): error: `http://***@127.0.0.1:"), "\(refused.err)")
        }
        #expect(try fixture.requestCount() == since, "nothing was asked of Vast with a credential in a URL")
        try fixture.checkRequests(since: since, key: Self.vastEnvKey, travelling: nil, phase: "credentials in URLs")
        fixture.writeLaunchSettings()
        try fixture.sota(["validate", "config", Self.golden])

        // Every file left behind: sota.yaml and .git/config hold secrets because the test put them there.
        fixture.ledger.checkFiles(under: fixture.project, label: "project", skipping: ["sota.yaml", ".git"])
        fixture.ledger.checkFiles(under: fixture.home, label: "HOME", skipping: [".config/vastai/vast_api_key"])

        let ledger = fixture.ledger
        print("secret probes: \(ledger.probes), leaks: \(ledger.leaks.count)")
        let streams = ledger.sinks.filter { $0.hasPrefix("stdout of") || $0.hasPrefix("stderr of") }.count
        let files = ledger.sinks.filter { $0.hasPrefix("project/") || $0.hasPrefix("HOME/") }.count
        print("(\(Self.all.count) secrets, \(ledger.sinks.count) sinks: \(streams) output streams, \(files) files, "
              + "\(ledger.sinks.count - streams - files) parts of API requests)")
        // SOTA_LIST_SINKS=1 lists every sink searched.
        if ProcessInfo.processInfo.environment["SOTA_LIST_SINKS"] == "1" { print(ledger.sinks.joined(separator: "\n")) }
        #expect(ledger.leaks.isEmpty, "leaks:\n\(ledger.leaks.joined(separator: "\n"))")
    }
}
