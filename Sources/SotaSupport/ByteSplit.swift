extension Substring {
    /// The text split at every `separator` byte (an ASCII character), empty pieces kept.
    ///
    /// Splits on UTF-8 bytes: `split(separator:)` compares whole characters (grapheme clusters), which made reading
    /// the index's stored summaries and caches, a thousand lines at a time, the slowest part of `sota catalog`.
    /// Written for `Substring` itself: a generic version, unspecialized across modules, took ten times as long.
    package func pieces(separatedBy separator: UInt8) -> [Substring] {
        // Offsets found over the contiguous bytes, then turned into indices (constant time for native strings).
        var copy = self
        let offsets = copy.withUTF8 { bytes in bytes.indices.filter { bytes[$0] == separator } }
        var result: [Substring] = []
        result.reserveCapacity(offsets.count + 1)
        var start = startIndex
        for offset in offsets {
            let end = utf8.index(startIndex, offsetBy: offset)
            result.append(self[start..<end])
            start = utf8.index(after: end)
        }
        result.append(self[start...])
        return result
    }
}

extension String {
    /// The text split at every `separator` byte (an ASCII character), empty pieces kept; see `Substring`'s.
    package func pieces(separatedBy separator: UInt8) -> [Substring] {
        self[...].pieces(separatedBy: separator)
    }
}
