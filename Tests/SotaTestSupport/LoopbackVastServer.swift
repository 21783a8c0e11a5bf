import Foundation
import SotaSupport

/// The loopback Vast API (`Tests/Fixtures/vast_api_server.py`) running for one test: a real HTTP server on
/// 127.0.0.1 that speaks the endpoints sota and the vastai CLI use, keeps instances in memory and logs requests.
public final class LoopbackVastServer: @unchecked Sendable {
    /// One request the server received.
    public struct Request: Sendable {
        /// `GET`, `POST`, `PUT` or `DELETE`.
        public var method: String
        /// The path without the query.
        public var path: String
        /// The `Authorization` header, if any.
        public var authorization: String?
        /// The JSON body as text (`null` when there was none).
        public var bodyText: String

        /// The JSON body as an object, when it is one.
        public var body: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(bodyText.utf8), options: [.fragmentsAllowed])) as? [String: Any]
        }
    }

    /// `http://127.0.0.1:PORT`.
    public let baseURL: String
    private let process: Process
    private let input: Pipe

    /// Starts the server; `apiKey` makes it refuse every other key. It ends when this object does, or when the test
    /// runner does (its standard input closes); `lifetime` seconds is only a last resort, long enough for a test
    /// that awaits its children on a busy machine.
    /// With `files`, the server also serves that folder's files at `GET /files/NAME` (a release download, say).
    public init(apiKey: String? = "test-vast-key", lifetime: Int = 1800, files: String? = nil) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [Python.executable, Self.script, "--lifetime", String(lifetime)] + (apiKey.map { ["--api-key", $0] } ?? [])
            + (files.map { ["--files", $0] } ?? [])
        input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        // The first line is `PORT n`; read it byte by byte so nothing after it is consumed.
        var line = ""
        let handle = output.fileHandleForReading
        while let byte = try handle.read(upToCount: 1)?.first, byte != 10 { line.append(Character(UnicodeScalar(byte))) }
        guard line.hasPrefix("PORT "), let port = Int(line.dropFirst(5)) else {
            process.terminate()
            throw FileError(path: Self.script, operation: "start the loopback Vast API", reason: "it printed `\(line)`")
        }
        baseURL = "http://127.0.0.1:\(port)"
    }

    deinit { stop() }

    /// Stops the server (closing its standard input ends it).
    public func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.waitUntilExit() }
    }

    /// The server script's path.
    public static var script: String { Paths.join(Repository.root, "Tests/Fixtures/vast_api_server.py") }

    /// Changes what the server says about instance `id`: `fields` merged into it (a stop the host made, say), or the
    /// raw `instances` value its GET answers from now on (`answerJSON`, e.g. `[]` for an instance being destroyed).
    public func setInstance(_ id: Int, fieldsJSON: String? = nil, answerJSON: String? = nil) throws {
        let body = "{" + [fieldsJSON.map { "\"fields\": \($0)" }, answerJSON.map { "\"answer\": \($0)" }].compactMap { $0 }.joined(separator: ", ") + "}"
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["-fsS", "-o", "/dev/null", "-X", "PUT", "-H", "Content-Type: application/json", "--data-binary", body,
                          baseURL + "/_test/instances/\(id)/"]
        try curl.run()
        curl.waitUntilExit()
        guard curl.terminationStatus == 0 else {
            throw FileError(path: Self.script, operation: "change instance \(id)", reason: "curl exited \(curl.terminationStatus)")
        }
    }

    /// Every request so far, oldest first.
    public func requests() throws -> [Request] {
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["-fsS", baseURL + "/_test/requests"]
        let output = Pipe()
        curl.standardOutput = output
        try curl.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        curl.waitUntilExit()
        let list = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] ?? []
        return try list.map { item in
            let body = try JSONSerialization.data(withJSONObject: item["body"] ?? NSNull(), options: [.fragmentsAllowed, .sortedKeys])
            return Request(method: item["method"] as? String ?? "", path: item["path"] as? String ?? "",
                           authorization: item["authorization"] as? String, bodyText: String(decoding: body, as: UTF8.self))
        }
    }
}
