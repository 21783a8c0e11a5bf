import SotaLaunch
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

    @Test func sbatchValuesRefuseWhatADirectiveCannotCarry() throws {
        for bad in ["a b", "a\nb", "it's", "\"x\"", "#x", "%j", "$(id)", "`id`", "a;b", "*", "a\tb", "", "a\u{2028}b"] {
            #expect(throws: ScriptValueError.self, "\(bad)") { try SbatchValue(bad, role: "test") }
        }
        for good in ["gpu", "gpu-long,debug", "/shared/p/runs", "-x", "ml_team.2", "naïve"] {
            #expect(try SbatchValue(good, role: "test").text == good)
        }
        #expect(try SbatchDirective(parsing: "--constraint=a100", role: "t").description == "--constraint=a100")
        #expect(try SbatchDirective(parsing: "#SBATCH --exclusive", role: "t").description == "--exclusive")
        for bad in ["--output=/tmp/x", "constraint=a100", "--constraint=a 100", "-C a100", "--x\n--y", "--", "--job-name=x"] {
            #expect(throws: ScriptValueError.self, "\(bad)") { try SbatchDirective(parsing: bad, role: "t") }
        }
    }
}
