import SotaSupport
@testable import SotaConfig
import SotaTestSupport
import Testing

private let golden = Paths.join(Repository.root, "configs/train_burgers_golden.yaml")

/// A folder holding the demo's project file, so configs in it are checked against the demo's declared keys.
private func demoFolder() -> (TemporaryDirectory, Project) {
    let folder = TemporaryDirectory()
    folder.copy(Paths.join(Repository.root, "sota.yaml"), to: "sota.yaml")
    let (project, problems) = Project.load(root: folder.path)
    #expect(problems.isEmpty)
    return (folder, project)
}

private func demoLoader() -> ConfigLoader {
    let (project, problems) = Project.load(root: Repository.root)
    #expect(problems.isEmpty)
    return ConfigLoader(project: project)
}

@Suite struct KeyPathTests {
    @Test func parsesDotsAndIndices() {
        #expect(KeyPath(parsing: "training.stages[2].epochs")?.description == "training.stages[2].epochs")
        #expect(KeyPath(parsing: "training.stages.2.epochs")?.description == "training.stages[2].epochs")
        #expect(KeyPath(parsing: "a[0][1]")?.components == [.key("a"), .index(0), .index(1)])
    }

    @Test(arguments: ["", ".", "a..b", "a[", "a[x]", "a[-1]", "[0]"])
    func rejectsMalformed(text: String) {
        #expect(KeyPath(parsing: text) == nil)
    }
}

@Suite struct ConfigLoaderTests {
    @Test func goldenConfigLoadsTyped() throws {
        let outcome = demoLoader().load(path: golden, displayPath: "golden.yaml")
        #expect(!outcome.diagnostics.hasErrors, "\(outcome.diagnostics)")
        let config = try #require(outcome.config)
        #expect(config.kind == .training)
        #expect(config.experiment == "burgers-golden")
        #expect(config.training?.stages.map(\.name) == ["operator", "diff_residual", "consistency_distill", "steady_prior"])
        #expect(config.training?.stages[2].epochs.value == 40)
        #expect(config.training?.stages[0].epochs.value == 20)
        #expect(config.data?.arrays.first?.shape == [24, 41, 64])
        #expect(config.resources.platform == .cuda)
    }

    @Test func overridesAreTypedAsYAMLScalars() throws {
        let overrides = ["latent.dim=32", "operator.pdet.input_dim=32", "training.stages[1].epochs=5", "experiment=\"007\""]
            .map { try! ConfigOverride.parse($0).get() }
        let config = try #require(demoLoader().load(path: golden, displayPath: "g.yaml", overrides: overrides).config)
        #expect(config.tree.node(at: "latent.dim")?.intValue == 32)
        #expect(config.training?.stages[1].epochs.value == 5)
        #expect(config.experiment == "007")
        #expect(config.tree.node(at: "latent.dim")?.location.file == "--set latent.dim=32")
    }

    @Test func overrideProblemsNameTheFlag() {
        let cases: [(String, String)] = [
            ("latent.dimm=3", "did you mean `latent.dim`?"),
            ("training.epochs=abc", "must be an integer"),
            ("training.stages[9].epochs=3", "index 9 is out of range"),
            ("training.stages=[", "invalid value"),
            ("latent.dim.x=1", "not a mapping"),
        ]
        for (text, expected) in cases {
            let override = try! ConfigOverride.parse(text).get()
            let outcome = demoLoader().load(path: golden, displayPath: "g.yaml", overrides: [override])
            let match = outcome.diagnostics.first { ($0.message + ($0.hint ?? "")).contains(expected) }
            #expect(match?.location?.file == "--set \(text)", "\(text): \(outcome.diagnostics)")
        }
    }

    @Test func overrideWithoutEqualsIsRefused() {
        guard case .failure(let error) = ConfigOverride.parse("latent.dim") else { Issue.record("accepted"); return }
        #expect(error.diagnostic.message.contains("KEY=VALUE"))
    }

    @Test func hashIgnoresOrderCommentsAndFormatting() throws {
        let (folder, project) = demoFolder()
        let loader = ConfigLoader(project: project, checksReferencedFiles: false)
        let a = folder.write("a.yaml", """
        seed: 1
        training: {command: [python3, t.py], epochs: 2, learning_rate: 1, checkpoint: c.json, stages: [{name: s, outputs: [c.json]}]}
        """)
        let b = folder.write("b.yaml", """
        # same config, other spelling
        training:
          stages:
            - outputs: ["c.json"]
              name: 's'
          learning_rate: 1.0
          checkpoint: c.json
          epochs: 0x2
          command:
            - python3
            - t.py
        seed: 1
        """)
        let hashA = try #require(loader.load(path: a, displayPath: "a").config?.hash)
        let hashB = try #require(loader.load(path: b, displayPath: "b").config?.hash)
        #expect(hashA == hashB)
        let c = folder.write("c.yaml", "seed: 2\ntraining: {command: [python3, t.py], epochs: 2, learning_rate: 1, checkpoint: c.json, stages: [{name: s, outputs: [c.json]}]}\n")
        #expect(try #require(loader.load(path: c, displayPath: "c").config?.hash) != hashA)
    }

    @Test func reportsEveryProblemAtOnce() {
        let (folder, project) = demoFolder()
        let path = folder.write("bad.yaml", """
        seed: 1
        latent: {dim: 8}
        operator: {pdet: {input_dim: 16}}
        training:
          command: python3 train.py
          epochs: -1
          learning_rat: 0.1
          checkpoint: ckpt.json
          stages: [{name: a, outputs: [x.json]}]
        gates: [{metric: nrmse, direction: lower, threshold: .nan}]
        """)
        let outcome = ConfigLoader(project: project, checksReferencedFiles: false).load(path: path, displayPath: "bad.yaml")
        let messages = outcome.diagnostics.map(\.message).joined(separator: "\n")
        #expect(messages.contains("`training.command` must be a command"))
        #expect(messages.contains("`training.epochs` must be at least 1, found -1"))
        #expect(messages.contains("unknown key `training.learning_rat`"))
        #expect(messages.contains("missing required key `training.learning_rate`"))
        #expect(messages.contains("`gates[0].threshold` must be a finite number"))
        #expect(outcome.config == nil)
        let unknown = outcome.diagnostics.first { $0.message.contains("learning_rat`") }
        #expect(unknown?.location == SourceLocation(file: "bad.yaml", line: 7, column: 3))
        #expect(unknown?.hint == "did you mean `training.learning_rate`?")
    }

    @Test func crossFieldDimensionRule() {
        let (folder, project) = demoFolder()
        let path = folder.write("dims.yaml", """
        seed: 1
        latent: {dim: 8}
        operator: {pdet: {input_dim: 16}}
        training: {command: [python3, t.py], epochs: 2, learning_rate: 0.1, checkpoint: c.json, stages: [{name: s, outputs: [c.json]}]}
        """)
        let outcome = ConfigLoader(project: project, checksReferencedFiles: false).load(path: path, displayPath: "dims.yaml")
        let problem = outcome.diagnostics.first { $0.message.contains("must equal `latent.dim`") }
        #expect(problem?.location == SourceLocation(file: "dims.yaml", line: 3, column: 30))
    }

    @Test func referencedFilesAreChecked() {
        let folder = TemporaryDirectory()
        let path = folder.write("refs.yaml", """
        seed: 1
        data: {path: missing.npz}
        training: {command: [python3, nope.py], epochs: 2, learning_rate: 0.1, checkpoint: c.json, stages: [{name: s, outputs: [c.json]}]}
        pipeline: {small_eval: small.yaml}
        """)
        let outcome = ConfigLoader(project: Project(root: folder.path)).load(path: path, displayPath: "refs.yaml")
        let messages = outcome.diagnostics.map(\.message)
        #expect(messages.contains("data file `missing.npz` not found"))
        #expect(messages.contains("script `nope.py` not found"))
        #expect(messages.contains("evaluation config `small.yaml` not found"))
    }
}

@Suite struct ProjectConstraintTests {
    private func constraints(_ yaml: String) -> Project {
        let folder = TemporaryDirectory()
        folder.write("sota.yaml", yaml)
        let (project, problems) = Project.load(root: folder.path)
        #expect(!problems.hasErrors, "\(problems)")
        return project
    }

    private func check(_ project: Project, _ config: String) -> [Diagnostic] {
        let root = YAMLLoader().load(bytes: Array(config.utf8), displayPath: "c.yaml").root!
        return project.constraints.flatMap { $0.check(root, file: "c.yaml") }
    }

    @Test func everyRuleKind() {
        let project = constraints("""
        constraints:
          - equal: [a.x, a.y]
          - divisible: {key: a.n, by: a.m}
          - range: {key: a.r, min: 0, max: 1}
            message: r is a probability
          - required: [a.z]
          - one_of: {key: a.k, values: [p, q]}
            severity: warning
        """)
        let diagnostics = check(project, "a: {x: 1, y: 2.0, n: 10, m: 4, r: 1.5, k: s}\n")
        let messages = diagnostics.map(\.message)
        #expect(messages.contains("`a.y` (2.0) must equal `a.x` (1) at c.yaml:1:8"))
        #expect(messages.contains("`a.n` (10) must be divisible by `a.m` (4)"))
        #expect(messages.contains("`a.r` (1.5) must be at most 1"))
        #expect(messages.contains("missing `a.z`, which this project requires"))
        #expect(diagnostics.first { $0.message.contains("allowed: p, q") }?.severity == .warning)
        #expect(diagnostics.first { $0.message.contains("at most 1") }?.hint?.hasPrefix("r is a probability; rule at") == true)
        #expect(check(project, "a: {x: 1, y: 1, n: 8, m: 4, r: 0.5, k: p, z: 0}\n").isEmpty)
    }

    @Test func malformedProjectFileIsLocated() {
        let folder = TemporaryDirectory()
        folder.write("sota.yaml", "constraints:\n  - rnage: {key: a}\n")
        let (_, problems) = Project.load(root: folder.path)
        #expect(problems.contains { $0.message.contains("unknown key `constraints[0].rnage`") && $0.location?.line == 2 })
    }
}

@Suite struct ProjectLifecycleTests {
    private func load(_ yaml: String) -> (Project, [Diagnostic]) {
        let folder = TemporaryDirectory()
        folder.write("sota.yaml", yaml)
        return Project.load(root: folder.path, displayRoot: ".")
    }

    @Test func defaultsAreAWeekAndAMonth() {
        let (project, problems) = load("project: p\n")
        #expect(problems.isEmpty)
        #expect(project.lifecycle == LifecycleThresholds(activeDays: 7, staleDays: 30))
        #expect(project.catalogColumns == Project.defaultCatalogColumns)
    }

    @Test func lifecycleAndCatalogSectionsAreRead() {
        let (project, problems) = load("lifecycle: {active_days: 3, stale_days: 14}\ncatalog:\n  columns: [latent.dim, \"training.stages[0].epochs\"]\n")
        #expect(problems.isEmpty, "\(problems)")
        #expect(project.lifecycle == LifecycleThresholds(activeDays: 3, staleDays: 14))
        #expect(project.catalogColumns == ["latent.dim", "training.stages[0].epochs"])
    }

    @Test func badThresholdsAndColumnsAreLocated() {
        let messages = { (yaml: String) in load(yaml).1.map { "\($0.location?.description ?? "-"): \($0.message)" } }
        #expect(messages("lifecycle: {active_days: 10, stale_days: 5}\n")
                == ["sota.yaml:1:42: `lifecycle.stale_days` (5) must be at least `lifecycle.active_days` (10)"])
        #expect(messages("lifecycle: {active_days: soon}\n").first?.hasPrefix("sota.yaml:1:26: `lifecycle.active_days` must be an integer") == true)
        let unknown = load("lifecycle: {active_day: 3}\n").1
        #expect(unknown.first?.message.contains("active_day") == true && unknown.first?.hint?.contains("active_days") == true, "\(unknown)")
        #expect(messages("catalog: {columns: [\"a..b\"]}\n") == ["sota.yaml:1:21: catalog column the string \"a..b\" is not a config key path"])
    }
}

@Suite struct ExperimentNameValidationTests {
    @Test(arguments: ["../../evil", "a/b", "-flag", ".hidden", "semi;colon", "white space"])
    func anExperimentNameThatIsNotAFolderNameIsALocatedError(name: String) throws {
        let folder = TemporaryDirectory()
        let text = try String(contentsOfFile: golden, encoding: .utf8)
        folder.write("c.yaml", "experiment: '\(name)'\n" + text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("experiment:") }.joined(separator: "\n"))
        let outcome = demoLoader().load(path: folder.url("c.yaml"), displayPath: "c.yaml")
        let problem = try #require(outcome.diagnostics.first { $0.keyPath == "experiment" }, "\(outcome.diagnostics)")
        #expect(problem.severity == .error && problem.location?.line == 1 && problem.location?.column == 13)
        #expect(problem.message.contains("is not a valid experiment name"))
        #expect(outcome.config == nil)
    }
}
