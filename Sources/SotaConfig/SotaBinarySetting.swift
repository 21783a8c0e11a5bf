import SotaSupport

/// How a Vast instance gets the `sota` it runs: `launch.vast.sota_binary` in `sota.yaml`.
///
/// A rented GPU should run the release binary, not spend paid minutes building one: a verified download when the
/// team names one, else the launching machine's own binary, uploaded to the results location. Building from source
/// on the instance happens only when asked for.
package enum SotaBinarySetting: Sendable, Equatable {
    /// `{url: https://…, sha256: …}`: fetched by the instance and checked against the SHA-256 before it runs; a
    /// release tarball (`sota-VERSION-linux-x86_64.tar.gz`) or a bare binary.
    case download(url: String, sha256: String, location: SourceLocation)
    /// `upload` (also what no key means): `sota launch` uploads this machine's binary to the results location.
    case upload(location: SourceLocation?)
    /// `build`: the instance builds sota from the checked-out repository with SwiftPM.
    case build(location: SourceLocation)

    /// The key path, for messages.
    package static let keyPath = "launch.vast.sota_binary"

    /// The words `sota_binary` takes besides a `{url, sha256}` mapping.
    static let words = ["upload", "build"]

    /// What the schema validator checks of the mapping form; the rest (URL scheme, hash digits) is checked here.
    static let mappingSchema = MappingSchema([
        FieldSchema("url", .string(nonEmpty: true), required: true, "https URL of the release tarball or binary (http only on loopback)"),
        FieldSchema("sha256", .string(nonEmpty: true), required: true, "its SHA-256, 64 hexadecimal digits as sha256sum prints them"),
    ])

    /// The setting `node` holds, and every problem with it, each naming its file, line and column.
    package static func parse(_ node: ConfigNode) -> (SotaBinarySetting?, [Diagnostic]) {
        if let word = node.stringValue {
            switch word {
            case "upload": return (.upload(location: node.location), [])
            case "build": return (.build(location: node.location), [])
            default:
                let hint = Suggestions.closest(to: word, in: words).map { "did you mean `\($0)`?" }
                    ?? "write `upload` (the default), `build`, or {url: https://…/sota-VERSION-linux-x86_64.tar.gz, sha256: …}"
                return (nil, [.error(at: node.location, keyPath: keyPath,
                                     "`\(keyPath)` must be `upload`, `build` or {url, sha256}, found `\(word)`", hint: hint)])
            }
        }
        guard node.entries != nil else {
            return (nil, [.error(at: node.location, keyPath: keyPath,
                                 "`\(keyPath)` must be `upload`, `build` or a mapping {url, sha256}, found \(node.kindDescription)")])
        }
        var problems = SchemaValidator().validate(node, against: .mapping(mappingSchema), path: KeyPath([.key("launch"), .key("vast"), .key("sota_binary")]))
        guard !problems.hasErrors, let urlNode = node["url"], let url = urlNode.stringValue,
              let hashNode = node["sha256"], let hash = hashNode.stringValue else { return (nil, problems) }
        if let problem = urlProblem(url) {
            problems.append(.error(at: urlNode.location, keyPath: keyPath + ".url", "`\(keyPath).url` \(problem)",
                                   hint: "the instance downloads it: use the release's https URL (http is accepted only on loopback, for tests)"))
        }
        if let problem = sha256Problem(hash) {
            problems.append(.error(at: hashNode.location, keyPath: keyPath + ".sha256", "`\(keyPath).sha256` \(problem)",
                                   hint: "copy the first word `sha256sum sota-VERSION-linux-x86_64.tar.gz` prints (or the release's SHA256SUMS line)"))
        }
        guard !problems.hasErrors else { return (nil, problems) }
        return (.download(url: url, sha256: hash.lowercased(), location: node.location), problems)
    }

    /// Why `url` cannot be downloaded safely by an instance, or nil when it can: https, or http to a loopback host;
    /// no credential (it would be copied into the script), no space or quote.
    static func urlProblem(_ url: String) -> String? {
        let shown = URLUserinfo.masked(url)
        if URLUserinfo.isPresent(in: url) {
            return "`\(shown)` carries a credential (`user:password@`), which would be copied into the onstart script and launch.json"
        }
        if let bad = url.unicodeScalars.first(where: { $0 == " " || $0 == "\"" || $0 == "'" || $0 == "\\" || $0.properties.generalCategory == .control }) {
            return "`\(shown)` contains \(bad == " " ? "a space (write %20)" : "`\(bad)`"), which no URL holds"
        }
        let lowered = url.lowercased()
        let isHTTPS = lowered.hasPrefix("https://")
        guard isHTTPS || lowered.hasPrefix("http://") else {
            return "`\(shown)` is not an https URL"
        }
        let rest = url.dropFirst(isHTTPS ? 8 : 7)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let host = hostName(of: String(authority))
        if host.isEmpty { return "`\(shown)` names no host" }
        if !rest.contains("/") || rest.hasSuffix("/") && rest.count == authority.count + 1 {
            return "`\(shown)` names no file on its host"
        }
        if !isHTTPS, !isLoopback(host) {
            return "`\(shown)` is plain http: the binary could be replaced on the way (the SHA-256 would then refuse it and the run would not start)"
        }
        return nil
    }

    /// The host of a URL authority (`host:port`, `[::1]:8080`), lower-cased.
    static func hostName(of authority: String) -> String {
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return String(authority[authority.index(after: authority.startIndex)..<close]).lowercased()
        }
        return String(authority.prefix { $0 != ":" }).lowercased()
    }

    /// Whether `host` is this machine: `localhost`, 127.0.0.0/8 or `::1`.
    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// Why `hash` is not a SHA-256 in hexadecimal, or nil when it is.
    static func sha256Problem(_ hash: String) -> String? {
        if let index = hash.firstIndex(where: { !$0.isHexDigit || !$0.isASCII }) {
            let position = hash.distance(from: hash.startIndex, to: index) + 1
            return "holds `\(hash[index])` at character \(position), which is not a hexadecimal digit; a SHA-256 is 64 hexadecimal digits"
        }
        if hash.count != 64 {
            return "has \(hash.count) hexadecimal digit\(hash.count == 1 ? "" : "s"); a SHA-256 has 64"
        }
        return nil
    }
}
