import FoundationEssentials
import SotaSupport

/// The Vast.ai REST API calls sota makes, spelled as the vastai CLI sends them.
///
/// Requests go through the `curl` program: linking an HTTP stack (FoundationNetworking brings libcurl and its
/// TLS, LDAP and SSH libraries) would add their loading to the start of every sota command, and only `launch`,
/// `status` and `cancel` talk to the network. The API key travels in curl's config on standard input, never on
/// a command line other processes can read.
package struct VastClient: Sendable {
    /// The default API server, as the vastai CLI uses it.
    package static let defaultBaseURL = "https://console.vast.ai"

    /// The server, without a trailing slash.
    package var baseURL: String
    /// The API key sent as `Authorization: Bearer KEY`; nil sends none (offer search needs none).
    package var apiKey: String?
    /// Seconds to wait for one answer.
    package var timeout: Double

    /// Creates a client.
    package init(baseURL: String = VastClient.defaultBaseURL, apiKey: String?, timeout: Double = 60) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.apiKey = apiKey
        self.timeout = timeout
    }

    /// The API key from `VAST_API_KEY`, else the file the vastai CLI keeps it in.
    ///
    /// The files are found through `XDG_CONFIG_HOME` and `HOME` only, never the password database: in the fully
    /// static sota, a user lookup loads the system's NSS modules (systemd, sss, ldap), each with a libc of its
    /// own, and crashes.
    package static func apiKey(environment: [String: String]) -> String? {
        if let key = environment["VAST_API_KEY"], !key.isEmpty { return key }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 }
        var paths: [String] = []
        if let config = environment["XDG_CONFIG_HOME"], !config.isEmpty {
            paths.append(Paths.join(config, "vastai/vast_api_key"))
        } else if let home {
            paths.append(Paths.join(home, ".config/vastai/vast_api_key"))
        }
        if let home { paths.append(Paths.join(home, ".vast_api_key")) }
        for path in paths {
            if let text = try? String(contentsOfFile: path, encoding: .utf8) {
                let key = text.trimmingWhitespace()
                if !key.isEmpty { return key }
            }
        }
        return nil
    }

    /// Offers matching `query`, in the server's order.
    package func searchOffers(_ query: VastOfferQuery) throws(VastAPIError) -> [VastOffer] {
        let (data, url) = try send("POST", "/api/v0/bundles/", body: query.body)
        return try decode(OfferList.self, data, url).offers
    }

    /// Rents `offerID` with `request`; returns the new instance id.
    package func createInstance(offerID: Int, _ request: VastInstanceRequest) throws(VastAPIError) -> Int {
        let (data, url) = try send("PUT", "/api/v0/asks/\(offerID)/", body: request.body)
        let answer = try decode(CreateAnswer.self, data, url)
        guard answer.success != false, let id = answer.new_contract else {
            throw .unexpectedResponse(url: url, reason: "no `new_contract` in the answer" + (answer.msg.map { ": \($0)" } ?? ""))
        }
        return id
    }

    /// The instance `id`, or nil when Vast no longer knows it (destroyed).
    package func instance(_ id: Int) throws(VastAPIError) -> VastInstance? {
        do {
            let (data, url) = try send("GET", "/api/v0/instances/\(id)/?owner=me", body: nil)
            return try decode(InstanceAnswer.self, data, url).instances
        } catch .status(let code, _, _, _) where code == 404 {
            return nil
        }
    }

    /// Asks Vast to stop (`running: false`) or start the instance.
    package func setRunning(_ id: Int, _ running: Bool) throws(VastAPIError) {
        _ = try send("PUT", "/api/v0/instances/\(id)/", body: .object([("state", .string(running ? "running" : "stopped"))]))
    }

    /// Destroys the instance and its disk.
    package func destroyInstance(_ id: Int) throws(VastAPIError) {
        _ = try send("DELETE", "/api/v0/instances/\(id)/", body: .object([]))
    }

    // MARK: - HTTP

    private struct OfferList: Decodable { var offers: [VastOffer] }
    private struct CreateAnswer: Decodable { var success: Bool?; var new_contract: Int?; var msg: String? }
    /// `{"instances": {...}}`; Vast answers a destroyed instance with `null`, `[]` or `{}` there (or a 404), all "gone".
    private struct InstanceAnswer: Decodable {
        var instances: VastInstance?

        private enum CodingKeys: String, CodingKey { case instances }
        private struct Keys: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            if try container.decodeNil(forKey: .instances) {
                instances = nil
            } else if let list = try? container.decode([VastInstance].self, forKey: .instances) {
                instances = list.first
            } else if let object = try? container.nestedContainer(keyedBy: Keys.self, forKey: .instances), object.allKeys.isEmpty {
                instances = nil
            } else {
                instances = try container.decode(VastInstance.self, forKey: .instances)
            }
        }
    }
    private struct ErrorAnswer: Decodable { var msg: String?; var error: String? }

    private func decode<T: Decodable>(_ type: T.Type, _ data: Data, _ url: String) throws(VastAPIError) -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw .unexpectedResponse(url: url, reason: "\(error)")
        }
    }

    /// One blocking request; returns the body of a 2xx answer.
    private func send(_ method: String, _ path: String, body: JSONValue?) throws(VastAPIError) -> (Data, String) {
        let text = baseURL + path
        guard text.hasPrefix("http://") || text.hasPrefix("https://"), !text.contains(where: { $0.isWhitespace || $0 == "\"" }) else {
            throw .unreachable(url: text, reason: "not an http(s) URL")
        }
        let shown = baseURL + (path.split(separator: "?").first.map(String.init) ?? path)
        let outcome = perform(method, text, body: body.map { Data($0.rendered(pretty: false).utf8) })
        switch outcome {
        case .failure(let error):
            throw .unreachable(url: shown, reason: error.description)
        case .success(let (code, data)):
            guard (200..<300).contains(code) else {
                let answer = try? JSONDecoder().decode(ErrorAnswer.self, from: data)
                let message = answer?.msg ?? answer?.error ?? String(decoding: data.prefix(200), as: UTF8.self)
                throw .status(code: code, method: method, url: shown, message: message.trimmingWhitespace())
            }
            return (data, shown)
        }
    }

    /// Why curl gave no HTTP answer.
    private struct TransportFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs one request with curl; the status code and body of whatever HTTP answer came back.
    private func perform(_ method: String, _ url: String, body: Data?) -> Result<(Int, Data), TransportFailure> {
        guard let curl = Paths.findExecutable("curl", path: ProcessInfo.processInfo.environment["PATH"], relativeTo: "/") else {
            return .failure(TransportFailure(description: "the `curl` program is not installed (apt-get install curl)"))
        }
        func quoted(_ text: String) -> String {
            "\"" + text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
        }
        var config = [
            "url = \(quoted(url))", "request = \(quoted(method))", "header = \"Accept: application/json\"",
            "max-time = \(Int(timeout.rounded(.up)))", "silent", "show-error", "write-out = \"\\n%{http_code}\"",
        ]
        if let apiKey { config.append("header = \(quoted("Authorization: Bearer " + apiKey))") }
        if let body {
            config.append("header = \"Content-Type: application/json\"")
            config.append("data-binary = \(quoted(String(decoding: body, as: UTF8.self)))")
        }
        let outcome: CapturedCommand.Outcome
        do {
            // The configuration (with the API key) goes on standard input, never on the command line.
            outcome = try CapturedCommand(curl, ["--config", "-"], input: Array((config.joined(separator: "\n") + "\n").utf8)).run()
        } catch {
            return .failure(TransportFailure(description: "cannot start curl: \(error)"))
        }
        let answer = outcome.out
        guard outcome.status == 0 else {
            let message = String(decoding: outcome.err, as: UTF8.self)
            let reason = message.split(separator: "\n").last.map { String($0.replacing("curl: ", with: "")) } ?? ""
            return .failure(TransportFailure(description: reason.isEmpty ? "curl exited \(outcome.status)" : reason))
        }
        guard let newline = answer.lastIndex(of: UInt8(ascii: "\n")),
              let code = Int(String(decoding: answer[answer.index(after: newline)...], as: UTF8.self)) else {
            return .failure(TransportFailure(description: "curl gave no HTTP status"))
        }
        return .success((code, Data(answer[..<newline])))
    }
}
