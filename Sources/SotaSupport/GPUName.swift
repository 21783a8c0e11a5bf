/// A GPU model's name, compared the way people and tools write it: configs say `RTX-4090`, Vast says `RTX 4090`,
/// nvidia-smi says `NVIDIA GeForce RTX 4090`. The one place sota matches GPU names, for throughput, prices and cost
/// calibration alike.
package struct GPUName: Sendable, Hashable {
    /// The name as written.
    package let text: String
    /// The name without case, spaces, dashes or other punctuation: `RTX 4090`, `RTX-4090` and `rtx_4090` are `rtx4090`.
    package let key: String
    /// The name's words, split at punctuation and between letters and digits, lower case: `A100-80GB` is
    /// `a 100 80 gb`.
    package let words: [String]

    /// Reads a name.
    package init(_ text: String) {
        self.text = text
        var words: [String] = []
        var current = ""
        var currentIsDigit = false
        for character in text.lowercased() {
            guard character.isASCII, character.isLetter || character.isNumber else {
                if !current.isEmpty { words.append(current) }
                current = ""
                continue
            }
            if !current.isEmpty, character.isNumber != currentIsDigit {
                words.append(current)
                current = ""
            }
            current.append(character)
            currentIsDigit = character.isNumber
        }
        if !current.isEmpty { words.append(current) }
        self.words = words
        key = words.joined()
    }

    /// Two names are the same GPU when their keys agree.
    package static func == (lhs: GPUName, rhs: GPUName) -> Bool { lhs.key == rhs.key }

    /// Hashes the key.
    package func hash(into hasher: inout Hasher) { hasher.combine(key) }

    /// Whether `seen`, the hardware a run reported (nvidia-smi's or rocm-smi's product name, or `cpu`), is this GPU:
    /// every word of this name is among its words (`A100-80GB` is `NVIDIA A100-SXM4-80GB`; `A10` is not `A100`).
    package func isSeen(in seen: String) -> Bool {
        let observed = Set(GPUName(seen).words)
        return !words.isEmpty && words.allSatisfy(observed.contains)
    }

    /// The entry of `table` whose key names this GPU (the exact spelling first), or nil.
    package func entry<Value>(in table: [String: Value]) -> (key: String, value: Value)? {
        if let value = table[text] { return (text, value) }
        guard !key.isEmpty else { return nil }
        return table.filter { GPUName($0.key).key == key }.min { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
