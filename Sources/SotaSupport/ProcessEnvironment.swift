import Glibc

/// The process environment as a dictionary, read straight from `environ`.
///
/// Foundation's `ProcessInfo.environment` builds the same dictionary through several bridging layers, a cost every
/// start of the CLI would pay.
package enum ProcessEnvironment {
    /// Every `NAME=value` entry of the environment; for a repeated name the first entry wins, as `getenv` finds it.
    package static func current() -> [String: String] {
        var result: [String: String] = [:]
        // `clearenv` leaves `environ` null although Swift imports it as non-optional.
        guard var entry = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>(bitPattern: UInt(bitPattern: environ)) else { return result }
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if let equals = text.utf8.firstIndex(of: UInt8(ascii: "=")), equals != text.startIndex {
                let name = String(text[..<equals])
                if result[name] == nil { result[name] = String(text[text.index(after: equals)...]) }
            }
            entry += 1
        }
        return result
    }
}
