import SotaSupport
import SotaLaunch
import Testing

/// Values bound for `#SBATCH` lines: stricter than a shell word, since Slurm reads them without a shell.
@Suite struct SbatchValueTests {
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
