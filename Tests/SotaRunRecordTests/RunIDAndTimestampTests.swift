import Foundation
import SotaRunRecord
import Testing
@testable import SotaRunRecord

@Suite struct RunIDAndTimestampTests {
    @Test func oneRuleForRunIDs() {
        for valid in [RunID.make().text, "sweep-20261123-141503-9f3a2b1c", "R1", "a_b-c"] { #expect(RunID.problem(with: valid) == nil, "\(valid)") }
        for invalid in ["", "../x", "a/b", "a.b", "-flag", "ünï", "a b", "tab\t", String(repeating: "a", count: 129)] {
            #expect(RunID.problem(with: invalid) != nil, "\(invalid)")
        }
    }

    @Test func timestampsSotaWritesAreValidAndImpossibleOnesAreNot() {
        #expect(Timestamp.isValid(Timestamp.string(Date())))
        for valid in ["2024-02-29T23:59:59Z", "2026-01-01T00:00:00.5+02:00", "2026-12-31T12:00:00.123456Z"] { #expect(Timestamp.isValid(valid), "\(valid)") }
        for invalid in ["2023-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-00-10T00:00:00Z", "2026-01-01T24:00:00Z",
                        "2026-01-01T00:60:00Z", "2026-01-01 00:00:00Z", "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00Zjunk",
                        "1969-12-31T23:59:59Z", "2026-01-01T00:00:00+2:00", "２０２６-01-01T00:00:00Z"] {
            #expect(!Timestamp.isValid(invalid), "\(invalid)")
        }
    }

    /// The hand-written reader agrees with Foundation's ISO 8601 parser (to ten microseconds: it reads a stamp as a
    /// microsecond into its millisecond) over instants with milliseconds from 1970 to 2100, leap days and month
    /// ends included; what it reads writes the same text again; every other form is left to Foundation.
    @Test func handReadStampsEqualFoundationsReading() throws {
        var generator = SystemRandomNumberGenerator()
        var instants = (0..<2000).map { _ in Double(Int.random(in: 0..<4_102_444_800_000, using: &generator)) / 1000 }
        instants += [0, 951_782_399.999, 951_782_400, 1_709_251_199.5, 4_102_444_799.999]
        for seconds in instants {
            let text = Timestamp.string(Date(timeIntervalSince1970: seconds))
            let foundation = try Date(text, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true))
            let hand = try #require(Timestamp.exactForm(text), "\(text)")
            #expect(abs(hand.timeIntervalSince(foundation)) < 1e-5, "\(text): \(hand.timeIntervalSince1970) vs \(foundation.timeIntervalSince1970)")
            #expect(Timestamp.string(hand) == text, "\(text)")
        }
        for other in ["2024-02-29T23:59:59Z", "2026-01-01T00:00:00.5+02:00", "2023-02-29T00:00:00.000Z", "2026-13-01T00:00:00.000Z",
                      "2026-01-01T24:00:00.000Z", "2026-01-01T00:00:00.000+", "2026-01-01T00:00:0a.000Z", "２０２６-01-01T00:00:00Z"] {
            #expect(Timestamp.exactForm(other) == nil, "\(other)")
        }
        #expect(Timestamp.date("2024-02-29T23:59:59Z") != nil)
    }
}
