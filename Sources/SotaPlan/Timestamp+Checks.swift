extension Timestamp {
    /// True when `text` is an ISO 8601 time sota could have written: `YYYY-MM-DDTHH:MM:SS`, optional fraction, then
    /// `Z` or an offset `±HH:MM`, with a month, day (leap years counted), hour, minute and second that exist.
    ///
    /// By hand over the bytes: ingest checks every time in every manifest, and Foundation's parser costs
    /// microseconds per call where this costs nanoseconds. Years before 1970 or after 9999 are refused too; no run
    /// happened then.
    public static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<start + count] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        func byte(_ index: Int, is expected: Character) -> Bool {
            index < bytes.count && bytes[index] == expected.asciiValue
        }
        guard let year = number(0, 4), byte(4, is: "-"), let month = number(5, 2), byte(7, is: "-"), let day = number(8, 2),
              byte(10, is: "T") || byte(10, is: "t"), let hour = number(11, 2), byte(13, is: ":"), let minute = number(14, 2),
              byte(16, is: ":"), let second = number(17, 2),
              (1970...9999).contains(year), (1...12).contains(month), hour < 24, minute < 60, second < 61
        else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...lengths[month - 1]).contains(day) else { return false }
        var index = 19
        if byte(index, is: ".") {
            index += 1
            let digits = index
            while number(index, 1) != nil { index += 1 }
            guard index > digits else { return false }
        }
        if byte(index, is: "Z") || byte(index, is: "z") { return index + 1 == bytes.count }
        guard byte(index, is: "+") || byte(index, is: "-"), let offsetHours = number(index + 1, 2), byte(index + 3, is: ":"),
              let offsetMinutes = number(index + 4, 2), offsetHours < 24, offsetMinutes < 60
        else { return false }
        return index + 6 == bytes.count
    }
}
