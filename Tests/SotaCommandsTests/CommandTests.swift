import Foundation
import SotaSupport
@testable import SotaCommands
import SotaTestSupport
import Testing

@Suite struct ValidateConfigCommandTests {
    @Test func demoConfigsAreValid() {
        let run = CommandRun(["validate", "config", "configs/train_burgers_golden.yaml", "configs/small_eval.yaml",
                              "configs/full_eval.yaml", "configs/prices.yaml"], in: Repository.root)
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.contains("ok configs/train_burgers_golden.yaml (training config, sha256 "))
        #expect(run.out.contains("ok configs/prices.yaml (price table)"))
        #expect(run.out.contains("4 configs checked: 4 valid"))
        #expect(run.err.isEmpty)
    }

    @Test func printConfigShowsOverridesAndHash() throws {
        let run = CommandRun(["validate", "config", "configs/train_burgers_golden.yaml", "--print-config", "--format", "json",
                              "--set", "latent.dim=32", "--set", "operator.pdet.input_dim=32"], in: Repository.root)
        #expect(run.status == 0, "\(run.err)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])
        #expect((object["latent"] as? [String: Any])?["dim"] as? Int == 32)
        #expect((object["training"] as? [String: Any])?["learning_rate"] as? Double == 0.05)
        let yaml = CommandRun(["validate", "config", "configs/train_burgers_golden.yaml", "--print-config"], in: Repository.root)
        #expect(yaml.out.hasPrefix("# configs/train_burgers_golden.yaml (training config, sha256 "))
        #expect(yaml.out.contains("\n  dim: 16\n"))
    }

    @Test func strictTurnsWarningsIntoErrors() {
        let folder = TemporaryDirectory()
        folder.write("t.py", "")
        folder.write("c.yaml", """
        training: {command: [python3, t.py], epochs: 1, learning_rate: 0.1, checkpoint: c.json, stages: [{name: s, outputs: [c.json]}]}
        """)
        let lenient = CommandRun(["validate", "config", "c.yaml"], in: folder.path)
        #expect(lenient.status == 0)
        #expect(lenient.err.contains("c.yaml:1:1: warning: no `seed`"))
        let strict = CommandRun(["validate", "config", "c.yaml", "--strict"], in: folder.path)
        #expect(strict.status == 1)
        #expect(strict.err.contains("c.yaml:1:1: error: no `seed`"))
    }

    @Test func jsonListsEveryConfigAndDiagnostic() throws {
        let folder = TemporaryDirectory()
        folder.write("bad.yaml", "training:\n  epochs: 0\n")
        let run = CommandRun(["validate", "config", "bad.yaml", "--json"], in: folder.path)
        #expect(run.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])
        #expect(object["valid"] as? Bool == false)
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.count >= 5)
        #expect(diagnostics.contains { $0["key"] as? String == "training.epochs" && $0["line"] as? Int == 2 && $0["column"] as? Int == 11 })
    }

    @Test func brokenProjectFileStopsWithItsLocation() {
        let folder = TemporaryDirectory()
        folder.write("sota.yaml", "constraints: [{range: {key: a, min: x}}]\n")
        folder.write("c.yaml", "seed: 1\n")
        let run = CommandRun(["validate", "config", "c.yaml"], in: folder.path)
        #expect(run.status == 1)
        #expect(run.err.contains("sota.yaml:1:"))
        #expect(run.err.contains("`constraints[0].range.min` must be a number"))
    }
}

@Suite struct ValidateDataCommandTests {
    @Test func demoDatasetMatchesItsManifestAndConfig() {
        let run = CommandRun(["validate", "data", "configs/train_burgers_golden.yaml"], in: Repository.root)
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.contains("data/burgers_1d.npz"))
        #expect(run.out.contains("matches manifest"))
        #expect(run.out.contains("u_train  float32  [24, 41, 64]"))
        #expect(run.out.contains("data ok"))
    }

    @Test func inspectsADataFileDirectly() throws {
        let run = CommandRun(["validate", "data", "data/burgers_1d.npz", "--manifest", "data/SHA256SUMS", "--json"], in: Repository.root)
        #expect(run.status == 0, "\(run.out)\(run.err)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])
        let arrays = try #require(object["arrays"] as? [[String: Any]])
        #expect(arrays.map { $0["name"] as? String } == ["u_train", "u_test", "x"])
        #expect(object["sha256"] as? String == object["expected_sha256"] as? String)
    }

    @Test func writeManifestThenDetectChange() {
        let folder = TemporaryDirectory()
        folder.write("sota.yaml", "project: t\n")
        folder.write("t.py", "")
        folder.write("d.npy", ArrayFixtures.npy(descr: "<f4", shape: [4]))
        folder.write("c.yaml", """
        seed: 1
        data: {path: d.npy, manifest: SUMS, arrays: {d: {dtype: float32, shape: [4]}}}
        training: {command: [python3, t.py], epochs: 1, learning_rate: 0.1, checkpoint: c.json, stages: [{name: s, outputs: [c.json]}]}
        """)
        let missing = CommandRun(["validate", "data", "c.yaml"], in: folder.path)
        #expect(missing.status == 1)
        #expect(missing.err.contains("c.yaml:2:31: error: checksum manifest `SUMS` not found"))
        #expect(CommandRun(["validate", "data", "c.yaml", "--write-manifest"], in: folder.path).status == 0)
        #expect((try? String(contentsOfFile: folder.url("SUMS"), encoding: .utf8))?.hasSuffix("  d.npy\n") == true)
        #expect(CommandRun(["validate", "data", "c.yaml"], in: folder.path).status == 0)
        folder.write("d.npy", ArrayFixtures.npy(descr: "<f4", shape: [4], fill: 1))
        let changed = CommandRun(["validate", "data", "c.yaml"], in: folder.path)
        #expect(changed.status == 1)
        #expect(changed.err.contains("SUMS:1:1: error: checksum mismatch for `d.npy`"))
    }
}

@Suite struct DryRunCommandTests {
    @Test func showsStagesCommandsChecksAndCost() {
        let run = CommandRun(["dry-run", "configs/train_burgers_golden.yaml"], in: Repository.root)
        #expect(run.status == 0, "\(run.err)")
        for expected in ["Stage 1  validate", "Stage 2  train", "2.3 consistency_distill", "Stage 3  small eval",
                         "Stage 5  gate", "$ python3 scripts/train.py --config runs/", "CUDA_VISIBLE_DEVICES=0",
                         "ok   program python3", "price    $1.60 per GPU-hour [configs/prices.yaml:5:14]",
                         "total                  5h28m      $8.75"] {
            #expect(run.out.contains(expected), "missing “\(expected)” in\n\(run.out)")
        }
    }

    @Test func estimateOnlyWithFlags() throws {
        let run = CommandRun(["dry-run", "configs/train_burgers_golden.yaml", "--estimate-only", "--gpu", "H100-80GB", "--json"], in: Repository.root)
        #expect(run.status == 0, "\(run.err)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])
        #expect(object["steps"] == nil)
        let estimate = try #require(object["estimate"] as? [String: Any])
        #expect(estimate["gpu"] as? String == "H100-80GB")
        #expect(estimate["price_per_gpu_hour"] as? Double == 2.7)
        #expect(estimate["complete"] as? Bool == true)
    }

    @Test func unknownGPUKeepsPlanButSaysWhy() {
        let run = CommandRun(["dry-run", "configs/train_burgers_golden.yaml", "--estimate-only", "--gpu", "TPU"], in: Repository.root)
        #expect(run.status == 0)
        #expect(run.out.contains("price    unknown: `TPU` is not in configs/prices.yaml"))
        #expect(run.out.contains("(incomplete: see the `?` lines)"))
    }

    @Test func refusesEvaluationConfigAndInvalidConfig() {
        let eval = CommandRun(["dry-run", "configs/small_eval.yaml"], in: Repository.root)
        #expect(eval.status == 1)
        #expect(eval.err.contains("is an evaluation config; a training config is needed here"))
        let bad = CommandRun(["dry-run", "configs/train_burgers_golden.yaml", "--set", "latent.dim=8"], in: Repository.root)
        #expect(bad.status == 1)
        #expect(bad.err.contains("must equal `latent.dim` (8)"))
    }

    @Test func missingPriceTableLeavesThePriceUnknownNotAnError() {
        let folder = TemporaryDirectory()
        folder.write("sota.yaml", "project: t\n")
        folder.write("t.py", "")
        folder.write("c.yaml", """
        seed: 1
        training: {command: [python3, t.py], epochs: 1, learning_rate: 0.1, checkpoint: c.json, stages: [{name: s, outputs: [c.json], estimate: 1h}]}
        resources: {gpu: A100-80GB}
        """)
        let run = CommandRun(["dry-run", "c.yaml", "--estimate-only"], in: folder.path)
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.contains("price    unknown: no price table"))
        let priced = CommandRun(["dry-run", "c.yaml", "--estimate-only", "--price", "2"], in: folder.path)
        #expect(priced.out.contains("$2.00"))
    }

    @Test func negativePriceIsAUsageError() {
        let run = CommandRun(["dry-run", "configs/train_burgers_golden.yaml", "--price", "-1"], in: Repository.root)
        #expect(run.status == 64)
    }
}

@Suite struct HelpTests {
    @Test func rootHelpListsCommandsAndExitCodes() {
        let run = CommandRun(["--help"], in: Repository.root)
        #expect(run.status == 0)
        #expect(run.out.contains("validate"))
        #expect(run.out.contains("dry-run"))
        #expect(run.out.contains("Exit status: 0 success"))
    }

    @Test func unknownCommandIsAUsageError() {
        let run = CommandRun(["frobnicate"], in: Repository.root)
        #expect(run.status == 64)
    }
}

@Suite struct QuickParseTests {
    @Test func theFastRunParserAgreesWithArgumentParser() throws {
        let accepted: [[String]] = [
            ["--train-config", "a.yaml"],
            ["--train-config=a.yaml", "--set", "latent.dim=8", "--set=operator.pdet.input_dim=8", "--promote"],
            ["--train-config", "a.yaml", "--train-config", "b.yaml", "--gpus", "0,1", "--dry-run", "--max-retries", "2", "--grace", "2s"],
            ["--train-config", "a.yaml", "--sweep", "latent.dim=8,16", "--project", "p", "--small-eval-config", "s.yaml", "--full-eval-config", "f.yaml"],
            ["--resume", "20261123-141503-9f3a2b1c", "--step", "train", "--run-id", "x_1"],
            ["--train-config", "a b.yaml", "--set", "note=x=y"],
            ["--train-config", "a.yaml", "--verbose"],
        ]
        for arguments in accepted {
            let fast = try #require(RunOptions.fastParse(arguments), "\(arguments)")
            let full = try #require(try RunCommand.parseAsRoot(arguments) as? RunCommand)
            #expect(fast == full.options, "\(arguments)")
        }
    }

    @Test func theFastRunParserDeclinesWhatItDoesNotFullyUnderstand() {
        let declined: [[String]] = [
            [], ["--help"], ["-h"], ["help"], ["a.yaml"], ["--train-config"], ["--train-config", "--promote"],
            ["--train-config", "a.yaml", "--resume", "x"], ["--train-config", "a.yaml", "--gpus", "0", "--gpus", "1"],
            ["--train-config", "a.yaml", "--promote", "--promote"], ["--train-config", "a.yaml", "--promote=yes"],
            ["--train-config", "a.yaml", "--max-retries", "many"], ["--train-config", "a.yaml", "--max-retries", "11"],
            ["--train-config", "a.yaml", "--no-such-flag"], ["--train-config", "a.yaml", "--"], ["--train-config", "a.yaml", "-x"],
            ["--train-config", "a.yaml", "--set", "-1"], ["--train-config", "a.yaml", "--grace", "soon"],
            ["--train-config", "a.yaml", "-v"], ["--train-config", "a.yaml", "--sweep", "seed=1,2", "--verbose"],
        ]
        for arguments in declined {
            #expect(RunOptions.fastParse(arguments) == nil, "\(arguments)")
        }
    }

    @Test func theFastRunParserKnowsEveryOptionTheCommandDeclares() throws {
        let help = try #require(RunCommand._dumpHelp().data(using: .utf8))
        let root = try #require(try JSONSerialization.jsonObject(with: help) as? [String: Any])
        let command = try #require(root["command"] as? [String: Any])
        let arguments = try #require(command["arguments"] as? [[String: Any]])
        var declared: [String: (takesValue: Bool, repeats: Bool)] = [:]
        for argument in arguments {
            let names = (argument["names"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "long" }.compactMap { $0["name"] as? String }
            for name in names where name != "help" && name != "version" {
                declared[name] = (argument["kind"] as? String == "option", argument["isRepeating"] as? Bool ?? false)
            }
        }
        #expect(declared.keys.sorted() == RunOptions.fastParseOptions.keys.sorted())
        for (name, shape) in declared {
            #expect(RunOptions.fastParseOptions[name]?.takesValue == shape.takesValue, "\(name)")
            #expect(RunOptions.fastParseOptions[name]?.repeats == shape.repeats, "\(name)")
        }
    }

    @Test func aValidCommandLineParsesAgainstItsSubcommandAlone() throws {
        let command = try #require(Sota.quickParse(["run", "--train-config", "a.yaml", "--set", "latent.dim=8"]))
        #expect(command is RunCommand)
        #expect(Sota.quickParse(["validate", "config", "a.yaml"]) != nil)
    }

    @Test func everySubcommandNamesItselfSoTheLookupNeedsNoReflection() {
        for type in Sota.configuration.subcommands {
            #expect(type.configuration.commandName == type._commandName, "\(type)")
            #expect(Sota.quickParse([type._commandName, "--help"]) == nil)
        }
    }

    @Test func helpCompletionAndErrorsGoToTheFullParser() {
        for arguments in [["run", "--help"], ["run", "-h"], ["help", "run"], ["run", "--no-such-flag"], ["run"], ["nonsense"], [],
                          ["--generate-completion-script", "bash"]] {
            #expect(Sota.quickParse(arguments) == nil, "\(arguments)")
        }
        // The full parser's messages name `sota`, whichever path declined.
        let run = CommandRun(["run", "--no-such-flag"], in: Repository.root)
        #expect(run.status == 64)
        #expect(run.err.contains("sota run"), "\(run.err)")
    }
}
