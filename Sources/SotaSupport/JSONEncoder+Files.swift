import FoundationEssentials

extension JSONEncoder {
    /// An encoder in the layout of every JSON file sota writes: pretty, keys sorted, slashes unescaped, so files
    /// diff cleanly and paths read as typed.
    package static func forFiles() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
