import Foundation
import SotaSupport
import SotaLaunch
import SotaTestSupport
import Testing

/// The generated script run by real bash in a temporary "instance" folder, shutting itself down through the
/// loopback Vast API. (The whole pipeline, with the real sota binary, runs in EndToEndTests/VastLaunchTests.)
@Suite struct OnstartExecutionTests {
    struct Instance {
        let server: LoopbackVastServer
        let client: VastClient
        let id: Int
        let folder = TemporaryDirectory()

        init() throws {
            server = try LoopbackVastServer()
            client = VastClient(baseURL: server.baseURL, apiKey: "test-vast-key")
            id = try client.createInstance(offerID: 1001, VastClientTests.request)
        }

        /// Runs `spec`'s script as Vast would, with the instance's environment.
        func run(_ spec: OnstartSpec) throws -> ProgramRun {
            let script = folder.write("onstart.sh", try OnstartScript(spec).payload())
            return try ProgramRun(["bash", script], environment: [
                "PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": folder.path, "SOTA_WORK_DIR": folder.url("instance"),
                "CONTAINER_ID": String(id), "VAST_API_KEY": "test-vast-key", "VAST_API_URL": server.baseURL,
            ])
        }
    }

    static func spec(repository: String, results: String) -> OnstartSpec {
        OnstartSpec(runID: "r1", repository: repository, commit: OnstartVariants.commit, configPath: "train.yaml",
                    results: try! StorageURL.parse(results).get(), shutdown: .destroy)
    }

    @Test func aFailureBeforeTheRunStillUploadsTheLogAndDestroysTheInstance() throws {
        let instance = try Instance()
        let results = instance.folder.url("results")
        let run = try instance.run(Self.spec(repository: instance.folder.url("no-such-repo.git"), results: "file://" + results))
        #expect(run.status == 128, "git clone's status is the script's: \(run.err)")
        let log = try String(contentsOfFile: Paths.join(results, "r1/onstart.log"), encoding: .utf8)
        #expect(log.contains("sota onstart: run r1, commit \(OnstartVariants.commit)"))
        #expect(log.contains("fatal: repository") && log.contains("sota onstart: exit status 128"))
        #expect(run.out.contains("sota onstart: destroyed instance \(instance.id)"))
        let shutdown = try instance.server.requests().last
        #expect(try instance.client.instance(instance.id) == nil)
        #expect(shutdown?.method == "DELETE" && shutdown?.path == "/api/v0/instances/\(instance.id)/")
        #expect(shutdown?.authorization == "Bearer test-vast-key")
    }

    @Test func aFailedUploadStopsInsteadOfDestroying() throws {
        let instance = try Instance()
        let blocker = instance.folder.write("blocker", "a file where the results folder should go")
        let run = try instance.run(Self.spec(repository: instance.folder.url("no-such-repo.git"), results: "file://" + blocker + "/results"))
        #expect(run.status == 128)
        #expect(run.err.contains("sota onstart: upload failed"))
        #expect(run.out.contains("stopped (not destroyed: the results are still on its disk) instance \(instance.id)"))
        #expect(try instance.client.instance(instance.id)?.currentState == "stopped")
    }

    @Test func withoutAKeyItSaysTheInstanceKeepsRunning() throws {
        let instance = try Instance()
        let script = instance.folder.write("onstart.sh", try OnstartScript(Self.spec(repository: "/nonexistent", results: "file://" + instance.folder.url("r"))).text)
        let run = try ProgramRun(["bash", script], environment: ["PATH": "/usr/bin:/bin", "SOTA_WORK_DIR": instance.folder.url("i")])
        #expect(run.status == 128)
        #expect(run.err.contains("CONTAINER_ID or VAST_API_KEY is unset; the Vast API cannot be asked"))
        #expect(run.err.contains("not on a Vast instance; nothing stopped"), "without CONTAINER_ID, PID 1 is never signalled")
    }
}
