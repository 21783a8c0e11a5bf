/// A command line with `{placeholder}` fields, filled per child by the orchestrator.
package enum CommandTemplate {
    /// The placeholder names used in `text`, in order (`{{` and `}}` are literal braces).
    package static func placeholderNames(in text: String) -> [String] {
        var names: [String] = []
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            if character == "{", next < text.endIndex, text[next] == "{" {
                index = text.index(after: next)
                continue
            }
            if character == "{", let close = text[next...].firstIndex(of: "}"), isName(text[next..<close]) {
                names.append(String(text[next..<close]))
                index = text.index(after: close)
                continue
            }
            index = next
        }
        return names
    }

    /// Only `{identifier}` is a placeholder; other braces (JSON in a shell command, say) are literal text.
    static func isName(_ text: Substring) -> Bool {
        guard let first = text.first, first.isLetter || first == "_" else { return false }
        return text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
    }

    /// `text` with each `{name}` replaced by `values[name]`; unknown names are left as written.
    package static func fill(_ text: String, with values: [String: String]) -> String {
        var out = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            if (character == "{" || character == "}"), next < text.endIndex, text[next] == character {
                out.append(character)
                index = text.index(after: next)
                continue
            }
            if character == "{", let close = text[next...].firstIndex(of: "}"), isName(text[next..<close]),
               let value = values[String(text[next..<close])] {
                out += value
                index = text.index(after: close)
                continue
            }
            out.append(character)
            index = next
        }
        return out
    }
}
