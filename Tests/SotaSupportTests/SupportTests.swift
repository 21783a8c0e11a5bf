import Foundation
import Synchronization
import SotaSupport
import SotaTestSupport
import Testing

@Suite struct SuggestionsTests {
    @Test func suggestsCloseMisspellings() {
        #expect(Suggestions.closest(to: "learning_rat", in: ["learning_rate", "epochs"]) == "learning_rate")
        #expect(Suggestions.closest(to: "trainng", in: ["training", "evaluation"]) == "training")
        #expect(Suggestions.closest(to: "epcohs", in: ["epochs"]) == "epochs")
    }

    @Test func staysQuietForUnrelatedWords() {
        #expect(Suggestions.closest(to: "banana", in: ["training", "evaluation"]) == nil)
        #expect(Suggestions.closest(to: "x", in: []) == nil)
    }

    @Test func countsAdjacentSwapsAsOneEdit() {
        #expect(Suggestions.editDistance("ab", "ba") == 1)
        #expect(Suggestions.editDistance("kitten", "sitting") == 3)
        #expect(Suggestions.editDistance("", "abc") == 3)
    }
}

@Suite struct DurationValueTests {
    @Test func descriptionIsTotalOverEveryDouble() {
        // Issue 13: a stage time of -1e19 seconds stopped `sota leaderboard` converting it to an Int.
        #expect(DurationValue(seconds: -1e19).description == "-115740740740741d")
        #expect(DurationValue(seconds: 1e19).description == "115740740740741d")
        #expect(DurationValue(seconds: -90).description == "-1m30s")
        #expect(DurationValue(seconds: -0.4).description == "0s")
        #expect(DurationValue(seconds: .infinity).description == "∞")
        #expect(DurationValue(seconds: -.infinity).description == "-∞")
        #expect(DurationValue(seconds: .nan).description == "?")
        for seconds in [Double.greatestFiniteMagnitude, -.greatestFiniteMagnitude, 9.2e18, -9.3e18, 1e12 - 0.5, .leastNonzeroMagnitude] {
            #expect(!DurationValue(seconds: seconds).description.isEmpty)
        }
    }

    @Test(arguments: [("90s", 90.0), ("25m", 1500), ("1h30m", 5400), ("2.5h", 9000), ("1d", 86400), ("45", 45)])
    func parses(text: String, seconds: Double) {
        #expect(DurationValue(parsing: text)?.seconds == seconds)
    }

    @Test(arguments: ["", "m", "10x", "1h30", "abc", "1e400h"])
    func rejects(text: String) {
        #expect(DurationValue(parsing: text) == nil)
    }

    @Test func printsCompactly() {
        #expect(DurationValue(seconds: 45).description == "45s")
        #expect(DurationValue(seconds: 750).description == "12m30s")
        #expect(DurationValue(seconds: 600).description == "10m")
        #expect(DurationValue(seconds: 7500).description == "2h05m")
        #expect(DurationValue(seconds: 1e300).description.hasSuffix("d"))
        #expect(DurationValue(seconds: 20 * 86400).description == "20d")
    }
}

@Suite struct JSONValueTests {
    @Test func rendersWithStableOrderAndEscapes() {
        let value = JSONValue.object([("b", .int(1)), ("a", .string("x\"\n\u{1}")), ("c", .array([.double(0.5), .null, .bool(true)]))])
        #expect(value.rendered(pretty: false) == #"{"b":1,"a":"x\"\n\u0001","c":[0.5,null,true]}"#)
    }

    @Test func numbersRoundTripAndNonFiniteIsNull() {
        #expect(JSONValue.number(1) == "1.0")
        #expect(JSONValue.number(0.1) == "0.1")
        #expect(JSONValue.number(.nan) == "null")
        #expect(JSONValue.shortNumber(2) == "2")
        #expect(JSONValue.shortNumber(0.25) == "0.25")
    }

    @Test func prettyIndentsByTwoSpaces() {
        #expect(JSONValue.object([("a", .array([.int(1)]))]).rendered(pretty: true) == "{\n  \"a\": [\n    1\n  ]\n}")
    }
}

@Suite struct PathsTests {
    @Test func normalizes() {
        #expect(Paths.normalize("a/./b/../c//d") == "a/c/d")
        #expect(Paths.normalize("/../x") == "/x")
        #expect(Paths.normalize("../x") == "../x")
        #expect(Paths.normalize("./") == ".")
    }

    @Test func relativeOnlyInside() {
        #expect(Paths.relative("/p/a/b", to: "/p") == "a/b")
        #expect(Paths.relative("/q/a", to: "/p") == "/q/a")
        #expect(Paths.relative("/p", to: "/p") == ".")
    }

    @Test func relativePathClimbs() {
        #expect(Paths.relativePath(from: "/p/invalid/data", to: "/p/data/tiny.npz") == "../../data/tiny.npz")
        #expect(Paths.relativePath(from: "/p/data", to: "/p/data/tiny.npz") == "tiny.npz")
        #expect(Paths.relativePath(from: "/p", to: "/p") == ".")
    }

    @Test func tellsBrokenLinksFromMissingFiles() {
        let folder = TemporaryDirectory()
        symlink(folder.url("nowhere"), folder.url("link"))
        #expect(Paths.kind(of: folder.url("link")) == .brokenLink)
        #expect(Paths.kind(of: folder.url("nothing")) == .missing)
        #expect(Paths.kind(of: folder.path) == .directory)
    }

    @Test func nearestExistingAncestor() {
        let folder = TemporaryDirectory()
        #expect(Paths.nearestExistingAncestor(of: folder.url("a/b/c")) == folder.path)
    }
}

@Suite struct SHA256Tests {
    @Test func knownVectors() {
        #expect(SHA256.hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(of: [UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func streamingMatchesOneShotAcrossChunks() throws {
        let folder = TemporaryDirectory()
        let bytes = (0..<(FileStream.chunkSize * 2 + 12_345)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let path = folder.write("blob", bytes)
        let streamed = try FileStream.sha256(of: path)
        #expect(streamed.size == bytes.count)
        #expect(streamed.hex == SHA256.hex(of: bytes))
    }

    @Test func missingFileIsAnError() {
        #expect(throws: FileError.self) { try FileStream.sha256(of: "/nonexistent/file") }
    }
}

@Suite struct AtomicFileTests {
    @Test func replacesContentAndLeavesNoTemporaryFile() throws {
        let folder = TemporaryDirectory()
        let path = folder.url("out.txt")
        try AtomicFile.write("one", to: path)
        try AtomicFile.write("two", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "two")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.txt"])
    }

    @Test func missingFolderNamesThePath() {
        #expect {
            try AtomicFile.write("x", to: "/nonexistent-folder/out.txt")
        } throws: { error in
            "\(error)".contains("/nonexistent-folder/out.txt")
        }
    }
}

@Suite struct RenderingTests {
    @Test func compilerStyleLine() {
        let diagnostic = Diagnostic.error(at: SourceLocation(file: "c.yaml", line: 3, column: 7), "bad", hint: "fix it")
        #expect(DiagnosticRenderer().render(diagnostic) == "c.yaml:3:7: error: bad\n    hint: fix it")
    }

    @Test func summaryPlurals() {
        #expect(DiagnosticRenderer.summary(errors: 1, warnings: 2) == "1 error, 2 warnings")
        #expect(DiagnosticRenderer.summary(errors: 0, warnings: 1) == "1 warning")
    }

    @Test func byteCounts() {
        #expect(ByteCount(512).description == "512 B")
        #expect(ByteCount(1536).description == "1.5 KiB")
        #expect(ByteCount(50 << 20).description == "50.0 MiB")
    }

    @Test func colourOnlyWhenEnabled() {
        #expect(TextStyle.plain.red("x") == "x")
        #expect(TextStyle(isEnabled: true).red("x") == "\u{1B}[1;31mx\u{1B}[0m")
    }
}

@Suite struct NumberFormatTests {
    @Test func generalMatchesPrintfAwayFromExactTies() {
        let values: [Double] = [0.1, 0.123456, 1, 10, 123.456, 1234.5678, 99999.4, 99999.6, 0.0001234, 0.00001234, 1e20, -2.7e-7,
                                0.04321, 123456789, 0.999996, 9.99996, 42, -0.5, 3.14159265, 6.02214076e23, 1.0e-300]
        for value in values {
            for significant in [1, 4, 6] {
                #expect(NumberFormat.general(value, significant: significant) == String(format: "%.\(significant)g", value), "\(value) \(significant)")
            }
        }
        #expect(NumberFormat.general(0, significant: 4) == "0")
        #expect(NumberFormat.general(.nan, significant: 4) == "nan")
        #expect(NumberFormat.general(-.infinity, significant: 4) == "-inf")
    }

    @Test func fixedMatchesPrintf() {
        for value in [0.0, 0.04, 0.25, 1.25, 12.34, 59.96, 3600.44, -1.26, -0.04, 123456.789] {
            for decimals in [0, 1, 3] {
                #expect(NumberFormat.fixed(value, decimals: decimals) == String(format: "%.\(decimals)f", value), "\(value) \(decimals)")
            }
        }
    }
}

@Suite struct BytePiecesTests {
    /// The byte split gives what `split(separator:omittingEmptySubsequences: false)` gives for ASCII separators,
    /// over text with multi-byte characters, empty pieces and separators at both ends.
    @Test func matchesTheStandardSplit() {
        let samples = ["", "\t", "a", "a\tb", "\tlead", "trail\t", "a\t\tb", "ünï\tcödé\t✓", "e\u{301}\tx", "line\r\tnext", "🙂\t🙃\t"]
        for sample in samples {
            for separator: Character in ["\t", "\n"] {
                let expected = sample.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
                let byte = separator.asciiValue ?? 0
                #expect(sample.pieces(separatedBy: byte).map(String.init) == expected, "\(sample.debugDescription)")
                let inner = "x\(separator)\(sample)"[...].dropFirst(2)
                #expect(inner.pieces(separatedBy: byte).map(String.init) == inner.split(separator: separator, omittingEmptySubsequences: false).map(String.init))
            }
        }
        // Bytes, not characters: a line feed after a carriage return still splits (one Character to `split`).
        #expect("line\r\nnext".pieces(separatedBy: 10) == ["line\r", "next"])
    }
}

@Suite struct ConcurrentlyTests {
    @Test func bothResultsAndTheFirstHasFinished() {
        let finished = Mutex(false)
        let (first, second) = Concurrently.both({ () -> Int in
            Thread.sleep(forTimeInterval: 0.05)
            finished.withLock { $0 = true }
            return 41
        }) { "second" }
        #expect(first == 41 && second == "second")
        #expect(finished.withLock { $0 })
    }
}
