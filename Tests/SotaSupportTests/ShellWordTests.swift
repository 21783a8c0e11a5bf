import SotaSupport
import SotaTestSupport
import Testing

@Suite struct ShellWordTests {
    static func quote(_ text: String) -> String { (try? ShellWord(text, role: "test"))?.rendered ?? "<refused>" }

    static let tricky = [
        "plain", "with space", "it's", "'", "''", "$(touch /tmp/pwned)", "`id`", "$HOME", "a\nb", "tab\there",
        "naïve 数据 🚀", "", "-n", "back\\slash", "\"double\"", "semi;colon && or || pipe | amp &", "*?[glob]", "~",
    ]

    @Test func plainWordsStayBare() {
        #expect(Self.quote("configs/train.yaml") == "configs/train.yaml")
        #expect(Self.quote("latent.dim=32") == "latent.dim=32")
        #expect(Self.quote("https://host/a-b_c") == "https://host/a-b_c")
    }

    @Test func everythingElseIsSingleQuoted() {
        #expect(Self.quote("") == "''")
        #expect(Self.quote("with space") == "'with space'")
        #expect(Self.quote("it's") == #"'it'\''s'"#)
        #expect(Self.quote("$(id)") == "'$(id)'")
        #expect(Self.quote("~") == "'~'")
    }

    /// bash itself must read each quoted word back as exactly the original text, as one argument.
    @Test func bashReadsBackTheExactText() throws {
        let script = Self.tricky.map { "printf '%s\\0' " + Self.quote($0) }.joined(separator: "\n")
        let run = try ProgramRun(["bash", "-c", script])
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.split(separator: "\0", omittingEmptySubsequences: false).dropLast().map(String.init) == Self.tricky)
        let joined = try ProgramRun(["bash", "-c", "printf '%s\\n' \"$#\"; printf '%s\\0' \"$@\"", "bash"] + Self.tricky)
        #expect(joined.out.hasPrefix("\(Self.tricky.count)\n"))
        let words = try ProgramRun(["bash", "-c", "set -- " + Self.tricky.map(Self.quote).joined(separator: " ") + "; echo $#"])
        #expect(words.out == "\(Self.tricky.count)\n")
    }

    @Test func aNULIsRefusedNotTruncated() {
        #expect(throws: ScriptValueError.self) { try ShellWord("a\0b", role: "test") }
    }

    /// Printed command lines use the same quoting, and show a NUL instead of refusing the word.
    @Test func printedWordsQuoteAsScriptsDo() {
        for text in Self.tricky { #expect(ShellWord.printable(text) == Self.quote(text), "\(text)") }
        #expect(ShellWord.printable("a\0b") == #"'a\0b'"#)
    }
}
