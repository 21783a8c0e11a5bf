extension Array where Element == String {
    /// The strings with `separator` between them, as `joined(separator:)` gives, built by plain appends.
    ///
    /// The standard library's `joined(separator:)` is generic over the sequence and looks an associated type up
    /// at run time on its first use in a process, which costs more than the join itself on `sota run`'s path.
    package func joined(with separator: String) -> String {
        var text = ""
        for (index, part) in enumerated() {
            if index > 0 { text += separator }
            text += part
        }
        return text
    }
}
