import Foundation
import SotaSupport
import SotaConfig
import SotaLaunch
import SotaOperations
import SotaTestSupport
import Testing

/// Launching on Vast, looking at the instance and cancelling it, against the loopback Vast API with the demo project
/// in a real git repository pushed to a bare "remote".
@Suite struct VastLaunchOperationTests {
    static let apiKey = "operations-vast-key-1618"

    final class Fixture {
        let folder = TemporaryDirectory()
        let server: LoopbackVastServer
        var root: String { folder.url("project") }

        /// The "sota" uploaded for the instance: the start of a Linux x86-64 ELF file (what the launch checks).
        var executable: String

        init(results: Bool = true, vast extra: String = "") throws {
            server = try LoopbackVastServer(apiKey: VastLaunchOperationTests.apiKey)
            executable = folder.write("bin/sota", [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0] + [UInt8](repeating: 0, count: 10) + [0x3E, 0]
                + [UInt8](repeating: 7, count: 1000))
            try LaunchFixtures.demoProject(in: folder, under: "project/", appending: """

            launch:
            \(results ? "  results: file://\(folder.url("results"))" : "")
              vast:
                api_url: \(server.baseURL)
                gpu: RTX 4090
                max_price: 0.5
            \(extra)

            """)
            folder.write("project/.gitignore", "/runs/\n/.sota/\n/.vast/\n__pycache__/\n")
            try git("init", "-q", "--bare", "-b", "main", folder.url("remote.git"))
            try git("init", "-q", "-b", "main", root)
            try git("-C", root, "remote", "add", "origin", folder.url("remote.git"))
            try git("-C", root, "add", "-A")
            try git("-C", root, "commit", "-q", "-m", "demo")
            try git("-C", root, "push", "-q", "origin", "main")
        }

        func git(_ arguments: String...) throws {
            let run = try ProgramRun(["git", "-c", "user.name=T", "-c", "user.email=t@example.com"] + arguments)
            #expect(run.status == 0, "git \(arguments.joined(separator: " ")): \(run.err)")
        }

        /// Variables set on top of this process's environment.
        var extraEnvironment: [String: String] = [:]

        var environment: [String: String] {
            var environment = ProcessInfo.processInfo.environment
            environment["VAST_API_KEY"] = VastLaunchOperationTests.apiKey
            return environment.merging(extraEnvironment) { $1 }
        }

        func launch(_ options: VastLaunch.Options) throws -> VastLaunch.Outcome {
            let project = LaunchFixtures.project(root)
            let launch = VastLaunch(loadPipeline: LaunchFixtures.loader(project: project, trainPath: Paths.join(root, "configs/train_burgers_golden.yaml")),
                                    history: { _, _ in [] }, executable: { [executable] in executable })
            return try launch.run(.init(project: project, options: options, environment: environment, workingDirectory: root))
        }

        func requests() throws -> [String] { try server.requests().map { "\($0.method) \($0.path)" } }
    }

    @Test func aDryRunPricesTheCheapestOfferAndRentsAndWritesNothing() throws {
        let fixture = try Fixture()
        var options = VastLaunch.Options()
        options.dryRun = true
        let outcome = try fixture.launch(options)
        guard case .dryRun(let summary, let script) = outcome.ending else { Issue.record("\(outcome)"); return }
        #expect(!outcome.diagnostics.hasErrors)
        #expect(summary.contains("offer     "), "\(summary)")
        #expect(summary.contains("shutdown  none"), "no --auto-shutdown: the summary says the instance keeps billing")
        #expect(script.hasPrefix("#!/"))
        #expect(try fixture.requests() == ["POST /api/v0/bundles/"], "a dry run only searches offers")
        #expect(Paths.kind(of: fixture.folder.url("project/runs")) == .missing)
        #expect(Paths.kind(of: fixture.folder.url("project/.vast")) == .missing)
    }

    @Test func withoutAResultsLocationNothingIsAsked() throws {
        let fixture = try Fixture(results: false)
        let outcome = try fixture.launch(VastLaunch.Options())
        guard case .refused = outcome.ending else { Issue.record("\(outcome)"); return }
        #expect(outcome.diagnostics.contains { $0.keyPath == "launch.results" && $0.severity == .error }, "\(outcome.diagnostics)")
        #expect(try fixture.requests().isEmpty)
    }

    /// Uncommitted changes stop the launch (the instance would not have them); --allow-dirty makes them a warning.
    @Test func aDirtyTreeIsRefusedUnlessAllowed() throws {
        let fixture = try Fixture()
        fixture.folder.write("project/configs/notes.txt", "not committed\n")
        var options = VastLaunch.Options()
        options.dryRun = true
        let refused = try fixture.launch(options)
        guard case .refused = refused.ending else { Issue.record("\(refused)"); return }
        #expect(refused.diagnostics.map(\.severity) == [.error], "\(refused.diagnostics)")
        #expect(refused.diagnostics.first?.message.contains("uncommitted changes (configs/notes.txt)") == true)
        #expect(try fixture.requests().isEmpty)
        options.allowDirty = true
        let allowed = try fixture.launch(options)
        guard case .dryRun = allowed.ending else { Issue.record("\(allowed)"); return }
        #expect(allowed.diagnostics.map(\.severity) == [.warning], "\(allowed.diagnostics)")
    }

    @Test func aMalformedAssignmentIsAUsageErrorNotARefusal() throws {
        let fixture = try Fixture()
        var options = VastLaunch.Options()
        options.overrides = ["no-equals-sign"]
        #expect(throws: (any Error).self) { try fixture.launch(options) }
    }

    /// Launch, look, cancel, look again, cancel again: the record follows each step.
    @Test func launchStatusAndCancelFollowTheInstance() throws {
        let fixture = try Fixture()
        var options = VastLaunch.Options()
        options.autoShutdown = true
        let outcome = try fixture.launch(options)
        guard case .launched(let runID, let instanceID, _, let runDirectory) = outcome.ending else { Issue.record("\(outcome)"); return }
        #expect(runDirectory == fixture.folder.url("project/runs/\(runID)"))
        let record = try LaunchRecord.read(path: Paths.join(runDirectory, "launch.json"))
        #expect(record.instanceID == instanceID && record.runID == runID && record.cancelled == nil)
        #expect(record.environment.contains("VAST_API_KEY"), "the key's name is recorded")
        let recorded = try String(contentsOfFile: Paths.join(runDirectory, "launch.json"), encoding: .utf8)
        #expect(!recorded.contains(VastLaunchOperationTests.apiKey), "never its value")
        let script = try String(contentsOfFile: Paths.join(runDirectory, "onstart.sh"), encoding: .utf8)
        #expect(try String(contentsOfFile: fixture.folder.url("project/.vast/onstart.sh"), encoding: .utf8) == script)
        #expect(try fixture.requests() == ["POST /api/v0/bundles/", "PUT /api/v0/asks/\(record.offerID)/"])

        let project = LaunchFixtures.project(fixture.root)
        let query = StatusQuery(openIndex: { throw FileError(path: "-", operation: "open", reason: "no leaderboard for Vast runs") }, leaderboardPath: "-")
        var looks = 0
        let status = try query.run(.init(project: project, run: String(runID.prefix(20)), environment: fixture.environment)) { _ in looks += 1 }
        guard case .vast(let running) = status else { Issue.record("\(status)"); return }
        #expect(looks == 1 && status.answered)
        #expect(running.instance?.id == instanceID && running.state.hasPrefix("loading"), "\(running.state)")
        #expect(running.results == "file://\(fixture.folder.url("results"))/\(runID)" && running.runStatus == nil)

        let cancel = Cancellation().run(.init(project: project, run: runID, environment: fixture.environment))
        #expect(cancel == .init(stopped: .vast(runID: runID, instanceID: instanceID, alreadyGone: false), error: nil))
        #expect(try LaunchRecord.read(path: Paths.join(runDirectory, "launch.json")).cancelled != nil)
        guard case .vast(let gone) = try query.run(.init(project: project, run: runID, environment: fixture.environment), onReport: { _ in }) else { return }
        #expect(gone.state.hasPrefix("gone"), "\(gone.state)")
        #expect(gone.billedPerHour == 0)
        let again = Cancellation().run(.init(project: project, run: runID, environment: fixture.environment))
        #expect(again == .init(stopped: .vast(runID: runID, instanceID: instanceID, alreadyGone: true), error: nil))
    }

    @Test func aWrongKeyIsReportedAndTheRecordKept() throws {
        let fixture = try Fixture()
        var options = VastLaunch.Options()
        options.autoShutdown = true
        guard case .launched(let runID, _, _, let runDirectory) = try fixture.launch(options).ending else { Issue.record("no launch"); return }
        var environment = fixture.environment
        environment["VAST_API_KEY"] = "not-the-key"
        let project = LaunchFixtures.project(fixture.root)
        let status = try StatusQuery(openIndex: { throw FileError(path: "-", operation: "open", reason: "unused") }, leaderboardPath: "-")
            .run(.init(project: project, run: runID, environment: environment), onReport: { _ in })
        guard case .vast(let unknown) = status else { Issue.record("\(status)"); return }
        #expect(!status.answered && unknown.state == "unknown" && unknown.apiError != nil)
        let cancel = Cancellation().run(.init(project: project, run: runID, environment: environment))
        #expect(cancel.stopped == nil && cancel.error != nil)
        #expect(try LaunchRecord.read(path: Paths.join(runDirectory, "launch.json")).cancelled == nil)
    }

    /// Issue 16, item 7: with no `sota_binary`, this machine's binary goes to the results location, named by its
    /// hash; a dry run says so and uploads nothing, a launch uploads it before renting.
    @Test func thisMachinesBinaryIsUploadedToTheResultsLocationAndTheScriptChecksIt() throws {
        let fixture = try Fixture()
        let sha256 = try FileStream.sha256(of: fixture.executable).hex
        let stored = fixture.folder.url("results/.sota-binaries/\(sha256)/sota")
        var options = VastLaunch.Options()
        options.dryRun = true
        guard case .dryRun(let summary, let script) = try fixture.launch(options).ending else { Issue.record("no dry run"); return }
        #expect(summary.contains("sota      uploaded from this machine's binary (0.0 MB, sha256 \(sha256.prefix(12))…) to file://\(stored), verified before it runs"),
                "\(summary)")
        #expect(script.contains("sota_sha256=\(sha256)\n") && script.contains("  cp -- \(stored) \"$file\"\n"))
        #expect(Paths.kind(of: stored) == .missing, "a dry run uploads nothing")
        options.dryRun = false
        options.autoShutdown = true
        guard case .launched = try fixture.launch(options).ending else { Issue.record("no launch"); return }
        #expect(FileManager.default.contents(atPath: stored) == FileManager.default.contents(atPath: fixture.executable))
        let runs = try FileManager.default.contentsOfDirectory(atPath: fixture.folder.url("project/runs"))
        let record = try LaunchRecord.read(path: fixture.folder.url("project/runs/\(try #require(runs.first))/launch.json"))
        #expect(record.sotaBinary == "file://" + stored && record.sotaBinarySHA256 == sha256, "launch.json says which sota ran")
    }

    /// A sota that is not a Linux x86-64 program (one built on a Mac) is refused before anything is rented.
    @Test func aBinaryNoInstanceCanRunIsRefused() throws {
        let fixture = try Fixture()
        fixture.executable = fixture.folder.write("bin/sota-macos", [0xCF, 0xFA, 0xED, 0xFE] + [UInt8](repeating: 0, count: 60))
        let outcome = try fixture.launch(VastLaunch.Options())
        guard case .refused = outcome.ending else { Issue.record("\(outcome)"); return }
        #expect(outcome.diagnostics.contains { $0.keyPath == "launch.vast.sota_binary" && $0.message.contains("is not a Linux x86-64 program") },
                "\(outcome.diagnostics)")
        #expect(try fixture.requests() == ["POST /api/v0/bundles/"] || fixture.requests().isEmpty)
        #expect(try !fixture.requests().contains { $0.hasPrefix("PUT") })
    }

    @Test func aConfiguredDownloadOrABuildIsWhatTheDryRunSays() throws {
        let hash = String(repeating: "ab12", count: 16)
        let url = "https://github.com/example/sota/releases/download/v1.2.3/sota-1.2.3-linux-x86_64.tar.gz"
        let download = try Fixture(vast: "    sota_binary: {url: \(url), sha256: \(hash.uppercased())}")
        var options = VastLaunch.Options()
        options.dryRun = true
        guard case .dryRun(let summary, let script) = try download.launch(options).ending else { Issue.record("no dry run"); return }
        #expect(summary.contains("sota      downloaded from \(url) (sha256 ab12ab12ab12…), verified before it runs"), "\(summary)")
        #expect(summary.contains("image     pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime, "))
        #expect(script.contains("sota_sha256=\(hash)\n") && !script.contains("swift build"))

        let build = try Fixture(vast: "    sota_binary: build")
        let outcome = try build.launch(options)
        guard case .dryRun(let buildSummary, let buildScript) = outcome.ending else { Issue.record("no dry run"); return }
        #expect(buildSummary.contains("sota      built from source on the instance (asked for by launch.vast.sota_binary: build)"))
        #expect(buildScript.contains("swift build -c release"))
        #expect(outcome.diagnostics.contains { $0.severity == .warning && $0.message.contains("has no Swift toolchain") }, "\(outcome.diagnostics)")
    }

    /// A dynamically linked sota (`swift build -c release` as typed) needs libraries the default image lacks: the
    /// launch goes ahead with a warning. A fully static one (here the system's static-pie ldconfig) gets none.
    @Test func aDynamicallyLinkedBinaryIsUploadedWithAWarning() throws {
        let fixture = try Fixture()
        var options = VastLaunch.Options()
        options.dryRun = true
        fixture.executable = try #require(Paths.findExecutable("env", path: "/usr/bin:/bin", relativeTo: "/"))
        let dynamic = try fixture.launch(options)
        guard case .dryRun = dynamic.ending else { Issue.record("\(dynamic)"); return }
        #expect(dynamic.diagnostics.contains { $0.severity == .warning && $0.message.contains("is dynamically linked") }, "\(dynamic.diagnostics)")
        guard let ldconfig = Paths.findExecutable("ldconfig", path: "/sbin:/usr/sbin", relativeTo: "/"),
              (try? ProgramRun(["file", "-L", ldconfig]).out.contains("static")) == true else { return }
        fixture.executable = ldconfig
        let outcome = try fixture.launch(options)
        #expect(!outcome.diagnostics.contains { $0.message.contains("dynamically linked") }, "\(outcome.diagnostics)")
    }

    /// s3:// results: the binary goes up with `aws s3 cp` before anything is rented; when aws fails, nothing is.
    @Test func anS3UploadRunsAwsAndItsFailureRentsNothing() throws {
        let fixture = try Fixture()
        let stubs = StubCommands(in: fixture.folder)
        stubs.stub("aws", #"[ "${STUB_AWS_STATUS:-0}" = 0 ] || { echo "upload failed: Could not connect to the endpoint URL" >&2; exit 1; }"#)
        fixture.extraEnvironment = ["PATH": stubs.bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
                                    "AWS_ACCESS_KEY_ID": "id", "AWS_SECRET_ACCESS_KEY": "secret", "STUB_AWS_STATUS": "1"]
        var options = VastLaunch.Options()
        options.autoShutdown = true
        options.results = "s3://team-results/runs"
        let sha256 = try FileStream.sha256(of: fixture.executable).hex
        let failed = try fixture.launch(options)
        guard case .refused = failed.ending else { Issue.record("\(failed)"); return }
        #expect(failed.diagnostics.contains { $0.message.contains("cannot upload this machine's sota to s3://team-results/runs/.sota-binaries/\(sha256)/sota: aws: upload failed: Could not connect") },
                "\(failed.diagnostics)")
        #expect(try !fixture.requests().contains { $0.hasPrefix("PUT") }, "nothing rented")
        fixture.extraEnvironment["STUB_AWS_STATUS"] = "0"
        guard case .launched = try fixture.launch(options).ending else { Issue.record("no launch"); return }
        #expect(stubs.calls(of: "aws").last == ["s3", "cp", "--only-show-errors", fixture.executable, "s3://team-results/runs/.sota-binaries/\(sha256)/sota"])
    }
}
