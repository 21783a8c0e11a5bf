import SotaSupport
@testable import SotaConfig
import Testing

private func load(_ text: String) -> YAMLLoader.Result {
    YAMLLoader().load(bytes: Array(text.utf8), displayPath: "c.yaml")
}

@Suite struct ScalarResolverTests {
    @Test func coreSchemaTypes() {
        if case .int(12) = ScalarResolver.resolve(plain: "012") {} else { Issue.record("012") }
        if case .int(255) = ScalarResolver.resolve(plain: "0xff") {} else { Issue.record("0xff") }
        if case .double(0.001) = ScalarResolver.resolve(plain: "1e-3") {} else { Issue.record("1e-3") }
        if case .double(let v) = ScalarResolver.resolve(plain: ".nan"), v.isNaN {} else { Issue.record(".nan") }
        if case .double(-.infinity) = ScalarResolver.resolve(plain: "-.inf") {} else { Issue.record("-.inf") }
        if case .bool(true) = ScalarResolver.resolve(plain: "True") {} else { Issue.record("True") }
        if case .null = ScalarResolver.resolve(plain: "~") {} else { Issue.record("~") }
    }

    @Test(arguments: ["yes", "no", "on", "off", "1.2.3", "nan", "inf", "0x", "1e", "+", "-"])
    func staysString(text: String) {
        if case .string(text) = ScalarResolver.resolve(plain: text) {} else { Issue.record("\(text) should be a string") }
    }
}

@Suite struct YAMLLoaderTests {
    @Test func keepsPositionsOfKeysAndValues() throws {
        let result = load("a:\n  b: 3\n  c: [x, 2.5]\n")
        let root = try #require(result.root)
        #expect(root.entry("a")?.keyLocation.line == 1)
        let b = try #require(root.node(at: "a.b"))
        #expect(b.intValue == 3)
        #expect(b.location == SourceLocation(file: "c.yaml", line: 2, column: 6))
        #expect(root.node(at: "a.c[1]")?.numberValue == 2.5)
    }

    @Test func quotedNumbersStayStrings() throws {
        let root = try #require(load("a: \"20\"\nb: 20\n").root)
        #expect(root["a"]?.stringValue == "20")
        #expect(root["a"]?.isQuoted == true)
        #expect(root["b"]?.intValue == 20)
    }

    @Test func reportsEveryDuplicateKey() {
        let result = load("a: 1\nb: 2\na: 3\nc:\n  d: 1\n  d: 2\n")
        let duplicates = result.diagnostics.filter { $0.message.contains("duplicate key") }
        #expect(duplicates.map(\.location?.line) == [3, 6])
        #expect(duplicates.first?.message.contains("first defined at line 1") == true)
    }

    @Test func tabIndentationIsLocated() {
        let result = load("a:\n\tb: 1\n")
        #expect(result.root == nil)
        #expect(result.diagnostics.first?.location == SourceLocation(file: "c.yaml", line: 2, column: 1))
        #expect(result.diagnostics.first?.message.contains("tab") == true)
    }

    @Test func syntaxErrorIsLocated() {
        let result = load("a: [1, 2\nb: 3\n")
        #expect(result.root == nil)
        #expect(result.diagnostics.first?.message.hasPrefix("YAML syntax") == true)
        #expect(result.diagnostics.first?.location?.line != nil)
    }

    @Test func emptyAndCommentOnlyFilesAreErrors() {
        #expect(load("").diagnostics.first?.message == "file is empty")
        #expect(load("# just a comment\n").diagnostics.first?.message == "file is empty")
    }

    @Test func binaryGarbageIsNotParsed() {
        let result = YAMLLoader().load(bytes: [0x61, 0x3A, 0x20, 0xFF, 0xFE, 0x00], displayPath: "c.yaml")
        #expect(result.root == nil)
        #expect(result.diagnostics.first?.message.contains("not UTF-8") == true)
        #expect(result.diagnostics.first?.location?.column == 4)
    }

    @Test func billionLaughsIsRefusedQuickly() {
        var text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 {
            let refs = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            text += "a\(level): &a\(level) [\(refs)]\n"
        }
        let result = load(text)
        #expect(result.root == nil)
        #expect(result.diagnostics.first?.message.contains("past 200000 nodes") == true)
        #expect(result.diagnostics.first?.hint?.contains("billion laughs") == true)
    }

    @Test func ordinaryAliasesAndMergeKeysWork() throws {
        let root = try #require(load("base: &b {x: 1, y: 2}\nderived:\n  <<: *b\n  y: 3\n").root)
        #expect(root.node(at: "derived.x")?.intValue == 1)
        #expect(root.node(at: "derived.y")?.intValue == 3)
    }

    @Test func byteOrderMarkIsIgnored() throws {
        let result = YAMLLoader().load(bytes: [0xEF, 0xBB, 0xBF] + Array("a: 1\n".utf8), displayPath: "c.yaml")
        #expect(result.diagnostics.isEmpty)
        #expect(try #require(result.root)["a"]?.intValue == 1)
    }

    @Test func secondDocumentIsAnError() {
        let result = load("a: 1\n---\nb: 2\n")
        #expect(result.diagnostics.contains { $0.message.contains("second one starts here") && $0.location?.line == 2 })
    }

    @Test func customTagsAreRefused() {
        let result = load("a: !!python/object:os.system ls\n")
        #expect(result.diagnostics.contains { $0.message.contains("unsupported YAML tag") })
    }

    @Test func deepNestingIsBounded() {
        let text = String(repeating: "[", count: 400) + String(repeating: "]", count: 400)
        let result = load(text)
        #expect(result.root == nil)
        #expect(result.diagnostics.contains { $0.message.contains("nesting is deeper") })
    }

    @Test func oversizedInputIsRefusedBeforeParsing() {
        var limits = YAMLLoader.Limits()
        limits.maxBytes = 10
        let result = YAMLLoader(limits: limits).load(bytes: Array("a: 1234567890\n".utf8), displayPath: "c.yaml")
        #expect(result.diagnostics.first?.message.contains("configs are limited to") == true)
    }
}

@Suite struct YAMLEmitterTests {
    @Test func roundTripsValues() throws {
        let text = "a: 1\nb: \"yes\"\nc: [1.5, x, null]\nd:\n  - name: s\n    outputs: [o.json]\ne: \"\"\nf: \"a: b\"\n"
        let root = try #require(load(text).root)
        let emitted = YAMLEmitter.emit(root)
        let again = try #require(load(emitted).root)
        #expect(CanonicalForm.json(again) == CanonicalForm.json(root))
        #expect(emitted.contains("b: \"yes\""))
    }
}
