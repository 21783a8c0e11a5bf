/// A size in bytes, printed the way people read sizes: `512 B`, `3.2 KiB`, `50.0 MiB`.
package struct ByteCount: Hashable, Sendable, CustomStringConvertible {
    /// The number of bytes.
    package var bytes: Int

    /// Creates a byte count.
    package init(_ bytes: Int) {
        self.bytes = bytes
    }

    package var description: String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes), unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(bytes) B" }
        let rounded = (value * 10).rounded() / 10
        return "\(rounded) \(units[unit])"
    }
}
