import Foundation
import SotaSupport
import SotaTestSupport
import Testing

/// `sota launch --backend vast` through the built binary against the loopback Vast API, with the generated onstart
/// script then executed by real bash in a temporary "instance" folder: clone from a bare repository, fetch the
/// dataset from a file URL, run the demo with the built sota, upload to a local folder, shut down through the API.
@Suite struct VastLaunchTests {
    static let apiKey = "e2e-vast-key-3141"
    static let trackingSecret = "tracking-secret-2718"

    /// A demo project in its own git repository, pushed to a bare "remote", with `launch:` pointing at local folders
    /// and the loopback API.
    final class Fixture {
        let folder = TemporaryDirectory()
        let server: LoopbackVastServer
        var project: String { folder.url("project") }
        var results: String { folder.url("results") }

        init() throws {
            server = try LoopbackVastServer(apiKey: VastLaunchTests.apiKey)
            for item in ["sota.yaml", "configs", "scripts", "data"] { folder.copy(Paths.join(Repository.root, item), to: "project/" + item) }
            folder.copy(Paths.join(Repository.root, "data/burgers_1d.npz"), to: "datasets/burgers_1d.npz")
            folder.write("project/.gitignore", "/runs/\n/.sota/\n/.vast/\n__pycache__/\n")
            let yaml = try String(contentsOfFile: folder.url("project/sota.yaml"), encoding: .utf8)
            folder.write("project/sota.yaml", yaml + """

            launch:
              results: file://\(results)
              data_url: file://\(folder.url("datasets"))
              environment: [TRACKING_API_KEY]
              vast:
                api_url: \(server.baseURL)
                gpu: RTX 4090
                disk_gb: 40
                max_price: 0.5

            """)
            try git("init", "-q", "--bare", "-b", "main", folder.url("remote.git"))
            try git("init", "-q", "-b", "main", project)
            try git("-C", project, "remote", "add", "origin", folder.url("remote.git"))
            try git("-C", project, "add", "-A")
            try git("-C", project, "commit", "-q", "-m", "demo")
            try git("-C", project, "push", "-q", "origin", "main")
        }

        func git(_ arguments: String...) throws {
            let run = try ProgramRun(["git", "-c", "user.name=T", "-c", "user.email=t@example.com"] + arguments)
            #expect(run.status == 0, "git \(arguments.joined(separator: " ")): \(run.err)")
        }

        var environment: [String: String] {
            var environment = ProcessInfo.processInfo.environment
            environment["VAST_API_KEY"] = VastLaunchTests.apiKey
            environment["TRACKING_API_KEY"] = VastLaunchTests.trackingSecret
            environment["AWS_SECRET_ACCESS_KEY"] = "aws-secret-not-needed-for-file-urls"
            return environment
        }

        func sota(_ arguments: [String]) async throws -> BinaryRun {
            try await BinaryRun.run(arguments, in: project, environment: environment)
        }

        /// Runs what Vast received as the instance's onstart, with the environment Vast received plus what Vast sets
        /// itself (CONTAINER_ID); with `fetchSota`, the script copies the binary the launch uploaded to the results
        /// folder and checks it, otherwise SOTA_BIN points it at the built sota.
        func runInstance(_ create: LoopbackVastServer.Request, id: Int, fetchSota: Bool = false, extra: [String: String] = [:]) async throws -> ProgramRun {
            let body = try #require(create.body)
            let onstart = try #require(body["onstart"] as? String)
            var environment = (body["env"] as? [String: String]) ?? [:]
            environment["CONTAINER_ID"] = String(id)
            if !fetchSota { environment["SOTA_BIN"] = Paths.parent(of: BinaryRun.binary) }
            environment["SOTA_WORK_DIR"] = folder.url("instance-\(id)")
            environment["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
            environment["HOME"] = folder.path
            environment.merge(extra) { $1 }
            let script = folder.write("onstart-\(id).sh", onstart)
            return try await ProgramRun.run(["bash", script], environment: environment)
        }

        /// Every file under `path`, concatenated (to look for secrets).
        func allText(under path: String) -> String {
            let files = FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String } ?? []
            return files.compactMap { try? String(contentsOfFile: Paths.join(path, $0), encoding: .utf8) }.joined(separator: "\n")
        }

        func assertNoSecrets(_ texts: String..., sourceLocation: Testing.SourceLocation = #_sourceLocation) {
            for text in texts {
                for secret in [VastLaunchTests.apiKey, VastLaunchTests.trackingSecret, "aws-secret-not-needed"] {
                    #expect(!text.contains(secret), "secret leaked", sourceLocation: sourceLocation)
                }
            }
        }
    }

    static let launch = ["launch", "--config", "configs/train_burgers_golden.yaml", "--backend", "vast"]

    static func runID(in output: String) throws -> String {
        let line = try #require(output.split(separator: "\n").first { $0.hasPrefix("run       ") })
        return String(line.dropFirst(10).prefix { $0 != ":" })
    }

    /// With neither VAST_API_KEY nor HOME, the launch is refused with the usual message before anything is rented. The
    /// key files are looked for only under HOME: a user lookup in the static sota would load the system's NSS
    /// modules (each with a libc of its own) and crash.
    @Test func withoutAKeyOrHomeTheLaunchIsRefused() async throws {
        let fixture = try Fixture()
        var environment = fixture.environment
        for name in ["VAST_API_KEY", "HOME", "XDG_CONFIG_HOME"] { environment[name] = nil }
        let run = try BinaryRun(Self.launch + ["--auto-shutdown"], in: fixture.project, environment: environment)
        #expect(run.status == 1, "\(run.err)")
        #expect(run.err.contains("no Vast API key: set VAST_API_KEY"), "\(run.err)")
        #expect(try !fixture.server.requests().contains { $0.path.hasPrefix("/api/v0/asks/") })
        #expect(Paths.kind(of: Paths.join(fixture.project, ".vast")) == .missing)
    }

    @Test func dryRunPrintsOfferPriceCostAndScriptAndRentsNothing() async throws {
        let fixture = try Fixture()
        let run = try await fixture.sota(Self.launch + ["--dry-run", "--auto-shutdown"])
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.hasPrefix("sota launch --dry-run: nothing rented, nothing written\n"))
        #expect(run.out.contains("offer     1002: 1× RTX 4090, reliability 99.9%, disk 80 GB, Canada, CA"))
        #expect(run.out.contains("price     $0.3500 per hour (the whole instance)"))
        // Issue 13 item 18: the offer's `RTX 4090` finds the config's `RTX-4090` throughput (2.5 samples/s), so every
        // training stage is estimated, not only the declared ones.
        #expect(run.out.contains("estimate  8h40m → $3.03"), "\(run.out)")
        #expect(run.out.contains("env       VAST_API_KEY, VAST_API_URL, TRACKING_API_KEY (values are never printed)"))
        // Issue 16 item 7: the binary is this one, uploaded to the results folder under its hash; a dry run uploads nothing.
        let sha256 = try FileStream.sha256(of: BinaryRun.binary).hex
        #expect(run.out.contains("sota      uploaded from this machine's binary ("), "\(run.out)")
        #expect(run.out.contains("sha256 \(sha256.prefix(12))…) to file://\(fixture.results)/.sota-binaries/\(sha256)/sota, verified before it runs"))
        #expect(run.out.contains("image     pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime, 40 GB disk"))
        #expect(!run.out.contains("swift build"))
        #expect(Paths.kind(of: fixture.results) == .missing)
        #expect(run.out.contains("--- onstart.sh ---\n#!/bin/bash\n"))
        #expect(run.out.contains("cp -- \(fixture.folder.url("datasets/burgers_1d.npz")) data/burgers_1d.npz.part"))
        #expect(Paths.kind(of: Paths.join(fixture.project, "runs")) == .missing)
        #expect(Paths.kind(of: Paths.join(fixture.project, ".vast")) == .missing)
        #expect(try fixture.server.requests().map(\.path) == ["/api/v0/bundles/"])
        fixture.assertNoSecrets(run.out, run.err)
    }

    @Test func launchRunsOnTheInstanceUploadsResultsAndDestroysIt() async throws {
        let fixture = try Fixture()
        let launch = try await fixture.sota(Self.launch + ["--auto-shutdown"])
        #expect(launch.status == 0, "\(launch.err)")
        let id = try Self.runID(in: launch.out)
        let runFolder = Paths.join(fixture.project, "runs/" + id)
        let requests = try fixture.server.requests()
        let create = try #require(requests.first { $0.method == "PUT" && $0.path == "/api/v0/asks/1002/" })
        let body = try #require(create.body)
        // The script is over Vast's 4048-character limit, so it ships as the gzip+base64 stub (which runInstance runs).
        let script = try String(contentsOfFile: Paths.join(runFolder, "onstart.sh"), encoding: .utf8)
        let onstart = try #require(body["onstart"] as? String)
        #expect(onstart == script || (script.count > 4048 && onstart.hasPrefix("#!/bin/bash\n# sota onstart, gzip + base64")))
        #expect(body["image"] as? String == "pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime" && body["disk"] as? Double == 40)
        let sha256 = try FileStream.sha256(of: BinaryRun.binary).hex
        #expect(FileManager.default.contentsEqual(atPath: BinaryRun.binary, andPath: Paths.join(fixture.results, ".sota-binaries/\(sha256)/sota")),
                "the launch uploaded this sota before renting")
        #expect(body["env"] as? [String: String] == ["VAST_API_KEY": Self.apiKey, "VAST_API_URL": fixture.server.baseURL,
                                                    "TRACKING_API_KEY": Self.trackingSecret])
        let record = try String(contentsOfFile: Paths.join(runFolder, "launch.json"), encoding: .utf8)
        #expect(record.contains("\"instance_id\" : 7000001") && record.contains("\"offer_id\" : 1002") && record.contains("\"dph_total\" : 0.35"))
        fixture.assertNoSecrets(launch.out, launch.err, fixture.allText(under: runFolder), fixture.allText(under: Paths.join(fixture.project, ".vast")))

        // The instance fetches that copy and checks its SHA-256 before it runs: no SOTA_BIN, no build.
        let instance = try await fixture.runInstance(create, id: 7000001, fetchSota: true)
        #expect(instance.status == 0, "\(instance.out)\(instance.err)")
        #expect(instance.out.contains("sota onstart: sota from file://\(fixture.results)/.sota-binaries/\(sha256)/sota verified (sha256 \(sha256))"))
        #expect(instance.out.contains("sota onstart: destroyed instance 7000001"))
        let uploaded = Paths.join(fixture.results, id)
        let manifest = try String(contentsOfFile: Paths.join(uploaded, "manifest.json"), encoding: .utf8)
        #expect(manifest.contains("\"status\" : \"succeeded\"") || manifest.contains("\"status\": \"succeeded\""), "\(manifest.prefix(400))")
        #expect(Paths.kind(of: Paths.join(uploaded, "onstart.log")) == .file)
        let shutdown = try #require(try fixture.server.requests().last)
        #expect(shutdown.method == "DELETE" && shutdown.path == "/api/v0/instances/7000001/" && shutdown.authorization == "Bearer \(Self.apiKey)")
        fixture.assertNoSecrets(fixture.allText(under: uploaded))

        let status = try await fixture.sota(["status", id])
        #expect(status.status == 0, "\(status.err)")
        #expect(status.out.contains("instance  7000001 on Vast: gone (destroyed)"))
        #expect(status.out.contains("uploaded, run succeeded"))
        #expect(status.out.contains("sota onstart: exit status 0"))
        let ingest = try await fixture.sota(["ingest", uploaded])
        #expect(ingest.status == 0 && ingest.out.contains("ingested 1 run"), "\(ingest.err)")
        let board = try await fixture.sota(["leaderboard"])
        #expect(board.out.contains(id))
    }

    /// Issue 13, item 11: a token in the origin URL was copied into the dry run, onstart.sh, launch.json and the
    /// create request. It now travels only as the instance's SOTA_GIT_PASSWORD, like the other secrets.
    @Test func aTokenInTheRemoteURLReachesNoOutputFileOrScript() async throws {
        let fixture = try Fixture()
        let token = "glpat-TOKEN-5772"
        try fixture.git("-C", fixture.project, "remote", "set-url", "origin", "https://oauth2:\(token)@git.example.invalid/team/repo.git")
        let dryRun = try await fixture.sota(Self.launch + ["--dry-run", "--auto-shutdown"])
        #expect(dryRun.status == 0, "\(dryRun.err)")
        #expect(dryRun.out.contains("from https://git.example.invalid/team/repo.git"))
        #expect(dryRun.out.contains("SOTA_GIT_USERNAME, SOTA_GIT_PASSWORD"))
        let launch = try await fixture.sota(Self.launch + ["--auto-shutdown"])
        #expect(launch.status == 0, "\(launch.err)")
        let id = try Self.runID(in: launch.out)
        let create = try #require(try fixture.server.requests().first { $0.method == "PUT" && $0.path.hasPrefix("/api/v0/asks/") })
        var body = try #require(create.body)
        let environment = try #require(body["env"] as? [String: String])
        #expect(environment["SOTA_GIT_USERNAME"] == "oauth2" && environment["SOTA_GIT_PASSWORD"] == token)
        body["env"] = nil
        let files = fixture.allText(under: Paths.join(fixture.project, "runs/" + id)) + fixture.allText(under: Paths.join(fixture.project, ".vast"))
        for text in [dryRun.out, dryRun.err, launch.out, launch.err, files, "\(body)"] {
            #expect(!text.contains(token) && !text.contains("oauth2:"), "the token leaked")
        }
        #expect(files.contains("repository=https://git.example.invalid/team/repo.git"))
    }

    @Test func aFailingRunStillUploadsWhatExistsAndDestroysTheInstance() async throws {
        let fixture = try Fixture()
        // A long note makes the script longer than Vast's limit, so this launch ships the compressed stub.
        let note = String(repeating: "a note that only makes the script long; ", count: 18)
        let launch = try await fixture.sota(Self.launch + ["--auto-shutdown", "--set", "notes.text=\(note)"])
        #expect(launch.status == 0, "\(launch.err)")
        let id = try Self.runID(in: launch.out)
        #expect(launch.out.contains(", sent gzip+base64 as "))
        let create = try #require(try fixture.server.requests().first { $0.method == "PUT" })
        #expect((create.body?["onstart"] as? String)?.contains("base64 -d <<'SOTA_ONSTART' | gunzip") == true)

        // sota kills itself when the second training stage starts: a crash in the middle of the run.
        let instance = try await fixture.runInstance(create, id: 7000001, extra: ["SOTA_FAULT_INJECT": "spawn:diff_residual"])
        #expect(instance.status != 0)
        #expect(instance.out.contains("sota onstart: destroyed instance 7000001"), "\(instance.out)\(instance.err)")
        let uploaded = Paths.join(fixture.results, id)
        #expect(Paths.kind(of: Paths.join(uploaded, "markers")) == .directory, "the finished first stage was uploaded")
        #expect(Paths.kind(of: Paths.join(uploaded, "manifest.json")) == .file)
        let log = try String(contentsOfFile: Paths.join(uploaded, "onstart.log"), encoding: .utf8)
        #expect(log.contains("sota onstart: exit status 137"), "\(log.suffix(600))")
        #expect(try fixture.server.requests().last?.method == "DELETE")
    }

    @Test func statusWhileRunningThenCancel() async throws {
        let fixture = try Fixture()
        let launch = try await fixture.sota(Self.launch)
        #expect(launch.status == 0, "\(launch.err)")
        #expect(launch.out.contains("shutdown  none: the instance keeps running"))
        let id = try Self.runID(in: launch.out)
        // Started just now, whatever the wait since the launch on a busy machine: the cost so far rounds to $0.00.
        try fixture.server.setInstance(7000001, fieldsJSON: #"{"start_date": \#(Date().timeIntervalSince1970)}"#)
        let status = try await fixture.sota(["status", String(id.prefix(17))])
        #expect(status.status == 0, "\(status.err)")
        #expect(status.out.contains("instance  7000001 on Vast: loading (asked: running)"))
        #expect(status.out.contains("cost      $0.00 so far (0.00 h at $0.3500/h)"))
        let json = try await fixture.sota(["status", id, "--json"])
        #expect(json.out.contains("\"state\": \"loading (asked: running)\""))
        #expect(json.out.hasPrefix("{\n  \"schema_version\": 1,\n  \"run_id\": "), "\(json.out)")

        // Issue 13 item 17: stopped for an hour and a half, it is billed its storage, not 1.5 h at $0.35/h.
        try fixture.server.setInstance(7000001, fieldsJSON: #"{"actual_status": "exited", "cur_state": "stopped", "start_date": \#(Date().timeIntervalSince1970 - 5400)}"#)
        let stopped = try await fixture.sota(["status", id])
        #expect(stopped.out.contains("instance  7000001 on Vast: stopped (exited)"), "\(stopped.out)")
        #expect(stopped.out.contains("cost      stopped: the GPU is no longer billed; storage $0.0083/h until it is destroyed"), "\(stopped.out)")
        #expect(!stopped.out.contains("so far"))
        let stoppedJSON = try await fixture.sota(["status", id, "--json"])
        #expect(stoppedJSON.out.contains("\"phase\": \"stopped\"") && stoppedJSON.out.contains("\"billed_per_hour\": 0.008333"), "\(stoppedJSON.out)")
        #expect(!stoppedJSON.out.contains("\"cost\""))
        // Being destroyed: Vast answers `[]` (or states saying so); never "running".
        try fixture.server.setInstance(7000001, answerJSON: "[]")
        let destroying = try await fixture.sota(["status", id])
        #expect(destroying.status == 0 && destroying.out.contains("instance  7000001 on Vast: gone (destroyed)"), "\(destroying.out)\(destroying.err)")
        try fixture.server.setInstance(7000001, answerJSON: #"{"id": 7000001, "actual_status": "running", "cur_state": "destroyed", "dph_total": 0.35}"#)
        #expect(try await fixture.sota(["status", id]).out.contains("on Vast: gone (destroyed)"))
        try fixture.server.setInstance(7000001, answerJSON: "null")

        let cancel = try await fixture.sota(["cancel", id])
        #expect(cancel.status == 0, "\(cancel.err)")
        #expect(cancel.out == "destroyed Vast instance 7000001 of run \(id)\n")
        #expect(try fixture.server.requests().last.map { "\($0.method) \($0.path)" } == "DELETE /api/v0/instances/7000001/")
        let record = try String(contentsOfFile: Paths.join(fixture.project, "runs/\(id)/launch.json"), encoding: .utf8)
        #expect(record.contains("\"cancelled\" : \""))
        let again = try await fixture.sota(["cancel", id])
        #expect(again.status == 0 && again.out.contains("is already gone"))
        #expect(try await fixture.sota(["status", id]).out.contains("gone (cancelled)"))
    }

    @Test func refusesDirtyTreesAndUnpushedCommitsUnlessAllowed() async throws {
        let fixture = try Fixture()
        fixture.folder.write("project/scratch.txt", "not committed")
        let dirty = try await fixture.sota(Self.launch + ["--dry-run"])
        #expect(dirty.status == 1)
        #expect(dirty.err.contains("error: the work tree has uncommitted changes (scratch.txt)"))
        #expect(dirty.err.contains("launch stopped: nothing was rented"))
        try fixture.git("-C", fixture.project, "add", "scratch.txt")
        try fixture.git("-C", fixture.project, "commit", "-q", "-m", "scratch")
        let unpushed = try await fixture.sota(Self.launch + ["--dry-run"])
        #expect(unpushed.status == 1)
        #expect(unpushed.err.contains("is on no remote-tracking branch, so the instance cannot fetch it"))
        let allowed = try await fixture.sota(Self.launch + ["--dry-run", "--allow-dirty"])
        #expect(allowed.status == 0, "\(allowed.err)")
        #expect(allowed.err.contains("warning: commit"))
        #expect(try fixture.server.requests().count == 1, "only the allowed dry run searched offers")
    }
}
