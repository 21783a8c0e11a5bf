import SotaSupport

/// YAML 1.2 core-schema resolution of plain scalars.
///
/// Unlike YAML 1.1 loaders, `yes`, `no`, `on` and `off` stay strings and `012` is the integer 12,
/// which is what a person typing a config means.
package enum ScalarResolver {
    /// The typed value of a plain (unquoted) scalar.
    package static func resolve(plain text: String) -> ConfigNode.Value {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .double(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .double(-.infinity)
        case ".nan", ".NaN", ".NAN": return .double(.nan)
        default: break
        }
        let utf8 = Array(text.utf8)
        if let value = integer(utf8) { return value }
        if NumberSyntax.isDecimal(utf8), let value = Double(text) { return .double(value) }
        return .string(text)
    }

    private static func integer(_ bytes: [UInt8]) -> ConfigNode.Value? {
        guard let first = bytes.first else { return nil }
        if bytes.count > 2, bytes[0] == UInt8(ascii: "0") {
            let digits = String(decoding: bytes[2...], as: UTF8.self)
            if bytes[1] == UInt8(ascii: "x"), let value = Int(digits, radix: 16) { return .int(value) }
            if bytes[1] == UInt8(ascii: "o"), let value = Int(digits, radix: 8) { return .int(value) }
        }
        let start = (first == UInt8(ascii: "-") || first == UInt8(ascii: "+")) ? 1 : 0
        guard bytes.count > start, bytes[start...].allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        if let value = Int(text) { return .int(value) }
        // Too large for 64 bits: keep the magnitude as a double rather than silently wrapping.
        return Double(text).map { .double($0) }
    }
}
