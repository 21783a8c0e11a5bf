/// A command line with `{placeholder}` fields, filled per child by the orchestrator.
public enum CommandTemplate {
    /// The placeholder names used in `text`, in order (`{{` and `}}` are literal braces).
    public static func placeholderNames(in text: String) -> [String] {
        var names: [String] = []
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            if character == "{", next < text.endIndex, text[next] == "{" {
                index = text.index(after: next)
                continue
            }
            if character == "{", let close = text[next...].firstIndex(of: "}") {
                names.append(String(text[next..<close]))
                index = text.index(after: close)
                continue
            }
            index = next
        }
        return names
    }

    /// `text` with each `{name}` replaced by `values[name]`; unknown names are left as written.
    public static func fill(_ text: String, with values: [String: String]) -> String {
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
            if character == "{", let close = text[next...].firstIndex(of: "}"), let value = values[String(text[next..<close])] {
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
