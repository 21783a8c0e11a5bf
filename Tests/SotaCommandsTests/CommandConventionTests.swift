import Foundation
import SotaSupport
@testable import SotaCommands
import SotaTestSupport
import Testing

/// What users of well-kept CLIs expect: a mistyped command gets the closest one, a word option refuses a word it
/// does not know with the choices, and bash completes those words.
@Suite struct CommandConventionTests {
    private let folder = TemporaryDirectory()

    @Test func aMistypedCommandGetsTheClosestOne() {
        let run = CommandRun(["leaderbord"], in: folder.path)
        #expect(run.status == 64)
        #expect(run.err.contains("error: unknown command `leaderbord`") && run.err.contains("did you mean `sota leaderboard`?"), "\(run.err)")
        let far = CommandRun(["xyzzy-plugh"], in: folder.path)
        #expect(far.status == 64 && far.err.contains("unknown command `xyzzy-plugh`") && !far.err.contains("did you mean"), "\(far.err)")
        // Options and real commands are left to the parser.
        #expect(CommandRun(["--version"], in: folder.path).status == 0)
        #expect(CommandRun(["help"], in: folder.path).status == 0)
    }

    @Test func anUnknownPhaseIsAUsageErrorNamingTheChoices() {
        for arguments in [["leaderboard", "--phase", "smal_eval"], ["report", "--weekly", "--phase", "smal_eval"]] {
            let run = CommandRun(arguments, in: folder.path)
            #expect(run.status == 64, "\(arguments): \(run.out)")
            #expect(run.err.contains("--phase takes full_eval or small_eval, found `smal_eval` (did you mean `small_eval`?)"), "\(run.err)")
        }
    }

    @Test func everyValidatedConfigHasTheSameJSONKeys() throws {
        let run = CommandRun(["validate", "config", "--json", "invalid/step_metrics_outside.yaml", "configs/good_train.yaml"], in: Fixtures.project)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any], "\(run.out)\(run.err)")
        let configs = try #require(object["configs"] as? [[String: Any]])
        #expect(configs.allSatisfy { Set($0.keys) == ["path", "valid", "kind", "hash"] }, "\(configs)")
        #expect(configs.first?["valid"] as? Bool == false && configs.first?["hash"] is NSNull, "\(configs)")
    }

    /// The reply bash's completion gives for `line` (the word being completed is its last, possibly empty).
    private func complete(_ words: [String], script: String) throws -> [String] {
        let file = folder.write("sota.bash", script)
        let quoted = words.map { "'\($0)'" }.joined(separator: " ")
        let line = words.joined(separator: " ")
        let program = """
            source '\(file)'
            COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1); COMP_LINE='\(line)'; COMP_POINT=${#COMP_LINE}
            _sota sota '\(words.last ?? "")' '\(words.count > 1 ? words[words.count - 2] : "")'
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let run = try ProgramRun(["/bin/bash", "-c", program], in: folder.path)
        return run.out.split(separator: "\n").map(String.init)
    }

    @Test func bashCompletesCommandsAndTheWordsOfWordOptions() throws {
        let script = CommandRun(["--generate-completion-script", "bash"], in: folder.path).out
        #expect(try complete(["sota", "leaderb"], script: script) == ["leaderboard"])
        #expect(try complete(["sota", "leaderboard", "--phase", ""], script: script) == ["full_eval", "small_eval"])
        #expect(try complete(["sota", "report", "--direction", "h"], script: script) == ["higher"])
        #expect(try complete(["sota", "launch", "--backend", "s"], script: script) == ["slurm"])
    }

    /// Run ids and experiment names come from the real program, which the completion script calls back
    /// (`"${COMP_WORDS[0]}" ---completion …`): the first word is the built binary, run in a small project.
    @Test func bashCompletesConfigsRunIDsExperimentsAndFormats() throws {
        let script = CommandRun(["--generate-completion-script", "bash"], in: folder.path).out
        let sota = SotaBinary.path
        folder.write("sota.yaml", "project: completions\nmetrics: {accuracy: higher, loss: lower}\nprimary_metric: loss\n")
        folder.write("configs/base.yaml", "seed: 1\n")
        folder.write("configs/notes.txt", "not a config\n")
        for run in ["20261120-100000-0000000a", "20261123-141503-9f3a2b1c", "sweep-20261122-090000-0000000b"] {
            folder.write("runs/\(run)/manifest.json", "{}")
        }
        for experiment in ["experiments/2026-01-02-wide", "experiments/2026-01-05-deep", "experiments-archive/2025-12-01-old"] {
            folder.write("\(experiment)/config.yaml", "seed: 1\n")
        }
        #expect(try complete(["sota", "validate", "config", "configs/"], script: script) == ["configs/base.yaml"])
        #expect(try complete([sota, "run", "--resume", "2026112"], script: script) == ["20261123-141503-9f3a2b1c", "20261120-100000-0000000a"])
        #expect(try complete([sota, "compare", "20261120-100000-0000000a", ""], script: script)
                == ["20261123-141503-9f3a2b1c", "20261120-100000-0000000a"])
        #expect(try complete([sota, "experiment", "show", ""], script: script) == ["deep", "wide", "old"])
        #expect(try complete([sota, "experiment", "restore", ""], script: script) == ["old"])
        #expect(try complete(["sota", "catalog", "--format", ""], script: script) == ["csv", "json"])
        #expect(try complete([sota, "leaderboard", "--metric", ""], script: script) == ["loss", "accuracy"])
    }

    /// Every command's words (`["experiment", "new"]`), from the command tree.
    private func commandPaths() throws -> [[String]] {
        let help = try #require(Sota._dumpHelp().data(using: .utf8))
        let root = try #require(try JSONSerialization.jsonObject(with: help) as? [String: Any])
        var paths: [[String]] = []
        func visit(_ command: [String: Any], path: [String]) {
            paths.append(path)
            for sub in command["subcommands"] as? [[String: Any]] ?? [] where sub["commandName"] as? String != "help" {
                visit(sub, path: path + [sub["commandName"] as? String ?? "?"])
            }
        }
        visit(try #require(root["command"] as? [String: Any]), path: [])
        return paths
    }

    /// At 80 columns ArgumentParser wraps the help's text; an example command line must still be whole on its line
    /// (or continued with a backslash by its author), and a command quoted in running text (`sota …`) must not be
    /// broken across two lines, or it can no longer be copied.
    @Test func helpAtEightyColumnsNeverBreaksACommandLine() throws {
        let sota = SotaBinary.path
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        for path in try commandPaths() {
            environment["COLUMNS"] = "80"
            let narrow = try ProgramRun([sota] + path + ["--help"], in: folder.path, environment: environment).out
            environment["COLUMNS"] = "2000"
            let wide = try ProgramRun([sota] + path + ["--help"], in: folder.path, environment: environment).out
            let narrowLines = narrow.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let command = (["sota"] + path).joined(separator: " ")
            // Example lines: indented lines that start with a command, each whole at 80 columns.
            for line in wide.split(separator: "\n").map(String.init) {
                let text = line.drop { $0 == " " }
                guard line.hasPrefix(" "), text.hasPrefix("sota ") || text.hasPrefix("$ sota ") else { continue }
                #expect(narrowLines.contains(line), "\(command) --help: `\(line)` is broken at 80 columns")
            }
            for line in narrowLines {
                // The usage line is ArgumentParser's own and never wrapped.
                #expect(line.count <= 80 || line.hasPrefix("USAGE: "), "\(command) --help: a line of \(line.count) columns: \(line)")
                // A `sota …` quotation opened on this line is closed on it.
                let quoted = line.split(separator: "`", omittingEmptySubsequences: false)
                if quoted.count % 2 == 0, let open = quoted.last, open.hasPrefix("sota ") {
                    Issue.record("\(command) --help: `\(open)… is broken at 80 columns")
                }
            }
        }
    }
}
