import Foundation
import SotaSupport
import SotaLaunch
import SotaTestSupport
import Testing

/// Issue 16, item 7: the instance runs a verified sota, never a build, on an ordinary CUDA + Python image. Each test
/// runs the real script with bash against a scrubbed PATH of symlinks to what such an image holds (bash, coreutils,
/// tar, gzip, python3, with or without sha256sum: no curl, no wget, no swift), an empty HOME, a stub `git`, and the
/// loopback Vast API serving a release-shaped tarball whose `sota` is a shell script recording its calls (the
/// script's fetching is what is tested here; the real binary runs in EndToEndTests/VastLaunchTests).
@Suite struct OnstartSotaBinaryTests {
    /// What the instance is given to fetch.
    enum Shape: String, CaseIterable {
        /// `sota-1.2.3-linux-x86_64.tar.gz`: a top folder holding `sota`, the man page, LICENSE and the rest.
        case tarball
        /// The binary alone.
        case bare
    }

    final class Instance {
        let folder = TemporaryDirectory()
        let stubs: StubCommands
        let server: LoopbackVastServer
        let id: Int
        /// The fake sota's calls, one line each.
        var sotaCalls: String { folder.url("sota-calls.txt") }

        init(sha256sum: Bool, python: Bool = true) throws {
            var real = StubCommands.bashAndCoreutils + ["tar"]
            if sha256sum { real.append("sha256sum") }
            stubs = StubCommands(in: folder, real: real)
            if python { try stubs.addRealPython() }
            stubs.stub("git", """
            for arg in "$@"; do last=$arg; done
            case " $* " in *" clone "*) mkdir -p "$last/.git" ;; esac
            exit 0
            """)
            try FileManager.default.createDirectory(atPath: folder.url("files"), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: folder.url("tmp"), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: folder.url("home"), withIntermediateDirectories: true)
            server = try LoopbackVastServer(files: folder.url("files"))
            id = try VastClient(baseURL: server.baseURL, apiKey: "test-vast-key").createInstance(offerID: 1001, VastClientTests.request)
        }

        /// A `sota` that records its arguments and, for `run`, leaves a run directory as the real one would.
        var fakeSota: String {
            """
            #!/bin/bash
            echo "$*" >>\(ShellWord.printable(sotaCalls))
            if [ "$1" = run ]; then
              for arg in "$@"; do case $arg in --run-id=*) id=${arg#--run-id=} ;; esac; done
              mkdir -p "runs/$id" && echo '{"status": "succeeded"}' >"runs/$id/manifest.json"
              if [ -n "${STUB_SOTA_SIGNAL:-}" ]; then kill -s "$STUB_SOTA_SIGNAL" "$PPID"; sleep 1; fi
            fi
            exit 0

            """
        }

        /// Publishes the fake sota as `shape` under the server's /files/ and returns its URL and SHA-256.
        func publish(_ shape: Shape) throws -> (url: String, sha256: String) {
            let name: String
            switch shape {
            case .tarball:
                let top = "sota-1.2.3-linux-x86_64"
                folder.write("release/\(top)/sota", fakeSota)
                chmod(folder.url("release/\(top)/sota"), 0o755)
                for file in ["LICENSE", "README.md", "SHA256SUMS", "share/man/man1/sota.1", "completions/sota.bash"] {
                    folder.write("release/\(top)/\(file)", "\(file)\n")
                }
                name = "\(top).tar.gz"
                let tar = try ProgramRun(["tar", "-czf", folder.url("files/\(name)"), "-C", folder.url("release"), top])
                #expect(tar.status == 0, "\(tar.err)")
            case .bare:
                name = "sota"
                folder.write("files/sota", fakeSota)
            }
            let bytes = try #require(FileManager.default.contents(atPath: folder.url("files/\(name)")))
            return (server.baseURL + "/files/" + name, SHA256.hex(of: Array(bytes)))
        }

        /// Runs `spec`'s script as Vast would; `initPID` stands for the container's PID 1.
        func run(_ spec: OnstartSpec, initPID: Int32, extra: [String: String] = [:]) async throws -> ProgramRun {
            let script = folder.write("onstart.sh", try OnstartScript(spec).payload())
            return try await ProgramRun.run(stubs.bashCommand(script), environment: [
                "PATH": stubs.bin, "HOME": folder.url("home"), "SOTA_WORK_DIR": folder.url("instance"), "TMPDIR": folder.url("tmp"),
                "CONTAINER_ID": String(id), "VAST_API_KEY": "test-vast-key", "VAST_API_URL": server.baseURL, "SOTA_INIT_PID": String(initPID),
            ].merging(extra) { $1 })
        }

        /// The calls that ended billing (stop or destroy).
        func shutdownCalls() throws -> [String] {
            try server.requests().filter { $0.path == "/api/v0/instances/\(id)/" && $0.method != "GET" }.map(\.method)
        }

        func spec(_ install: OnstartSpec.Install) -> OnstartSpec {
            OnstartSpec(runID: "r1", repository: "https://example.com/team/repo.git", commit: OnstartVariants.commit, configPath: "train.yaml",
                        results: OnstartVariants.url("file://" + folder.url("results")), shutdown: .destroy, install: install)
        }
    }

    @Test(arguments: Shape.allCases, [true, false])
    func fetchesVerifiesRunsUploadsAndShutsDownWithoutCurlOrSwift(_ shape: Shape, _ sha256sum: Bool) async throws {
        let instance = try Instance(sha256sum: sha256sum)
        for program in ["curl", "wget", "swift", "sota"] {
            #expect(Paths.findExecutable(program, path: instance.stubs.bin, relativeTo: "/") == nil, "\(program) is on the scrubbed PATH")
        }
        #expect((Paths.findExecutable("sha256sum", path: instance.stubs.bin, relativeTo: "/") != nil) == sha256sum)
        let (url, sha256) = try instance.publish(shape)
        let standIn = try OnstartShutdownTests.StandIn()
        defer { standIn.end() }
        let run = try await instance.run(instance.spec(.download(url: url, sha256: sha256)), initPID: standIn.pid)
        #expect(run.status == 0, "\(run.out)\(run.err)")
        let requests = try instance.server.requests()
        #expect(requests.contains { $0.method == "GET" && url.hasSuffix($0.path) }, "the script fetched \(url)")
        let calls = try String(contentsOfFile: instance.sotaCalls, encoding: .utf8)
        #expect(calls.contains("validate data train.yaml\n") && calls.contains("run --train-config=train.yaml --run-id=r1\n"), "\(calls)")
        let log = try String(contentsOfFile: instance.folder.url("results/r1/onstart.log"), encoding: .utf8)
        #expect(log.contains("sota onstart: sota from \(url) verified (sha256 \(sha256))"), "\(log)")
        #expect(Paths.kind(of: instance.folder.url("results/r1/manifest.json")) == .file, "the run directory was uploaded")
        #expect(try instance.shutdownCalls() == ["DELETE"], "\(run.out)\(run.err)")
        #expect(run.out.contains("sota onstart: destroyed instance \(instance.id)"))
        #expect(standIn.isRunning, "the API answered, so PID 1 was left alone")
    }

    /// A wrong SHA-256 (a replaced release, a typo in sota.yaml): nothing fetched runs, the log is uploaded, and the
    /// instance is destroyed all the same.
    @Test(arguments: [true, false])
    func aWrongSHA256RefusesToRunYetShutsDown(_ sha256sum: Bool) async throws {
        let instance = try Instance(sha256sum: sha256sum)
        let (url, sha256) = try instance.publish(.tarball)
        let wrong = String(sha256.reversed())
        let standIn = try OnstartShutdownTests.StandIn()
        defer { standIn.end() }
        let run = try await instance.run(instance.spec(.download(url: url, sha256: wrong)), initPID: standIn.pid)
        #expect(run.status == 1, "\(run.out)\(run.err)")
        #expect(run.out.contains("refusing to run sota from \(url): SHA-256 \(sha256), expected \(wrong)"), "\(run.err)")
        #expect(Paths.kind(of: instance.sotaCalls) == .missing, "the fetched sota never ran")
        #expect(instance.stubs.calls(of: "git").isEmpty, "nothing ran before the check: not even the clone")
        let log = try String(contentsOfFile: instance.folder.url("results/r1/onstart.log"), encoding: .utf8)
        #expect(log.contains("refusing to run sota") && log.contains("sota onstart: exit status 1"))
        #expect(try instance.shutdownCalls() == ["DELETE"])
        #expect(standIn.isRunning)
    }

    /// With no URL configured, `sota launch` uploads its own binary to the results location; the instance copies it
    /// back from there and checks it the same way.
    @Test func anUploadedBinaryIsCopiedFromTheResultsLocationAndVerified() async throws {
        let instance = try Instance(sha256sum: false)
        let (_, sha256) = try instance.publish(.bare)
        let stored = "results/.sota-binaries/\(sha256)/sota"
        instance.folder.copy(instance.folder.url("files/sota"), to: stored)
        let standIn = try OnstartShutdownTests.StandIn()
        defer { standIn.end() }
        let location = OnstartVariants.url("file://" + instance.folder.url(stored))
        let run = try await instance.run(instance.spec(.uploaded(location, sha256: sha256)), initPID: standIn.pid)
        #expect(run.status == 0, "\(run.out)\(run.err)")
        #expect(run.out.contains("sota onstart: sota from \(location.text) verified (sha256 \(sha256))"))
        #expect(try String(contentsOfFile: instance.sotaCalls, encoding: .utf8).contains("run --train-config=train.yaml --run-id=r1\n"))
        #expect(try instance.shutdownCalls() == ["DELETE"])
    }

    /// A download the server does not have (a wrong URL) fails the fetch, and still shuts the instance down.
    @Test func aMissingDownloadShutsDownToo() async throws {
        let instance = try Instance(sha256sum: true)
        let standIn = try OnstartShutdownTests.StandIn()
        defer { standIn.end() }
        let url = instance.server.baseURL + "/files/sota-9.9.9-linux-x86_64.tar.gz"
        let run = try await instance.run(instance.spec(.download(url: url, sha256: String(repeating: "a", count: 64))), initPID: standIn.pid)
        #expect(run.status != 0)
        #expect(Paths.kind(of: instance.sotaCalls) == .missing)
        #expect(try instance.shutdownCalls() == ["DELETE"], "\(run.out)\(run.err)")
    }

    /// SIGTERM while the fetched sota runs: the script ends with 143, after the upload and the destroy.
    @Test func aKillDuringTheRunStillUploadsAndShutsDown() async throws {
        let instance = try Instance(sha256sum: true)
        let (url, sha256) = try instance.publish(.tarball)
        let standIn = try OnstartShutdownTests.StandIn()
        defer { standIn.end() }
        let run = try await instance.run(instance.spec(.download(url: url, sha256: sha256)), initPID: standIn.pid, extra: ["STUB_SOTA_SIGNAL": "TERM"])
        #expect(run.status == 143, "\(run.out)\(run.err)")
        let log = try String(contentsOfFile: instance.folder.url("results/r1/onstart.log"), encoding: .utf8)
        #expect(log.contains("sota onstart: exit status 143"))
        #expect(try instance.shutdownCalls() == ["DELETE"])
    }

    /// An image with neither curl, wget nor python3 cannot fetch sota (or reach the API): nothing runs, and the
    /// script stops the container itself, which ends GPU billing.
    @Test func withNoWayToFetchTheContainerIsStopped() async throws {
        let instance = try Instance(sha256sum: true, python: false)
        let (url, sha256) = try instance.publish(.bare)
        let standIn = try OnstartShutdownTests.StandIn()
        defer { standIn.end() }
        let run = try await instance.run(instance.spec(.download(url: url, sha256: sha256)), initPID: standIn.pid)
        #expect(run.status == 127, "\(run.out)\(run.err)")
        #expect(Paths.kind(of: instance.sotaCalls) == .missing)
        #expect(try instance.shutdownCalls().isEmpty)
        #expect(run.err.contains("stopping the container (PID \(standIn.pid))"), "\(run.err)")
        #expect(standIn.endedByTerm())
    }
}
