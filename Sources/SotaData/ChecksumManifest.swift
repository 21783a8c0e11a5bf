import SotaSupport

/// A `sha256sum`-format checksum manifest: `<hex>  <path>` per line, paths relative to the manifest's folder.
///
/// The same file works with `sha256sum -c`, so teams keep one source of truth.
package struct ChecksumManifest: Sendable {
    /// One line of the manifest.
    package struct Entry: Sendable, Equatable {
        /// The file path, relative to the manifest's folder.
        package var path: String
        /// Lowercase hexadecimal SHA-256.
        package var sha256: String
        /// The line it was read from (nil for new entries).
        package var line: Int?
    }

    /// Entries in file order.
    package var entries: [Entry]

    /// Creates a manifest from entries.
    package init(entries: [Entry]) {
        self.entries = entries
    }

    /// The entry for `path`.
    package func entry(for path: String) -> Entry? {
        entries.first { Paths.normalize($0.path) == Paths.normalize(path) }
    }

    /// Parses manifest text; malformed lines become errors at their line.
    package static func parse(_ text: String, file: String) -> (ChecksumManifest, [Diagnostic]) {
        var entries: [Entry] = []
        var diagnostics: [Diagnostic] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.trimmingCharacters(in: " \t").isEmpty || line.hasPrefix("#") { continue }
            let hex = line.prefix(64)
            var rest = line.dropFirst(64)
            // `sha256sum` writes two spaces (text) or space-star (binary); `sha256sum -c` also takes one space.
            guard hex.count == 64, hex.allSatisfy(\.isHexDigit), rest.first == " " else {
                diagnostics.append(.error(at: SourceLocation(file: file, line: index + 1, column: 1),
                                          "not a checksum line: expected `<64 hex digits>  <path>`"))
                continue
            }
            rest = rest.dropFirst()
            if rest.first == " " || rest.first == "*" { rest = rest.dropFirst() }
            guard !rest.isEmpty else {
                diagnostics.append(.error(at: SourceLocation(file: file, line: index + 1, column: 66), "checksum line names no file"))
                continue
            }
            let path = String(rest)
            entries.append(Entry(path: path, sha256: hex.lowercased(), line: index + 1))
        }
        return (ChecksumManifest(entries: entries), diagnostics)
    }

    /// The manifest with `path`'s checksum set (added or replaced), entries sorted by path.
    package func setting(_ path: String, sha256: String) -> ChecksumManifest {
        var copy = entries.filter { Paths.normalize($0.path) != Paths.normalize(path) }
        copy.append(Entry(path: path, sha256: sha256, line: nil))
        return ChecksumManifest(entries: copy.sorted { $0.path < $1.path })
    }

    /// The manifest as `sha256sum` writes it.
    package var text: String {
        entries.map { "\($0.sha256)  \($0.path)\n" }.joined()
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> Substring {
        var result = self
        while let first = result.first, set.contains(first) { result.removeFirst() }
        while let last = result.last, set.contains(last) { result.removeLast() }
        return result
    }
}
