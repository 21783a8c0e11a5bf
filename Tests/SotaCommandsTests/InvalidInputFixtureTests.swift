import Foundation
import SotaSupport
import SotaTestSupport
import Testing

/// One bad-input fixture: a file whose header comments state the expected exit status and diagnostics.
struct InvalidFixture: CustomTestStringConvertible, Sendable {
    struct Expectation: Sendable {
        var line: Int?
        var column: Int?
        var severity: String
        var text: String
    }

    var file: String
    var exitStatus: Int32
    var expectations: [Expectation]
    var extraArguments: [String]
    var command: String

    var testDescription: String { file }

    static func all() -> [InvalidFixture] {
        let folder = Paths.join(Fixtures.project, "invalid")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().compactMap { parse("invalid/" + $0) }
    }

    static func parse(_ relative: String) -> InvalidFixture? {
        guard let text = try? String(contentsOfFile: Paths.join(Fixtures.project, relative), encoding: .utf8) else { return nil }
        var fixture = InvalidFixture(file: relative, exitStatus: 1, expectations: [], extraArguments: [], command: "config")
        for line in text.split(separator: "\n") where line.hasPrefix("# ") {
            let body = line.dropFirst(2)
            if body.hasPrefix("expect-exit:") {
                fixture.exitStatus = Int32(body.dropFirst("expect-exit:".count).trimmingCharacters(in: .whitespaces)) ?? 1
            } else if body.hasPrefix("args:") {
                fixture.extraArguments = ShellWords.split(String(body.dropFirst("args:".count)))
            } else if body.hasPrefix("command:") {
                fixture.command = body.dropFirst("command:".count).trimmingCharacters(in: .whitespaces)
            } else if body.hasPrefix("expect:") {
                // `expect: 12:5 error: text` or `expect: - error: text`
                let rest = body.dropFirst("expect:".count).trimmingCharacters(in: .whitespaces)
                guard let space = rest.firstIndex(of: " ") else { continue }
                let position = rest[..<space]
                let remainder = rest[rest.index(after: space)...]
                guard let colon = remainder.firstIndex(of: ":") else { continue }
                let severity = String(remainder[..<colon])
                let message = remainder[remainder.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                let numbers = position.split(separator: ":").compactMap { Int($0) }
                fixture.expectations.append(Expectation(
                    line: numbers.first, column: numbers.count > 1 ? numbers[1] : nil, severity: severity, text: message
                ))
            }
        }
        return fixture
    }
}

/// Splits `--set a=b --set "c=d e"` the way a shell would (quotes only).
enum ShellWords {
    static func split(_ text: String) -> [String] {
        var words: [String] = [], current = "", quote: Character?, inWord = false
        for character in text {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
                inWord = true
            } else if character == " " {
                if inWord { words.append(current); current = ""; inWord = false }
            } else {
                current.append(character)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }
}

@Suite struct InvalidInputFixtureTests {
    @Test func corpusIsLargeEnough() {
        #expect(InvalidFixture.all().count >= 30)
    }

    @Test(arguments: InvalidFixture.all())
    func reportsLocatedProblem(_ fixture: InvalidFixture) throws {
        let run = CommandRun(["validate", fixture.command, fixture.file, "--json"] + fixture.extraArguments, in: Fixtures.project)
        #expect(run.status == fixture.exitStatus, "\(fixture.file): \(run.out)\(run.err)")
        guard run.status != 64 else { return }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any], "\(run.out)\(run.err)")
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        #expect(!fixture.expectations.isEmpty, "\(fixture.file) states no expectation")
        for expectation in fixture.expectations {
            let found = diagnostics.contains { diagnostic in
                (diagnostic["line"] as? Int) == expectation.line
                    && (expectation.column == nil || (diagnostic["column"] as? Int) == expectation.column)
                    && (diagnostic["severity"] as? String) == expectation.severity
                    && ((diagnostic["message"] as? String) ?? "").contains(expectation.text)
            }
            #expect(found, "\(fixture.file): no \(expectation.severity) at \(expectation.line.map(String.init) ?? "-"):\(expectation.column.map(String.init) ?? "-") containing “\(expectation.text)” in \(run.out)")
        }
    }
}

/// Bad inputs that cannot be static files: binary data, huge files, directories, broken links.
@Suite struct GeneratedBadInputTests {
    private func firstDiagnostic(_ run: CommandRun) throws -> [String: Any] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])
        return try #require((object["diagnostics"] as? [[String: Any]])?.first)
    }

    @Test func binaryGarbage() throws {
        let folder = TemporaryDirectory()
        folder.write("garbage.yaml", (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) })
        let run = CommandRun(["validate", "config", "garbage.yaml", "--json"], in: folder.path)
        #expect(run.status == 1)
        let diagnostic = try firstDiagnostic(run)
        #expect((diagnostic["message"] as? String)?.hasPrefix("not") == true)
        #expect(diagnostic["line"] as? Int == 1)
    }

    @Test func fiftyMegabyteYAMLIsRefusedWithoutParsing() throws {
        let folder = TemporaryDirectory()
        let line = Array("key_with_some_length: a value that takes up space in the file\n".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(50 << 20)
        while bytes.count < 50 << 20 { bytes += line }
        folder.write("huge.yaml", bytes)
        let run = CommandRun(["validate", "config", "huge.yaml", "--json"], in: folder.path)
        #expect(run.status == 1)
        let diagnostic = try firstDiagnostic(run)
        #expect((diagnostic["message"] as? String)?.contains("configs are limited to 8.0 MiB") == true)
        #expect(diagnostic["file"] as? String == "huge.yaml")
    }

    @Test func directoryAndBrokenLinkAndMissingFile() throws {
        let folder = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: folder.url("dir.yaml"), withIntermediateDirectories: true)
        symlink(folder.url("gone.yaml"), folder.url("link.yaml"))
        for (file, message) in [("dir.yaml", "is a directory"), ("link.yaml", "broken symbolic link"), ("none.yaml", "no such file")] {
            let run = CommandRun(["validate", "config", file, "--json"], in: folder.path)
            #expect(run.status == 1)
            let diagnostic = try firstDiagnostic(run)
            #expect((diagnostic["message"] as? String)?.contains(message) == true, "\(file): \(diagnostic)")
            #expect(diagnostic["file"] as? String == file)
        }
    }

    @Test func setWithoutEqualsIsAUsageError() {
        let run = CommandRun(["validate", "config", "configs/train_burgers_golden.yaml", "--set", "latent.dim"], in: Repository.root)
        #expect(run.status == 64)
        #expect(run.err.contains("--set latent.dim: `--set` expects KEY=VALUE"))
    }
}
