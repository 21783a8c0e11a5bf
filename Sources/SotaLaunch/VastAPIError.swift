import SotaSupport

/// A Vast API call that did not do what was asked, said so that the user knows where to look.
package enum VastAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No connection: DNS, refused, timeout, TLS.
    case unreachable(url: String, reason: String)
    /// The API answered with an error status; `message` is its `msg`/`error` text when it gave one.
    case status(code: Int, method: String, url: String, message: String)
    /// The API answered 2xx with a body sota cannot read.
    case unexpectedResponse(url: String, reason: String)
    /// No API key anywhere sota looks.
    case missingAPIKey

    package var description: String {
        switch self {
        case .unreachable(let url, let reason):
            return "cannot reach the Vast API at \(url): \(reason)"
        case .status(let code, let method, let url, let message):
            let hint = code == 401 || code == 403 ? " (check VAST_API_KEY)" : ""
            return "the Vast API refused \(method) \(url): HTTP \(code)\(message.isEmpty ? "" : ": \(message)")\(hint)"
        case .unexpectedResponse(let url, let reason):
            return "unexpected answer from the Vast API at \(url): \(reason)"
        case .missingAPIKey:
            return "no Vast API key: set VAST_API_KEY, or run `vastai set api-key KEY` (sota reads ~/.config/vastai/vast_api_key)"
        }
    }
}
