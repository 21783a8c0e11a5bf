import Foundation
import SotaSupport
@testable import SotaConfig
import SotaTestSupport
import Testing

/// A classifier team's project: none of the demo's keys, a `wandb:` section, `accuracy` higher-is-better.
private let classifierProject = """
project: classifier
schema:
  fields:
    model.name: {type: string, choices: [resnet18, resnet50, vit_b16], required: true, description: backbone}
    model.depth: {type: integer, min: 1, max: 200}
    model.tag: {type: string, pattern: "[a-z][a-z0-9-]*"}
    optimizer.name: {type: string, choices: [adam, sgd], default: adam}
    optimizer.lr: {type: number, min: 0, exclusive_min: true, required: true}
    optimizer.momentum: number
    training.max_steps: {type: integer, min: 1, required: true}
    training.warmup_steps: {type: integer, min: 0, default: 0}
    wandb: {type: mapping, open: true, description: Weights & Biases settings}
  rules:
    - less_than: [training.warmup_steps, training.max_steps]
    - implies: {if: {key: optimizer.name, equals: sgd}, then: optimizer.momentum}
      message: SGD here always runs with momentum
metrics:
  accuracy: {direction: higher, description: top-1 on the held-out split}
  loss: lower
"""

private let classifierConfig = """
seed: 3
model: {name: resnet18, depth: 18}
optimizer: {lr: 0.001}
wandb: {project: cls, entity: team, tags: [a, b]}
training:
  command: [python3, train.py, --config, "{config}"]
  max_steps: 1000
  checkpoint: model.pt
  stages: [{name: fit, outputs: [model.pt]}]
gates: [{metric: accuracy, threshold: 0.5}]
"""

private struct SchemaFixture {
    let folder = TemporaryDirectory()
    let project: Project
    let problems: [Diagnostic]

    init(_ projectFile: String = classifierProject) {
        folder.write("sota.yaml", projectFile)
        (project, problems) = Project.load(root: folder.path, displayRoot: ".")
    }

    func load(_ config: String, sets: [String] = []) -> ConfigLoader.Outcome {
        let path = folder.write("c.yaml", config)
        let overrides = sets.compactMap { try? ConfigOverride.parse($0).get() }
        return ConfigLoader(project: project, checksReferencedFiles: false).load(path: path, displayPath: "c.yaml", overrides: overrides)
    }

    func errors(_ config: String, sets: [String] = []) -> [Diagnostic] {
        load(config, sets: sets).diagnostics.filter { $0.severity == .error }
    }
}

@Suite struct ProjectSchemaTests {
    @Test func anotherTeamsConfigIsValidAndGetsItsDefaults() throws {
        let fixture = SchemaFixture()
        #expect(fixture.problems.isEmpty, "\(fixture.problems)")
        let outcome = fixture.load(classifierConfig)
        #expect(outcome.diagnostics.isEmpty, "\(outcome.diagnostics)")
        let config = try #require(outcome.config)
        #expect(config.tree.node(at: "optimizer.name")?.stringValue == "adam")
        #expect(config.tree.node(at: "training.warmup_steps")?.intValue == 0)
        #expect(config.gates.first?.direction == .higher, "the gate takes the declared direction")
        #expect(config.tree.node(at: "wandb.tags") != nil, "an open section keeps what it holds")
    }

    @Test func declaredFieldsAreCheckedWhereTheyAreWritten() {
        let fixture = SchemaFixture()
        let config = """
        seed: 3
        model: {name: resnet19, depth: 0, tag: Bad_Tag, widht: 3}
        optimizer: {lr: "0.001", name: sgd}
        training:
          command: [python3, train.py]
          max_steps: 100
          warmup_steps: 200
          checkpoint: model.pt
          stages: [{name: fit, outputs: [model.pt]}]
        gates: [{metric: acuracy, threshold: 0.5}]
        """
        let errors = fixture.errors(config)
        func find(_ text: String) -> Diagnostic? { errors.first { $0.message.contains(text) } }
        #expect(find("`model.name` must be one of `resnet18`, `resnet50`, `vit_b16`, found resnet19")?.hint == "did you mean `resnet18`?")
        #expect(find("`model.name` must be one of")?.location == SourceLocation(file: "c.yaml", line: 2, column: 15))
        #expect(find("`model.depth` must be at least 1, found 0") != nil)
        #expect(find("`model.tag` must match the pattern `[a-z][a-z0-9-]*`, found `Bad_Tag`") != nil)
        #expect(find("unknown key `model.widht`")?.location == SourceLocation(file: "c.yaml", line: 2, column: 49))
        #expect(find("`optimizer.lr` must be a number, found the string")?.hint == "remove the quotes: \"0.001\" is a string")
        #expect(find("`training.warmup_steps` (200) must be") == nil, "the rule reads only values that passed their own checks")
        #expect(find("when `optimizer.name` is sgd, `optimizer.momentum` must be set")?.hint?.hasPrefix("SGD here always runs with momentum") == true)
        #expect(find("gate metric `acuracy` is not declared")?.hint == "did you mean `accuracy`?")
        #expect(fixture.load(config).config == nil)
    }

    @Test func crossFieldRulesOfEveryNewKind() {
        let fixture = SchemaFixture(classifierProject + """

        constraints:
          - one_of: [model.name, model.tag]
          - equal: [model.depth, wandb.depth]
        """)
        #expect(fixture.problems.isEmpty, "\(fixture.problems)")
        let config = classifierConfig.replacingOccurrences(of: "max_steps: 1000", with: "max_steps: 1000\n  warmup_steps: 1000")
            .replacingOccurrences(of: "depth: 18}", with: "depth: 18, tag: r18}")
        let messages = fixture.errors(config).map(\.message)
        #expect(messages.contains("`training.max_steps` (1000) must be greater than `training.warmup_steps` (1000)"), "\(messages)")
        #expect(messages.contains("only one of `model.name`, `model.tag` may be set; found `model.name` and `model.tag`"), "\(messages)")
        #expect(messages.contains("missing `wandb.depth`, which must equal `model.depth` (18)"), "\(messages)")
    }

    @Test func setChecksDeclaredKeysAndAllowsOpenSections() {
        let fixture = SchemaFixture()
        let typo = fixture.errors(classifierConfig, sets: ["optimizer.lrr=0.1"])
        #expect(typo.first?.message == "unknown key path `optimizer.lrr`")
        #expect(typo.first?.hint == "did you mean `optimizer.lr`?")
        #expect(typo.first?.location?.file == "--set optimizer.lrr=0.1")
        let wrongType = fixture.errors(classifierConfig, sets: ["training.max_steps=many"])
        #expect(wrongType.first?.message == "`training.max_steps` must be an integer, found the string \"many\"", "\(wrongType)")
        #expect(fixture.errors(classifierConfig, sets: ["wandb.group=sweep-3", "optimizer.momentum=0.9"]).isEmpty)
    }

    @Test func withoutAProjectSchemaEveryOtherKeyIsTheProjects() {
        let fixture = SchemaFixture("project: plain\n")
        let outcome = fixture.load(classifierConfig.replacingOccurrences(of: "gates: [{metric: accuracy, threshold: 0.5}]",
                                                                          with: "gates: [{metric: accuracy, direction: higher, threshold: 0.5}]\ngatse: []"))
        #expect(!outcome.diagnostics.hasErrors, "\(outcome.diagnostics)")
        let typo = outcome.diagnostics.first { $0.message == "undeclared key `gatse`" }
        #expect(typo?.severity == .warning && typo?.hint == "did you mean `gates`?")
        // Without a declaration a gate must say which way is better.
        let undirected = fixture.errors(classifierConfig)
        #expect(undirected.first?.message == "gate on `accuracy` needs a `direction` (lower or higher)", "\(undirected)")
    }

    @Test func aGateDisagreeingWithTheDeclaredDirectionIsRefused() {
        let fixture = SchemaFixture()
        let errors = fixture.errors(classifierConfig.replacingOccurrences(of: "{metric: accuracy, threshold: 0.5}",
                                                                          with: "{metric: accuracy, direction: lower, threshold: 0.5}"))
        #expect(errors.first?.message == "gate direction `lower` disagrees with `accuracy`, declared higher-is-better at sota.yaml:18:3", "\(errors)")
    }

    @Test func requiredTopLevelKeysBindTrainingConfigsOnly() {
        let fixture = SchemaFixture(classifierProject.replacingOccurrences(of: "  fields:\n", with: "  fields:\n    model: {type: mapping, required: true}\n"))
        #expect(fixture.problems.isEmpty, "\(fixture.problems)")
        let evaluation = fixture.load("evaluation: {command: [python3, eval.py], metrics: m.json}\ngates: [{metric: loss, threshold: 1}]\n")
        #expect(evaluation.diagnostics.isEmpty, "an evaluation config carries no model: \(evaluation.diagnostics)")
        let training = fixture.errors("seed: 1\noptimizer: {lr: 0.1}\ntraining: {command: [python3, t.py], max_steps: 5, checkpoint: c, stages: [{name: s, outputs: [c]}]}\n")
        #expect(training.map(\.message) == ["missing required key `model` ()"], "\(training)")
    }

    @Test func brokenDeclarationsAreLocatedInTheProjectFile() {
        let cases: [(String, String, String, String?)] = [
            ("schema:\n  fields:\n    model.depth: {type: integr}\n", "sota.yaml:3:25", "unknown type `integr`", "did you mean `integer`?"),
            ("schema:\n  fields:\n    model.depth: {type: integer, mn: 1}\n", "sota.yaml:3:34", "unknown field property `mn` in `model.depth`", "did you mean `min`?"),
            ("schema:\n  fields:\n    model.depth: integer\n  rules:\n    - equal: [model.depth, model.width]\n",
             "sota.yaml:5:7", "rule names `model.width`, which is neither sota's key nor declared in the project's schema", "did you mean `model.depth`?"),
            ("schema:\n  fields:\n    training.epochs: integer\n", "sota.yaml:3:5", "`training.epochs` is sota's own key (epochs per stage (cost model; default 1)); declare only the project's keys", nil),
            ("schema:\n  fields:\n    model.depth: {type: integer, default: deep}\n", "sota.yaml:3:43", "the default of `model.depth` does not fit its declaration", nil),
            ("schema:\n  fields:\n    model.tag: {type: string, pattern: \"[a-\"}\n", "sota.yaml:3:40", "`pattern` of `model.tag` is not a valid regular expression", nil),
            ("schema:\n  fields:\n    model.depth: {type: integer, min: 5, max: 1}\n", "sota.yaml:3:39", "`min` (5) of `model.depth` is above its `max` (1)", nil),
            ("schema:\n  fields:\n    seed.x: integer\n", "sota.yaml:3:5", "`seed` is sota's as an integer, so it holds no key `x`", nil),
            ("schema:\n  feilds: {}\n", "sota.yaml:2:3", "unknown key `schema.feilds`", "did you mean `schema.fields`?"),
            ("schema: nowhere.yaml\n", "sota.yaml:1:9", "`schema` names `nowhere.yaml`, which is not a file", nil),
            ("schema:\n  fields:\n    model.depth: {type: integer, required: true, default: 3}\n", "sota.yaml:3:59",
             "`model.depth` is both required and given a default", nil),
            ("metrics:\n  accuracy: {direction: up}\n", "sota.yaml:2:25", "metric `accuracy` needs a direction: `lower` or `higher`, found `up`", nil),
            ("metrics:\n  accuracy: higher\nprimary_metric: acc\n", "sota.yaml:3:17", "`primary_metric` is `acc`, which `metrics:` does not declare", nil),
        ]
        for (yaml, location, message, hint) in cases {
            let fixture = SchemaFixture(yaml)
            let problem = fixture.problems.first { $0.severity == .error }
            #expect(problem?.location?.description == location, "\(yaml): \(fixture.problems)")
            #expect(problem?.message.hasPrefix(message) == true, "\(yaml): \(fixture.problems)")
            if let hint { #expect(problem?.hint == hint, "\(yaml): \(fixture.problems)") }
        }
    }

    @Test func aSchemaInAFileOfItsOwnIsLocatedThere() {
        let folder = TemporaryDirectory()
        folder.write("sota.yaml", "schema: config/schema.yaml\n")
        folder.write("config/schema.yaml", "fields:\n  model.depth: {type: number, min: 1}\n  model.width: {tpye: integer}\n")
        let (_, problems) = Project.load(root: folder.path, displayRoot: ".")
        #expect(problems.first?.location?.description == "config/schema.yaml:3:17", "\(problems)")
        #expect(problems.first?.hint == "did you mean `type`?")
    }

    @Test func sotaKnowsNoModelKey() throws {
        // sota's own code names the keys of its pipeline only; every model's keys are a project's declaration.
        let sources = Paths.join(Repository.root, "Sources")
        let words = ["latent", "pdet", "trajector", "horizon", "nrmse"]
        var found: [String] = []
        let files = FileManager.default.enumerator(atPath: sources)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") || $0.hasSuffix(".c") || $0.hasSuffix(".h") } ?? []
        for file in files {
            let text = try String(contentsOfFile: Paths.join(sources, file), encoding: .utf8)
            for word in words where text.contains(word) { found.append("\(file): \(word)") }
        }
        #expect(found.isEmpty, "\(found)")
    }
}

@Suite struct JSONSchemaExportTests {
    @Test func theDemosSchemaMatchesItsGoldenFile() {
        let (project, problems) = Project.load(root: Repository.root)
        #expect(problems.isEmpty)
        let text = JSONSchemaExport.document(for: project).rendered(pretty: true) + "\n"
        #expect(GoldenFile.mismatch(text, "Tests/SotaConfigTests/Golden/demo.schema.json") == nil)
    }

    /// A real JSON Schema validator (Python's `jsonschema`, installed by CI) agrees with `sota validate config`.
    @Test func aValidatorAcceptsTheDemoAndRefusesWhatSotaRefuses() throws {
        guard try ProgramRun([Python.executable, "-c", "import jsonschema"]).status == 0 else {
            print("note: Python's jsonschema is not installed; the exported schema is checked against its golden file only")
            return
        }
        let folder = TemporaryDirectory()
        folder.write("sota.yaml", classifierProject)
        let (project, problems) = Project.load(root: folder.path)
        #expect(problems.isEmpty)
        folder.write("schema.json", JSONSchemaExport.document(for: project).rendered(pretty: true))
        folder.write("check.py", """
        import json, sys
        import jsonschema
        schema = json.load(open(sys.argv[1]))
        jsonschema.Draft7Validator.check_schema(schema)
        validator = jsonschema.Draft7Validator(schema)
        for path in sys.argv[2:]:
            errors = sorted(e.message for e in validator.iter_errors(json.load(open(path))))
            print(path, "ok" if not errors else "; ".join(errors))
        """)
        let good = SchemaFixture(classifierProject).load(classifierConfig)
        folder.write("good.json", try #require(good.config?.resolvedJSON))
        folder.write("bad.json", #"{"model": {"name": "resnet19", "depth": 0}, "optimizer": {"lr": 0.1}, "training": {"command": ["x"], "max_steps": 5, "checkpoint": "c", "stages": [{"name": "s", "outputs": ["c"]}], "learning_rat": 1}}"#)
        folder.write("eval.json", #"{"evaluation": {"command": ["python3", "e.py"], "metrics": "m.json"}, "gates": [{"metric": "accuracy", "threshold": 0.5}]}"#)
        let run = try ProgramRun([Python.executable, "check.py", "schema.json", "good.json", "bad.json", "eval.json"], in: folder.path)
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.contains("good.json ok"), "\(run.out)")
        #expect(run.out.contains("eval.json ok"), "\(run.out)")
        #expect(run.out.contains("'resnet19' is not one of ['resnet18', 'resnet50', 'vit_b16']"), "\(run.out)")
        #expect(run.out.contains("0 is less than the minimum of 1"), "\(run.out)")
        #expect(run.out.contains("'learning_rat' was unexpected"), "\(run.out)")
    }
}

@Suite struct SchemaInferenceTests {
    private func tree(_ yaml: String) -> ConfigNode {
        YAMLLoader().load(bytes: Array(yaml.utf8), displayPath: "c.yaml").root!
    }

    @Test func sharedKeysAreRequiredDifferingSectionsOpenAndSotasKeysLeftOut() {
        let inference = SchemaInference(configs: [
            tree("model: {name: a, depth: 3}\noptimizer: {lr: 1}\ntraining: {max_steps: 5, epochs: 2, command: [x]}\nwandb: {project: p}\nseed: 1\n"),
            tree("model: {name: b, depth: 4, width: 2}\noptimizer: {lr: 0.5}\ntraining: {max_steps: 9}\nwandb: {project: q, group: g}\n"),
            tree("evaluation: {split: val, command: [y], metrics: m.json}\ngates: [{metric: accuracy, direction: higher, threshold: 1}]\n"),
        ])
        let byPath = Dictionary(uniqueKeysWithValues: inference.fields.map { ($0.path, $0) })
        #expect(byPath["model"]?.open == true, "the configs hold different keys in `model`")
        #expect(byPath["model.depth"] == .init(path: "model.depth", type: "integer", required: true, items: nil, open: false))
        #expect(byPath["model.width"]?.required == false)
        #expect(byPath["optimizer.lr"]?.type == "number", "an integer in one config and a number in another is a number")
        #expect(byPath["training.max_steps"]?.required == true)
        #expect(byPath["evaluation.split"]?.required == true)
        #expect(byPath["wandb"]?.open == true && byPath["wandb.project"] == nil, "a tracker's section is the tracker's")
        for sotas in ["seed", "training.epochs", "training.command", "evaluation.command", "evaluation.metrics", "gates"] {
            #expect(byPath[sotas] == nil, "\(sotas) is sota's own")
        }
        #expect(!inference.openRoot)
        #expect(inference.gatedMetrics.map(\.name) == ["accuracy"] && inference.gatedMetrics.first?.direction == "higher")
        // What it writes loads as a project schema.
        let folder = TemporaryDirectory()
        folder.write("sota.yaml", inference.schemaYAML())
        let (project, problems) = Project.load(root: folder.path)
        #expect(problems.isEmpty, "\(problems)\n\(inference.schemaYAML())")
        #expect(project.declaredSchema?.fields.count == inference.fields.count)
    }

    @Test func oneConfigOfEachKindRequiresNeitherSectionAndMixedShapesStayLoadable() {
        let inference = SchemaInference(configs: [
            tree("model: {depth: 3}\nscheduler: null\ntraining: {max_steps: 5}\n"),
            tree("evaluation: {split: val}\n"),
            tree("model: {depth: 4}\nscheduler: {kind: cosine}\ntraining: {max_steps: 6}\n"),
        ])
        let byPath = Dictionary(uniqueKeysWithValues: inference.fields.map { ($0.path, $0) })
        #expect(byPath["training"]?.required != true && byPath["evaluation"]?.required != true, "\(inference.fields)")
        #expect(byPath["model.depth"]?.required == true, "every training config holds it")
        #expect(byPath["evaluation.split"]?.required == true)
        #expect(byPath["scheduler"]?.type == "mapping" && byPath["scheduler"]?.required == true, "\(inference.fields)")
        for schema in [inference.schemaYAML(), SchemaInference(configs: []).schemaYAML()] {
            let folder = TemporaryDirectory()
            folder.write("sota.yaml", schema)
            #expect(!Project.load(root: folder.path).1.hasErrors, "\(schema)")
        }
    }

    @Test func projectDefaultsGoUnderEveryConfigWhoseOwnValuesWin() throws {
        let folder = TemporaryDirectory()
        folder.write("sota.yaml", """
        config_defaults:
          training: {command: [python3, t.py], checkpoint: c.pt, stages: [{name: fit, outputs: [c.pt]}], max_retries: 2}
        evaluation_defaults:
          evaluation: {command: [python3, e.py], metrics: m.json}
          gates: [{metric: accuracy, direction: higher, threshold: 0.5}]
        """)
        let (project, problems) = Project.load(root: folder.path)
        #expect(problems.isEmpty, "\(problems)")
        let loader = ConfigLoader(project: project, checksReferencedFiles: false)
        let training = loader.load(path: folder.write("t.yaml", "seed: 1\nmodel: {depth: 3}\ntraining: {max_retries: 0}\n"), displayPath: "t.yaml")
        let config = try #require(training.config, "\(training.diagnostics)")
        #expect(config.training?.command.value == ["python3", "t.py"])
        #expect(config.training?.maxRetries == 0, "the config's own value wins")
        #expect(config.training?.command.location.file.hasSuffix("sota.yaml") == true, "a default is located where it is written")
        let evaluation = loader.load(path: folder.write("e.yaml", "evaluation: {split: val}\n"), displayPath: "e.yaml")
        #expect(evaluation.config?.evaluation?.metrics == "m.json", "\(evaluation.diagnostics)")
        #expect(evaluation.config?.gates.first?.direction == .higher)
    }
}
