import Foundation
import SotaSupport
import SotaTestSupport
import Testing

/// What replaced full Foundation's conveniences when sota moved to FoundationEssentials: each must behave as the
/// code it replaced did where sota relies on it.
@Suite struct JSONSyntaxTests {
    @Test(arguments: [#"{}"#, #"[]"#, #" {"a": [1, -2.5e3, true, false, null, "x\n\u00e9"]} "#, "0", #""""#, "-0.0E+1"])
    func acceptsValidJSON(_ text: String) {
        #expect(JSONSyntax.firstErrorOffset(Array(text.utf8)) == nil)
    }

    @Test(arguments: [
        (#"{"a": x}"#, 6), (#"{"a": 1,}"#, 8), (#"[1 2]"#, 3), (#"{"a" 1}"#, 5), ("01", 1), ("1.", 2), (#""ab"#, 3),
        ("\"a\u{1}\"", 2), (#""\x""#, 2), (#""\u12G4""#, 5), ("{} {}", 3), ("", 0), ("tru", 3), ("[-]", 2),
    ])
    func pointsAtTheFirstBadByte(_ text: String, _ offset: Int) {
        #expect(JSONSyntax.firstErrorOffset(Array(text.utf8)) == offset, "\(text)")
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let bytes = [UInt8](repeating: UInt8(ascii: "["), count: 1_000_000)
        #expect(JSONSyntax.firstErrorOffset(bytes) == JSONSyntax.maximumDepth)
    }

    @Test func agreesWithFoundationOnWhetherTextIsJSON() throws {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["{", "}", "[", "]", ",", ":", "\"k\"", "1", "-", ".5", "e2", "true", "null", " ", "\n", "\"\\u00e9\""]
        for _ in 0..<2_000 {
            let text = (0..<Int.random(in: 1...8, using: &generator)).map { _ in pieces.randomElement(using: &generator) ?? "" }.joined()
            // Foundation's parser also takes a comma before `]` or `}`, which RFC 8259 does not.
            let compact = text.replacing(" ", with: "").replacing("\n", with: "")
            let foundation = !compact.contains(",]") && !compact.contains(",}")
                && (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) != nil
            #expect((JSONSyntax.firstErrorOffset(Array(text.utf8)) == nil) == foundation, "\(text)")
        }
    }

    @Test func linesAndColumnsCountCharacters() {
        let bytes = Array("{\n  \"é\": x\n}".utf8)
        let offset = JSONSyntax.firstErrorOffset(bytes) ?? -1
        #expect(JSONSyntax.lineAndColumn(of: offset, in: bytes) == (2, 8))
    }
}

@Suite struct TextReplacementTests {
    @Test func percentDecoding() {
        #expect(PercentEncoding.decoded("a%20b/c") == "a b/c")
        #expect(PercentEncoding.decoded("%e2%82%AC") == "€")
        #expect(PercentEncoding.decoded("plain") == "plain")
        #expect(PercentEncoding.decoded("%zz") == nil)
        #expect(PercentEncoding.decoded("%2") == nil)
        #expect(PercentEncoding.decoded("%ff") == nil)
    }

    @Test func trimmingAndPadding() {
        #expect(" \t a b \n".trimmingWhitespace() == "a b")
        #expect("   ".trimmingWhitespace() == "")
        #expect("ab".rightPadded(4) == "ab  ")
        #expect("abcdef".rightPadded(4) == "abcdef")
    }

    @Test func signedAndZeroPaddedNumbers() {
        #expect(NumberFormat.signed(NumberFormat.fixed(2.25, decimals: 1)) == "+2.2")
        #expect(NumberFormat.signed(NumberFormat.fixed(-0.5, decimals: 1)) == "-0.5")
        #expect(NumberFormat.zeroPadded(7, width: 3) == "007")
        #expect(NumberFormat.zeroPadded(1234, width: 3) == "1234")
        #expect(NumberFormat.zeroPadded(-5, width: 3) == "-05")
    }

    @Test func fileSystemErrorsInTheSystemsWords() throws {
        let directory = TemporaryDirectory()
        let file = directory.path + "/file"
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        do {
            try FileManager.default.createDirectory(atPath: file + "/below", withIntermediateDirectories: true)
            Issue.record("a folder was created below a file")
        } catch {
            #expect(SystemErrorText.reason(error) == "Not a directory")
        }
        do {
            _ = try Data(contentsOf: URL(fileURLWithPath: directory.path + "/missing"))
        } catch {
            #expect(SystemErrorText.reason(error) == "No such file or directory")
        }
    }
}

@Suite struct FileRangeTests {
    @Test func readsByOffsetAndTail() throws {
        let directory = TemporaryDirectory()
        let file = directory.path + "/log"
        try "0123456789".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(FileRange.size(of: file) == 10)
        #expect(FileRange.read(file, from: 3, count: 4) == Array("3456".utf8))
        #expect(FileRange.read(file, from: 8, count: 1 << 20) == Array("89".utf8))
        #expect(FileRange.read(file, from: 20, count: 5) == [])
        #expect(FileRange.tail(file, count: 3)?.bytes == Array("789".utf8))
        #expect(FileRange.tail(file, count: 3)?.cut == true)
        #expect(FileRange.tail(file, count: 30)?.cut == false)
        #expect(FileRange.read(directory.path + "/missing", from: 0, count: 1) == nil)
        #expect(FileRange.size(of: directory.path + "/missing") == nil)
    }
}

@Suite struct CapturedCommandTests {
    @Test func collectsStatusOutputAndErrors() throws {
        let outcome = try CapturedCommand("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"]).run()
        #expect(outcome.status == 3)
        #expect(String(decoding: outcome.out, as: UTF8.self) == "out\n")
        #expect(String(decoding: outcome.err, as: UTF8.self) == "err\n")
    }

    @Test func largeInputAndOutputDoNotStall() throws {
        // More than a pipe holds both ways: the input must be written while the output is read.
        let input = [UInt8]((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 % 251) })
        let outcome = try CapturedCommand("/bin/cat", [], input: input).run()
        #expect(outcome.status == 0)
        #expect(outcome.out == input)
    }

    @Test func directoryAndEnvironment() throws {
        let directory = TemporaryDirectory()
        let outcome = try CapturedCommand("/bin/sh", ["-c", "pwd; echo \"$ONLY\"; env | wc -l"], environment: ["ONLY": "this"],
                                          directory: directory.path).run()
        let lines = String(decoding: outcome.out, as: UTF8.self).split(separator: "\n").map { $0.trimmingWhitespace() }
        #expect(lines.first == Paths.resolved(directory.path) ?? directory.path)
        #expect(lines.dropFirst().first == "this")
        // sh adds PWD and a few of its own; nothing of the test process's environment is passed.
        #expect((Int(lines.last ?? "") ?? 99) < 6)
    }

    @Test func aMissingProgramIsAStartFailure() {
        #expect(throws: CapturedCommand.StartFailure.self) { try CapturedCommand("/nonexistent/tool", []).run() }
        do {
            _ = try CapturedCommand("/nonexistent/tool", []).run()
        } catch {
            #expect(error.description == "No such file or directory")
        }
    }

    @Test func aSignalIsReportedAs128PlusItsNumber() throws {
        let outcome = try CapturedCommand("/bin/sh", ["-c", "kill -9 $$"]).run()
        #expect(outcome.status == 128 + 9)
    }
}
