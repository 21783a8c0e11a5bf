import SotaLaunch
import SotaTestSupport
import Testing

@Suite struct ShellQuoteTests {
    static let tricky = [
        "plain", "with space", "it's", "'", "''", "$(touch /tmp/pwned)", "`id`", "$HOME", "a\nb", "tab\there",
        "naïve 数据 🚀", "", "-n", "back\\slash", "\"double\"", "semi;colon && or || pipe | amp &", "*?[glob]", "~",
    ]

    @Test func plainWordsStayBare() {
        #expect(ShellQuote.quote("configs/train.yaml") == "configs/train.yaml")
        #expect(ShellQuote.quote("latent.dim=32") == "latent.dim=32")
        #expect(ShellQuote.quote("https://host/a-b_c") == "https://host/a-b_c")
    }

    @Test func everythingElseIsSingleQuoted() {
        #expect(ShellQuote.quote("") == "''")
        #expect(ShellQuote.quote("with space") == "'with space'")
        #expect(ShellQuote.quote("it's") == #"'it'\''s'"#)
        #expect(ShellQuote.quote("$(id)") == "'$(id)'")
        #expect(ShellQuote.quote("~") == "'~'")
    }

    /// bash itself must read each quoted word back as exactly the original text, as one argument.
    @Test func bashReadsBackTheExactText() throws {
        let script = Self.tricky.map { "printf '%s\\0' " + ShellQuote.quote($0) }.joined(separator: "\n")
        let run = try ProgramRun(["bash", "-c", script])
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.split(separator: "\0", omittingEmptySubsequences: false).dropLast().map(String.init) == Self.tricky)
        let joined = try ProgramRun(["bash", "-c", "printf '%s\\n' \"$#\"; printf '%s\\0' \"$@\"", "bash"] + Self.tricky)
        #expect(joined.out.hasPrefix("\(Self.tricky.count)\n"))
        let words = try ProgramRun(["bash", "-c", "set -- " + ShellQuote.join(Self.tricky) + "; echo $#"])
        #expect(words.out == "\(Self.tricky.count)\n")
    }
}
