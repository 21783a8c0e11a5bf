/// Numbers for people, as C's `printf` would print them, without `String(format:)`.
///
/// `String(format:)` passes its arguments as `CVarArg` existentials, and the runtime's first conformance lookups
/// for them scan every conformance record in the binary: about a quarter of a millisecond in a process that prints
/// one line per step.
package enum NumberFormat {
    /// `value` with `decimals` digits after the point, as `%.<decimals>f` prints it (a value whose scaled binary
    /// form lands exactly on a tie rounds to even, as glibc does; one just off a decimal tie may differ).
    package static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return nonFinite(value) }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded(.toNearestOrEven)
        guard scaled < 1e18 else { return "\(value)" }
        let digits = String(UInt64(scaled))
        var padded = String(repeating: "0", count: max(0, decimals + 1 - digits.count))
        padded += digits
        // Built from whole strings: `String + Substring` is generic and costs a runtime lookup on first use.
        var text = value.sign == .minus ? "-" : ""
        text += String(padded.dropLast(decimals))
        if decimals > 0 {
            text += "."
            text += String(padded.suffix(decimals))
        }
        return text
    }

    /// `value` with `significant` significant digits, as `%.<significant>g` prints it: trailing zeros dropped,
    /// and an exponent when it is below -4 or not below `significant`. Digits are rounded half up from the
    /// shortest decimal spelling of `value`, so a value printed as an exact tie may differ from C in its last digit.
    package static func general(_ value: Double, significant: Int) -> String {
        guard value.isFinite else { return nonFinite(value) }
        guard value != 0 else { return value.sign == .minus ? "-0" : "0" }
        let precision = min(max(1, significant), 17)
        var (digits, exponent) = decimalDigits(abs(value))
        if digits.count > precision {
            let roundUp = digits[precision] >= 5
            digits.removeLast(digits.count - precision)
            if roundUp {
                var index = precision - 1
                while index >= 0, digits[index] == 9 { digits[index] = 0; index -= 1 }
                if index >= 0 { digits[index] += 1 } else { digits.insert(1, at: 0); digits.removeLast(); exponent += 1 }
            }
        }
        while digits.count > 1, digits.last == 0 { digits.removeLast() }
        let text = String(decoding: digits.map { $0 + UInt8(ascii: "0") }, as: UTF8.self)
        let sign = value < 0 ? "-" : ""
        if exponent < -4 || exponent >= precision {
            let body = text.count > 1 ? "\(text.prefix(1)).\(text.dropFirst())" : text
            let magnitude = String(abs(exponent))
            return sign + body + "e" + (exponent < 0 ? "-" : "+") + (magnitude.count < 2 ? "0" : "") + magnitude
        }
        if exponent < 0 { return sign + "0." + String(repeating: "0", count: -exponent - 1) + text }
        let integer = text.count > exponent ? String(text.prefix(exponent + 1)) : text + String(repeating: "0", count: exponent + 1 - text.count)
        let fraction = text.dropFirst(exponent + 1)
        return sign + integer + (fraction.isEmpty ? "" : "." + fraction)
    }

    /// The significant decimal digits of a positive finite `value` (its shortest round-trip spelling) and the
    /// power of ten of the first one.
    private static func decimalDigits(_ value: Double) -> (digits: [UInt8], exponent: Int) {
        let spelling = "\(value)"
        let parts = spelling.split(separator: "e", maxSplits: 1)
        let power = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        let mantissa = parts[0].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integerDigits = mantissa[0].utf8.count
        var digits = (mantissa[0].utf8 + (mantissa.count > 1 ? Array(mantissa[1].utf8) : [])).map { $0 - UInt8(ascii: "0") }
        let leadingZeros = digits.prefix { $0 == 0 }.count
        digits.removeFirst(leadingZeros)
        while digits.count > 1, digits.last == 0 { digits.removeLast() }
        return (digits, integerDigits - leadingZeros - 1 + power)
    }

    /// A number already formatted, with `+` in front unless it is negative, as `%+` prints it.
    package static func signed(_ formatted: String) -> String {
        formatted.hasPrefix("-") ? formatted : "+" + formatted
    }

    /// `value` with zeros in front up to `width` digits, as `%0<width>d` prints it.
    package static func zeroPadded(_ value: Int, width: Int) -> String {
        let digits = String(value.magnitude)
        return (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - digits.count - (value < 0 ? 1 : 0))) + digits
    }

    private static func nonFinite(_ value: Double) -> String {
        value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf")
    }
}
