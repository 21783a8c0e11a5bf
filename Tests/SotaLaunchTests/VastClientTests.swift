import Foundation
import SotaLaunch
import SotaTestSupport
import Testing

/// The client against the loopback Vast API: real HTTP over 127.0.0.1, the CLI's paths and bodies.
@Suite struct VastClientTests {
    static let request = VastInstanceRequest(image: "pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime", diskGB: 40, environment: [("VAST_API_KEY", "test-vast-key")],
                                             onstart: "#!/bin/bash\necho hi\n", label: "sota test")

    @Test func searchesCreatesShowsStopsAndDestroys() throws {
        let server = try LoopbackVastServer()
        let client = VastClient(baseURL: server.baseURL + "/", apiKey: "test-vast-key")
        let query = VastOfferQuery(gpuName: "RTX 4090", minReliability: 0.95, diskGB: 70)
        let offers = try client.searchOffers(query)
        #expect(offers.map(\.id) == [1002, 1003, 1001], "the server filters and orders by price")
        let chosen = try #require(query.choose(from: offers))
        #expect(chosen.id == 1002 && chosen.pricePerHour == 0.35 && chosen.reliability == 0.999 && chosen.geolocation == "Canada, CA")

        let id = try client.createInstance(offerID: chosen.id, Self.request)
        var instance = try #require(try client.instance(id))
        #expect(instance.id == id && instance.pricePerHour == 0.35 && instance.currentState == "running" && instance.gpuName == "RTX 4090")
        #expect(instance.startDate.map { abs($0 - Date().timeIntervalSince1970) < 60 } == true)
        try client.setRunning(id, false)
        instance = try #require(try client.instance(id))
        #expect(instance.currentState == "stopped")
        try client.destroyInstance(id)
        #expect(try client.instance(id) == nil)

        let log = try server.requests()
        #expect(log.map { "\($0.method) \($0.path)" } == [
            "POST /api/v0/bundles/", "PUT /api/v0/asks/1002/", "GET /api/v0/instances/\(id)/", "PUT /api/v0/instances/\(id)/",
            "GET /api/v0/instances/\(id)/", "DELETE /api/v0/instances/\(id)/", "GET /api/v0/instances/\(id)/",
        ])
        #expect(log.allSatisfy { $0.authorization == "Bearer test-vast-key" })
        let create = try #require(log[1].body)
        #expect(create["onstart"] as? String == Self.request.onstart)
        #expect((create["env"] as? [String: Any])?["VAST_API_KEY"] as? String == "test-vast-key")
        #expect(create["image"] as? String == "pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime" && create["disk"] as? Double == 40)
        #expect(log[3].bodyText == #"{"state":"stopped"}"#)
    }

    /// Issue 13 item 17: a stopped instance is billed its storage only, never the running price; an instance being
    /// destroyed (answered with `null`, `[]`, `{}` or a state saying so) is gone, never running.
    @Test func aStoppedInstanceIsBilledStorageAndADestroyedOneIsGone() throws {
        let server = try LoopbackVastServer()
        let client = VastClient(baseURL: server.baseURL, apiKey: "test-vast-key")
        let id = try client.createInstance(offerID: 1002, Self.request)
        var instance = try #require(try client.instance(id))
        let later = Date().addingTimeInterval(7200)
        #expect(instance.phase == .starting && instance.billedPerHour == 0.35)
        #expect(instance.cost(at: later).map { abs($0 - 0.70) < 0.01 } == true, "two hours at the running price")
        try server.setInstance(id, fieldsJSON: #"{"actual_status": "running", "start_date": \#(Date().timeIntervalSince1970 - 3600)}"#)
        instance = try #require(try client.instance(id))
        #expect(instance.phase == .running && instance.cost(at: Date()).map { abs($0 - 0.35) < 0.01 } == true)

        try client.setRunning(id, false)
        instance = try #require(try client.instance(id))
        #expect(instance.phase == .stopped)
        #expect(instance.cost(at: later) == nil, "a stopped instance is not priced at the running price")
        #expect(instance.billedPerHour == instance.storagePricePerHour && (instance.storagePricePerHour ?? 1) < 0.01)
        // Vast may say `exited` before `cur_state` follows, or only `intended_status`.
        try server.setInstance(id, fieldsJSON: #"{"actual_status": "exited", "cur_state": "running"}"#)
        #expect(try client.instance(id)?.phase == .stopped)
        try server.setInstance(id, fieldsJSON: #"{"actual_status": "running", "cur_state": "running", "intended_status": "destroyed"}"#)
        #expect(try client.instance(id)?.phase == .gone)
        #expect(try client.instance(id)?.billedPerHour == 0)
        for answer in ["null", "[]", "{}"] {
            try server.setInstance(id, answerJSON: answer)
            #expect(try client.instance(id) == nil, "\(answer) is a destroyed instance")
        }
        try server.setInstance(id, answerJSON: #"{"no_id": true}"#)
        #expect(throws: VastAPIError.self) { try client.instance(id) }
    }

    @Test func aRefusedKeyNamesTheStatusAndTheAPIsMessage() throws {
        let server = try LoopbackVastServer()
        let client = VastClient(baseURL: server.baseURL, apiKey: "wrong")
        #expect(throws: VastAPIError.status(code: 401, method: "GET", url: server.baseURL + "/api/v0/instances/5/", message: "Invalid user key")) {
            try client.instance(5)
        }
        let message = VastAPIError.status(code: 401, method: "GET", url: "u", message: "Invalid user key").description
        #expect(message == "the Vast API refused GET u: HTTP 401: Invalid user key (check VAST_API_KEY)")
    }

    @Test func aTakenOfferIsAnAPIError() throws {
        let server = try LoopbackVastServer()
        let client = VastClient(baseURL: server.baseURL, apiKey: "test-vast-key")
        _ = try client.createInstance(offerID: 2001, Self.request)
        do {
            _ = try client.createInstance(offerID: 2001, Self.request)
            Issue.record("the same offer was rented twice")
        } catch {
            #expect(error.description.contains("HTTP 404: Offer is no longer available"))
        }
        do {
            try client.destroyInstance(123)
            Issue.record("destroyed an instance that does not exist")
        } catch {
            #expect(error.description.contains("DELETE \(server.baseURL)/api/v0/instances/123/: HTTP 404: Instance not found"))
        }
    }

    @Test func anUnreachableServerIsNamed() throws {
        // A port that was just free: bind, read the number, close.
        let url: String
        do {
            let server = try LoopbackVastServer()
            url = server.baseURL
            server.stop()
        }
        let client = VastClient(baseURL: url, apiKey: "k", timeout: 5)
        do {
            _ = try client.searchOffers(VastOfferQuery(gpuName: "RTX 4090"))
            Issue.record("reached a stopped server")
        } catch {
            guard case .unreachable(let named, _) = error else { Issue.record("\(error)"); return }
            #expect(named == url + "/api/v0/bundles/")
            #expect(error.description.hasPrefix("cannot reach the Vast API at \(url)/api/v0/bundles/: "))
        }
    }

    @Test func apiKeyFromTheEnvironmentOrTheCLIsFile() throws {
        #expect(VastClient.apiKey(environment: ["VAST_API_KEY": "from-env", "HOME": "/nonexistent"]) == "from-env")
        let home = TemporaryDirectory()
        #expect(VastClient.apiKey(environment: ["HOME": home.path]) == nil)
        home.write(".config/vastai/vast_api_key", "from-file\n")
        #expect(VastClient.apiKey(environment: ["HOME": home.path]) == "from-file")
        let config = TemporaryDirectory()
        config.write("vastai/vast_api_key", "from-xdg\n")
        #expect(VastClient.apiKey(environment: ["HOME": home.path, "XDG_CONFIG_HOME": config.path]) == "from-xdg")
        home.write(".vast_api_key", "from-legacy-file\n")
        #expect(VastClient.apiKey(environment: ["XDG_CONFIG_HOME": TemporaryDirectory().path, "HOME": home.path]) == "from-legacy-file")
    }

    /// Without HOME no key file is looked for, and the password database is not consulted (a user lookup in the
    /// static sota would load the system's NSS modules and crash).
    @Test func withoutHomeOnlyTheEnvironmentCounts() {
        #expect(VastClient.apiKey(environment: [:]) == nil)
        #expect(VastClient.apiKey(environment: ["HOME": ""]) == nil)
        #expect(VastClient.apiKey(environment: ["VAST_API_KEY": "from-env"]) == "from-env")
    }
}
