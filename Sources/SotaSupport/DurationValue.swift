/// A length of time written the way people write it in configs: `90s`, `25m`, `1h30m`, `2.5h`.
package struct DurationValue: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The length in seconds.
    package var seconds: Double

    /// Creates a duration of `seconds`.
    package init(seconds: Double) {
        self.seconds = seconds
    }

    /// Parses `90`, `90s`, `25m`, `1h30m`, `2.5h`, `1d`; nil when the text is not a duration.
    package init?(parsing text: String) {
        // A switch rather than a dictionary literal: this runs on every `sota run` start, and a dictionary keyed
        // by Character costs a runtime conformance lookup the first time.
        func unit(_ character: Character) -> Double? {
            switch character {
            case "s": 1
            case "m": 60
            case "h": 3600
            case "d": 86400
            default: nil
            }
        }
        var total = 0.0, number = "", sawUnit = false
        for character in text.trimmingSpaces() {
            if character.isNumber || character == "." {
                number.append(character)
            } else if let unit = unit(character), let value = Double(number) {
                total += value * unit
                number = ""
                sawUnit = true
            } else {
                return nil
            }
        }
        if !number.isEmpty {
            guard !sawUnit, let value = Double(number) else { return nil }
            total += value
        } else if !sawUnit {
            return nil
        }
        guard total.isFinite else { return nil }
        seconds = total
    }

    /// The longest duration a config may state: a year, far past any real stage.
    package static let maximum = DurationValue(seconds: 365 * 86400)

    package static func < (lhs: DurationValue, rhs: DurationValue) -> Bool { lhs.seconds < rhs.seconds }

    /// Compact human spelling: `45s`, `12m30s`, `2h05m`; negative durations get a `-`, infinities `∞`, NaN `?`.
    ///
    /// Total over every `Double`: durations come from manifests and the leaderboard, which a person can edit, so
    /// nothing here converts a value to `Int` before knowing it fits.
    package var description: String {
        if seconds.isNaN { return "?" }
        let rounded = seconds.rounded()
        if rounded < 0 { return "-" + DurationValue(seconds: -seconds).description }
        guard seconds.isFinite else { return "∞" }
        if rounded >= 1e12 { return "\(JSONValue.shortNumber((seconds / 86400).rounded()))d" }
        // Below 1e12, far inside Int's range.
        let whole = Int(rounded)
        if whole < 60 { return "\(whole)s" }
        if whole >= 86400 * 10 { return "\(whole / 86400)d" }
        if whole < 3600 {
            let s = whole % 60
            return s == 0 ? "\(whole / 60)m" : "\(whole / 60)m\(s < 10 ? "0" : "")\(s)s"
        }
        let minutes = (whole % 3600) / 60
        return "\(whole / 3600)h\(minutes < 10 ? "0" : "")\(minutes)m"
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    package func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
