import Foundation
import SotaSupport
import SotaLaunch
import SotaTestSupport
import Testing

/// The real `vastai` CLI from PyPI against the loopback API, beside sota's client: if the CLI can use the server
/// and sees what sota did (and the other way round), the server speaks the API as the CLI knows it.
///
/// Skipped when the CLI is not installed; `.ci/run` installs it into `.build/ci-venv`.
@Suite struct VastCLICompatibilityTests {
    static var cli: String? {
        if let explicit = ProcessInfo.processInfo.environment["SOTA_VASTAI"] { return explicit }
        let venv = Paths.join(Repository.root, ".build/ci-venv/bin/vastai")
        if Paths.isExecutableFile(venv) { return venv }
        return Paths.findExecutable("vastai", path: ProcessInfo.processInfo.environment["PATH"], relativeTo: "/")
    }

    func vastai(_ server: LoopbackVastServer, _ arguments: String...) throws -> ProgramRun {
        let home = TemporaryDirectory()
        // HOME in a scratch folder: the CLI must not read or write the developer's real key file.
        return try ProgramRun([Self.cli!, "--url", server.baseURL, "--api-key", "test-vast-key"] + arguments,
                              environment: ["HOME": home.path, "PATH": "/usr/bin:/bin", "NO_COLOR": "1", "TERM": "dumb"])
    }

    static func json(_ text: String) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }

    @Test(.enabled(if: cli != nil, "vastai is not installed (see .ci/run)"))
    func searchOffersWithTheCLIsOwnQuery() throws {
        let server = try LoopbackVastServer()
        let run = try vastai(server, "search", "offers", "gpu_name=RTX_4090 num_gpus=1 reliability>0.95 disk_space>=70", "-o", "dph_total", "--raw")
        #expect(run.status == 0, "\(run.err)")
        let offers = try #require(Self.json(run.out) as? [[String: Any]])
        #expect(offers.compactMap { $0["id"] as? Int } == [1002, 1003, 1001])
        let body = try #require(try server.requests().first { $0.path == "/api/v0/bundles/" }?.body)
        #expect((body["gpu_name"] as? [String: Any])?["eq"] as? String == "RTX 4090")
        // sota's query body goes to the same endpoint and gets the same offers.
        let ours = try VastClient(baseURL: server.baseURL, apiKey: nil).searchOffers(VastOfferQuery(gpuName: "RTX 4090", minReliability: 0.95, diskGB: 70))
        #expect(ours.map(\.id) == [1002, 1003, 1001])
    }

    @Test(.enabled(if: cli != nil, "vastai is not installed (see .ci/run)"))
    func theCLISeesStopsAndDestroysAnInstanceSotaCreated() throws {
        let server = try LoopbackVastServer()
        let client = VastClient(baseURL: server.baseURL, apiKey: "test-vast-key")
        let id = try client.createInstance(offerID: 1002, VastClientTests.request)

        let list = try vastai(server, "show", "instances", "--raw")
        #expect(list.status == 0, "\(list.err)")
        let rows = try #require(Self.json(list.out) as? [[String: Any]])
        #expect(rows.count == 1 && rows[0]["id"] as? Int == id && rows[0]["dph_total"] as? Double == 0.35)
        #expect((rows[0]["extra_env"] as? [String: Any])?["VAST_API_KEY"] as? String == "test-vast-key")

        let one = try vastai(server, "show", "instance", String(id), "--raw")
        #expect(one.status == 0, "\(one.err)")
        #expect((Self.json(one.out) as? [String: Any])?["actual_status"] as? String == "loading")

        let stop = try vastai(server, "stop", "instance", String(id))
        #expect(stop.status == 0 && stop.out.contains("stopping instance \(id)"), "\(stop.out)\(stop.err)")
        #expect(try client.instance(id)?.currentState == "stopped")

        let destroy = try vastai(server, "destroy", "instance", String(id), "-y")
        #expect(destroy.status == 0 && destroy.out.contains("destroying instance \(id)."), "\(destroy.out)\(destroy.err)")
        #expect(try client.instance(id) == nil)
    }

    @Test(.enabled(if: cli != nil, "vastai is not installed (see .ci/run)"))
    func sotaReadsAnInstanceTheCLICreated() throws {
        let server = try LoopbackVastServer()
        let create = try vastai(server, "create", "instance", "2001", "--image", "pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime", "--disk", "50",
                                "--env", "-e FOO=bar", "--onstart-cmd", "echo hi", "--ssh", "--direct", "--raw")
        #expect(create.status == 0, "\(create.err)")
        let id = try #require((Self.json(create.out) as? [String: Any])?["new_contract"] as? Int)
        let instance = try #require(try VastClient(baseURL: server.baseURL, apiKey: "test-vast-key").instance(id))
        #expect(instance.gpuName == "A100 SXM4" && instance.pricePerHour == 1.10)
        let body = try #require(try server.requests().first { $0.method == "PUT" }?.body)
        #expect(body["onstart"] as? String == "echo hi" && body["runtype"] as? String == "ssh_direc ssh_proxy")
        #expect(body["env"] as? [String: String] == ["FOO": "bar"])
    }
}
