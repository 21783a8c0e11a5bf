/// A NumPy element type, as named in configs (`float32`) or in NPY headers (`<f4`).
package struct NumpyDType: Hashable, Sendable, CustomStringConvertible {
    /// The kind letter: `f` float, `i` signed, `u` unsigned, `b` bool, `c` complex.
    package var kind: Character
    /// Bytes per element.
    package var itemSize: Int
    /// False for big-endian data.
    package var isLittleEndian: Bool

    /// Config spellings and their (kind, size).
    static let named: [(String, Character, Int)] = [
        ("bool", "b", 1), ("int8", "i", 1), ("int16", "i", 2), ("int32", "i", 4), ("int64", "i", 8),
        ("uint8", "u", 1), ("uint16", "u", 2), ("uint32", "u", 4), ("uint64", "u", 8),
        ("float16", "f", 2), ("float32", "f", 4), ("float64", "f", 8),
        ("complex64", "c", 8), ("complex128", "c", 16),
    ]

    /// The names a config may use, for suggestions.
    package static var names: [String] { named.map(\.0) }

    /// Parses `float32`-style names and `<f4`, `|u1`, `>i8`-style descriptors.
    package init?(parsing text: String) {
        if let entry = Self.named.first(where: { $0.0 == text }) {
            self.init(kind: entry.1, itemSize: entry.2, isLittleEndian: true)
            return
        }
        var characters = Array(text)
        var little = true
        if let first = characters.first, "<>|=".contains(first) {
            little = first != ">"
            characters.removeFirst()
        }
        guard let kind = characters.first, "fiubc?".contains(kind),
              let size = Int(String(characters.dropFirst())), size > 0 else { return nil }
        let normalizedKind: Character = kind == "?" ? "b" : kind
        guard Self.named.contains(where: { $0.1 == normalizedKind && $0.2 == size }) else { return nil }
        self.init(kind: normalizedKind, itemSize: size, isLittleEndian: little || size == 1)
    }

    /// Creates a dtype from its parts.
    package init(kind: Character, itemSize: Int, isLittleEndian: Bool) {
        self.kind = kind
        self.itemSize = itemSize
        self.isLittleEndian = isLittleEndian
    }

    /// True when two dtypes hold the same kind and size (byte order aside).
    package func sameType(as other: NumpyDType) -> Bool { kind == other.kind && itemSize == other.itemSize }

    /// The config spelling (`float32`), with `(big-endian)` when relevant.
    package var description: String {
        let name = Self.named.first { $0.1 == kind && $0.2 == itemSize }?.0 ?? "\(kind)\(itemSize)"
        return isLittleEndian ? name : "\(name) (big-endian)"
    }
}
