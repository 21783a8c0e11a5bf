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
        let start = text.firstRange(of: "://")?.upperBound ?? text.startIndex
        let end = text[start...].firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? text.endIndex
        guard let at = text[start..<end].lastIndex(of: "@") else { return nil }
        return start..<text.index(after: at)
    }
}

/// `%XX` escapes in URL text.
package enum PercentEncoding {
    /// `text` with each `%XX` replaced by its byte; nil when an escape is malformed or the bytes are not UTF-8.
    package static func decoded(_ text: String) -> String? {
        bytes(text).flatMap { String(validating: $0, as: UTF8.self) }
    }

    /// The bytes `text` spells, each `%XX` replaced by its byte; nil when an escape is malformed.
    package static func bytes(_ text: String) -> [UInt8]? {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return Array(text.utf8) }
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
