extension Timestamp {
    /// Days in each month of a common year.
    private static let monthLengths: [Int] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

    /// True when `text` is an ISO 8601 time sota could have written: `YYYY-MM-DDTHH:MM:SS`, optional fraction, then
    /// `Z` or an offset `±HH:MM`, with a month, day (leap years counted), hour, minute and second that exist.
    ///
    /// By hand over the bytes, in place: ingest checks every time in every manifest (eight in a demo run), and
    /// Foundation's parser costs microseconds per call where this costs nanoseconds. Years before 1970 or after 9999
    /// are refused too; no run happened then.
    package static func isValid(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { isValid(bytes: $0) }
    }

    private static func isValid(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start >= 0, count <= bytes.count, start <= bytes.count - count else { return nil }
            var value = 0
            for index in start..<(start + count) {
                let digit = bytes[index] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                value = value * 10 + Int(digit)
            }
            return value
        }
        func byte(_ index: Int, is expected: UInt8) -> Bool {
            index < bytes.count && bytes[index] == expected
        }
        guard let year = number(0, 4), byte(4, is: UInt8(ascii: "-")), let month = number(5, 2), byte(7, is: UInt8(ascii: "-")),
              let day = number(8, 2), byte(10, is: UInt8(ascii: "T")) || byte(10, is: UInt8(ascii: "t")), let hour = number(11, 2),
              byte(13, is: UInt8(ascii: ":")), let minute = number(14, 2), byte(16, is: UInt8(ascii: ":")), let second = number(17, 2),
              (1970...9999).contains(year), (1...12).contains(month), hour < 24, minute < 60, second < 61
        else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let length = month == 2 && leap ? 29 : monthLengths[month - 1]
        guard (1...length).contains(day) else { return false }
        var index = 19
        if byte(index, is: UInt8(ascii: ".")) {
            index += 1
            let digits = index
            while number(index, 1) != nil { index += 1 }
            guard index > digits else { return false }
        }
        if byte(index, is: UInt8(ascii: "Z")) || byte(index, is: UInt8(ascii: "z")) { return index + 1 == bytes.count }
        guard byte(index, is: UInt8(ascii: "+")) || byte(index, is: UInt8(ascii: "-")), let offsetHours = number(index + 1, 2),
              byte(index + 3, is: UInt8(ascii: ":")), let offsetMinutes = number(index + 4, 2), offsetHours < 24, offsetMinutes < 60
        else { return false }
        return index + 6 == bytes.count
    }
}
