/// The user information of a URL (`user:password@` before the host), which holds a credential when it is there:
/// found so a setting that would be copied into scripts and records can refuse it, and masked wherever a URL is
/// echoed in a message, so a refusal does not print the secret it refuses.
package enum URLUserinfo {
    /// Whether `text` has `…@` in its authority (after `scheme://`, before the first `/`, `?` or `#`).
    package static func isPresent(in text: String) -> Bool { range(in: text) != nil }

    /// `text` with its user information replaced by `***`: `https://***@host/path`.
    package static func masked(_ text: String) -> String {
        guard let range = range(in: text) else { return text }
        var shown = text
        shown.replaceSubrange(range, with: "***@")
        return shown
    }

    /// The range of the user information and its `@`; a text with no `scheme://` is read as starting with the authority.
    private static func range(in text: String) -> Range<String.Index>? {
        let start = text.range(of: "://")?.upperBound ?? text.startIndex
        let end = text[start...].firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? text.endIndex
        guard let at = text[start..<end].lastIndex(of: "@") else { return nil }
        return start..<text.index(after: at)
    }
}
