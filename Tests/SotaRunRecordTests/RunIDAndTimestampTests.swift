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
}
