import Foundation
import SotaSupport
import SotaLaunch
import SotaTestSupport
import Testing

/// Issue 13, item 17: the onstart script ends billing on an image without curl. Each test runs the real script with
/// bash against a scrubbed PATH holding what the README's default image is assumed to hold (bash, coreutils, gzip,
/// then python3 or wget or neither) plus stub `git` and `sota` that record their calls, and the loopback Vast API.
@Suite struct OnstartShutdownTests {
    /// How the run goes.
    enum Path: String, CaseIterable {
        case success, failure, earlyFailure, signal
    }

    /// The HTTP client the image has besides bash and coreutils.
    enum Client: String, CaseIterable {
        case python3, wget, none
    }

    final class Instance {
        let folder = TemporaryDirectory()
        let stubs: StubCommands
        let server: LoopbackVastServer
        let id: Int

        init(client: Client) throws {
            stubs = StubCommands(in: folder, real: StubCommands.bashAndCoreutils + (client == .wget ? ["wget"] : []))
            if client == .python3 { try stubs.addRealPython() }
            stubs.stub("git", """
            for arg in "$@"; do last=$arg; done
            case " $* " in *" clone "*) [ "${STUB_CLONE_STATUS:-0}" = 0 ] || exit "$STUB_CLONE_STATUS"; mkdir -p "$last/.git" ;; esac
            exit 0
            """)
            stubs.stub("sota", """
            if [ "$1" = run ]; then
              for arg in "$@"; do case $arg in --run-id=*) id=${arg#--run-id=} ;; --resume=*) id=${arg#--resume=} ;; esac; done
              mkdir -p "runs/$id" && echo '{}' >"runs/$id/manifest.json"
              if [ -n "${STUB_SOTA_SIGNAL:-}" ]; then kill -s "$STUB_SOTA_SIGNAL" "$PPID"; sleep 1; fi
              exit "${STUB_SOTA_STATUS:-0}"
            fi
            """)
            server = try LoopbackVastServer()
            id = try VastClient(baseURL: server.baseURL, apiKey: "test-vast-key").createInstance(offerID: 1001, VastClientTests.request)
        }

        /// Runs `text` as Vast would; `initPID` stands for the container's PID 1.
        func run(_ text: String, initPID: Int32, extra: [String: String] = [:]) async throws -> ProgramRun {
            let script = folder.write("onstart.sh", text)
            return try await ProgramRun.run(stubs.bashCommand(script), environment: [
                "PATH": stubs.bin, "HOME": folder.path, "SOTA_WORK_DIR": folder.url("instance"), "TMPDIR": folder.url("tmp"),
                "CONTAINER_ID": String(id), "VAST_API_KEY": "test-vast-key", "VAST_API_URL": server.baseURL, "SOTA_INIT_PID": String(initPID),
            ].merging(extra) { $1 })
        }
    }

    static func spec(_ folder: TemporaryDirectory, shutdown: OnstartSpec.Shutdown = .destroy) -> OnstartSpec {
        OnstartSpec(runID: "r1", repository: "https://example.com/team/repo.git", commit: OnstartVariants.commit, configPath: "train.yaml",
                    results: OnstartVariants.url("file://" + folder.url("results")), shutdown: shutdown)
    }

    /// A process standing in for the container's first process: a `sleep` with every signal unblocked (the test
    /// runner's threads block SIGTERM, and a child inherits that mask, so the script's SIGTERM went unseen until
    /// its SIGKILL 10 s later), under a Python parent that reaps it the moment it ends (the script polls `kill -0`,
    /// which an unreaped zombie answers) and exits with its status. Nothing of it holds the test runner's output:
    /// a stand-in left running kept `swift test` waiting for it to end. It lives until the test ends it, or until
    /// the test runner does (its parent's standard input closes): a fixed lifetime ran out on a busy CI machine
    /// before the test looked at it.
    final class StandIn {
        let parent = Process()
        /// The parent's standard input, closed by ``end()`` (or by the test runner's death).
        private let lifeline = Pipe()
        /// The stand-in's process ID, what the script is told is PID 1.
        let pid: Int32

        init() throws {
            parent.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            parent.arguments = [Python.executable, "-c", """
            import os, signal, subprocess, sys, threading
            signal.pthread_sigmask(signal.SIG_SETMASK, set())
            child = subprocess.Popen(["sleep", "86400"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            print(child.pid, flush=True)
            os.close(1)
            threading.Thread(target=lambda: (sys.stdin.read(), child.kill()), daemon=True).start()
            status = child.wait()
            sys.exit(128 - status if status < 0 else status)
            """]
            let output = Pipe()
            parent.standardInput = lifeline
            parent.standardOutput = output
            parent.standardError = FileHandle.nullDevice
            try parent.run()
            let line = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            guard let pid = Int32(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "the stand-in printed no PID: \(line)"])
            }
            self.pid = pid
        }

        var isRunning: Bool { kill(pid, 0) == 0 }

        /// Whether the stand-in was ended by SIGTERM, as the script ends the container's first process.
        func endedByTerm() -> Bool {
            parent.waitUntilExit()
            return parent.terminationStatus == 128 + SIGTERM
        }

        /// Ends the stand-in, however the test went.
        func end() {
            kill(pid, SIGKILL)
            try? lifeline.fileHandleForWriting.close()
            parent.waitUntilExit()
        }
    }

    @Test(arguments: Path.allCases, Client.allCases)
    func billingEndsWithoutCurl(_ path: Path, _ client: Client) async throws {
        let instance = try Instance(client: client)
        try FileManager.default.createDirectory(atPath: instance.folder.url("tmp"), withIntermediateDirectories: true)
        #expect(Paths.findExecutable("curl", path: instance.stubs.bin, relativeTo: "/") == nil)
        let init1 = try StandIn()
        defer { init1.end() }
        let extra: [String: String] = switch path {
        case .success: [:]
        case .failure: ["STUB_SOTA_STATUS": "3"]
        case .earlyFailure: ["STUB_CLONE_STATUS": "128"]
        case .signal: ["STUB_SOTA_SIGNAL": "TERM"]
        }
        let run = try await instance.run(try OnstartScript(Self.spec(instance.folder)).text, initPID: init1.pid, extra: extra)
        let expected: Int32 = switch path { case .success: 0; case .failure: 3; case .earlyFailure: 128; case .signal: 143 }
        #expect(run.status == expected, "\(run.err)\(run.out)")
        let log = try String(contentsOfFile: instance.folder.url("results/r1/onstart.log"), encoding: .utf8)
        #expect(log.contains("sota onstart: exit status \(expected)"), "the EXIT trap ran and uploaded the log")
        let calls = try instance.server.requests().filter { $0.path == "/api/v0/instances/\(instance.id)/" && $0.method != "GET" }
        if client == .none {
            #expect(calls.isEmpty)
            #expect(run.err.contains("no curl, wget or python3 to reach the Vast API"))
            #expect(run.err.contains("stopping the container (PID \(init1.pid))"))
            #expect(init1.endedByTerm(), "the container's first process was stopped")
        } else {
            #expect(calls.map(\.method) == ["DELETE"], "\(run.out)\(run.err)")
            #expect(calls.first?.authorization == "Bearer test-vast-key")
            #expect(run.out.contains("sota onstart: destroyed instance \(instance.id)"))
            #expect(init1.isRunning, "PID 1 is left alone when the API answered")
        }
        if path == .success {
            #expect(instance.stubs.calls(of: "git").contains { $0.suffix(3) == ["--", "https://example.com/team/repo.git", instance.folder.url("instance/repo.part")] })
            #expect(instance.stubs.calls(of: "sota").contains { $0 == ["run", "--train-config=train.yaml", "--run-id=r1"] })
        }
    }

    /// A container restart runs onstart again: the checkout is reused and the run resumed, never cloned over.
    @Test func aRestartResumesTheRunInsteadOfCloningOverIt() async throws {
        let instance = try Instance(client: .python3)
        let text = try OnstartScript(Self.spec(instance.folder, shutdown: .none)).text
        let first = try await instance.run(text, initPID: 0, extra: ["STUB_SOTA_STATUS": "1"])
        #expect(first.status == 1)
        let second = try await instance.run(text, initPID: 0)
        #expect(second.status == 0, "\(second.err)")
        #expect(instance.stubs.calls(of: "git").filter { $0.contains("clone") }.count == 1)
        let runs = instance.stubs.calls(of: "sota").filter { $0.first == "run" }
        #expect(runs.count == 2 && runs.contains(["run", "--resume=r1"]))
        #expect(second.out.contains("the container restarted"))
    }

    /// The gzip stub decodes the script into a temporary file and leaves no copy of it behind.
    @Test func theCompressedStubRemovesItsDecodedScript() async throws {
        let instance = try Instance(client: .python3)
        try FileManager.default.createDirectory(atPath: instance.folder.url("tmp"), withIntermediateDirectories: true)
        var spec = Self.spec(instance.folder, shutdown: .none)
        spec.overrides = OnstartVariants.long.overrides
        let payload = try OnstartScript(spec).payload()
        #expect(payload.contains("base64 -d"))
        let run = try await instance.run(payload, initPID: 0, extra: ["STUB_CLONE_STATUS": "128"])
        #expect(run.status == 128)
        #expect(run.out.contains("sota onstart: run r1"), "the decoded script ran")
        #expect(try FileManager.default.contentsOfDirectory(atPath: instance.folder.url("tmp")).isEmpty)
    }
}
