import ArgumentParser
import FoundationEssentials
import Glibc
import SotaConfig
import SotaSupport
import SotaWorkspace

/// `sota init`: adopts an existing repository. Writes `sota.yaml` with a schema inferred from the configs under
/// `configs/`, makes the folders sota writes into, and ignores them in git; no file of the team's is changed.
struct InitCommand: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Adopt this repository: write sota.yaml with a schema inferred from its configs, and ignore sota's outputs in git.",
        discussion: """
        Reads every YAML config under configs/ (or --configs DIR) and declares the keys they hold that are not sota's own: a key every config holds is required, a section whose keys differ between configs stays open, tracker sections (wandb:, mlflow:) are always open. Gated metrics are declared with their direction. Nothing of the team's is changed: sota.yaml is new (init refuses to replace one), runs/ is created, .gitignore gains the lines for sota's outputs it lacks, and each hand-made experiment folder (experiments/DAY-NAME/config.yaml without metadata.json) gets the metadata.json sota would have written.

        Examples:
          sota init
          sota init --checkpoint model.pt --metric accuracy --direction higher \\
              --train-command "python3 train.py {config} {checkpoint_dir}" \\
              --evaluate-command "python3 eval.py {checkpoint} {metrics}"
        """
    )

    @Option(help: ArgumentHelp("The folder holding the configs to infer the schema from.", valueName: "dir"), completion: .directory)
    var configs: String = "configs"

    @Option(help: ArgumentHelp("The train command (words separated by spaces, with placeholders such as {config}); written as every training config's default.",
                               valueName: "command"))
    var trainCommand: String?

    @Option(help: ArgumentHelp("The file the train command leaves, checked after training (with --train-command).", valueName: "file"))
    var checkpoint: String = "model.pt"

    @Option(help: ArgumentHelp("The evaluate command (with {checkpoint} and {metrics}); written as every evaluation config's default.",
                               valueName: "command"))
    var evaluateCommand: String?

    @Option(help: ArgumentHelp("The primary metric the evaluation reports.", valueName: "name"))
    var metric: String?

    @Option(help: ArgumentHelp("Which way the primary metric is better: lower or higher.", valueName: "direction"), completion: .list(OptionValues.directions))
    var direction: String?

    @Option(help: ArgumentHelp("The project's name (default: the folder's).", valueName: "name"))
    var name: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let direction, MetricDirection(rawValue: direction) == nil { throw ValidationError("--direction must be lower or higher") }
        if direction != nil, metric == nil { throw ValidationError("--direction needs --metric") }
    }

    func run(in context: CommandContext) throws -> Int32 {
        let root = global.project.map(context.absolute) ?? context.workingDirectory
        let projectFile = Paths.join(root, Project.fileName)
        guard Paths.kind(of: projectFile) == .missing else {
            context.console.error("\(context.display(projectFile)) already exists: this folder is a sota project",
                                  hint: "edit it, or run `sota schema` to see what it declares")
            return ExitStatus.checkFailed
        }
        let folder = Paths.absolute(configs, relativeTo: root)
        var trees: [ConfigNode] = []
        var files: [String] = [], absolutePaths: [String] = []
        for path in Self.yamlFiles(under: folder) {
            let shown = context.display(path)
            let loaded = YAMLLoader().load(path: path, displayPath: shown)
            guard let tree = loaded.root, tree.entries != nil, !loaded.diagnostics.hasErrors else {
                context.console.report(loaded.diagnostics.filter { $0.severity == .error })
                context.console.warning("\(shown) is left out of the inferred schema")
                continue
            }
            // The price table is sota's own file, not a config.
            if tree.entry("gpus") != nil, tree.entry("currency") != nil { continue }
            trees.append(tree)
            files.append(shown)
            absolutePaths.append(path)
        }
        let inference = SchemaInference(configs: trees)
        var metrics = inference.gatedMetrics
        if let metric {
            // Without --direction, the direction the configs' gates already use.
            let gated = metrics.first { $0.name == metric }?.direction
            metrics.removeAll { $0.name == metric }
            metrics.insert((metric, direction ?? gated ?? "lower"), at: 0)
        }
        // The first evaluation config becomes every training config's full evaluation, as written relative to the root.
        let evaluationConfig = zip(absolutePaths, trees).first { $0.1.isEvaluationConfig }
            .map { Paths.relativePath(from: root, to: $0.0) }
        let text = projectYAML(name: name ?? Paths.lastComponent(of: root), inference: inference, metrics: metrics, files: files,
                               evaluationConfig: evaluationConfig)
        do {
            try AtomicFile.write(text, to: projectFile)
        } catch {
            context.console.error("\(error)")
            return ExitStatus.checkFailed
        }
        // Check what was written before saying it works: a config the inference could not type makes this fail loudly.
        let (project, problems) = Project.load(root: root, displayRoot: context.display(root))
        if problems.hasErrors {
            // Nothing half-done stays behind: a rerun (with other flags) must not find a sota.yaml that does not load.
            let rejected = projectFile + ".rejected"
            _ = rename(projectFile, rejected)
            context.console.report(problems)
            context.console.error("the inferred project file does not load; nothing was adopted (it is kept as \(context.display(rejected)) to read)")
            return ExitStatus.checkFailed
        }
        try? FileManager.default.createDirectory(atPath: project.resolve(project.runsDirectory), withIntermediateDirectories: true)
        let added = Self.ignore(["runs/", ".sota/", "reports/", "configs/.previous/"], in: Paths.join(root, ".gitignore"))
        context.console.out("wrote \(context.display(projectFile)): \(inference.fields.count) key\(inference.fields.count == 1 ? "" : "s") declared from \(trees.count) config\(trees.count == 1 ? "" : "s")"
                            + (metrics.isEmpty ? "" : ", metric\(metrics.count == 1 ? "" : "s") " + metrics.map { "\($0.name) (\($0.direction))" }.joined(separator: ", ")))
        if !added.isEmpty { context.console.out(".gitignore: added " + added.joined(separator: " ")) }
        // Hand-made experiment folders get the metadata sota would have written, so archive and catalog see them.
        for outcome in ExperimentAdoption.adopt(Workspace(project: project)) {
            if let problem = outcome.problem {
                context.console.report(outcome.diagnostics.filter { $0.severity == .error })
                context.console.warning("\(outcome.folder) is left as it is: \(problem)")
            } else {
                context.console.out("adopted \(outcome.folder) as an experiment (wrote its metadata.json)")
            }
        }
        let training = zip(files, trees).first { !$0.1.isEvaluationConfig }?.0 ?? Paths.join(configs, "CONFIG.yaml")
        context.console.out("next:")
        context.console.out("  sota validate config \(Paths.join(configs, "*.yaml"))")
        context.console.out("  sota dry-run \(training)")
        context.console.out("  sota run --train-config \(training)")
        return ExitStatus.success
    }

    /// The project file: name, inferred schema, metrics and, when given, the commands as config defaults.
    private func projectYAML(name: String, inference: SchemaInference, metrics: [(name: String, direction: String)], files: [String],
                             evaluationConfig: String?) -> String {
        var out = "# sota project file, written by `sota init` from \(files.count) config\(files.count == 1 ? "" : "s"); edit freely.\n"
        out += "# `sota schema` lists what it declares; `sota schema --json-schema` exports it for editors.\n"
        out += "project: \(YAMLEmitter.scalarText(name))\nruns: runs\n\n"
        out += "# The configs' own keys: required where every config holds them, open where they differ.\n"
        out += inference.schemaYAML()
        if !metrics.isEmpty {
            out += "\n# What the evaluation reports, and which way is better; the first ranks runs.\nmetrics:\n"
            for metric in metrics { out += "  \(YAMLEmitter.scalarText(metric.name)): \(metric.direction)\n" }
        }
        func command(_ text: String) -> String {
            "[" + text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { YAMLEmitter.scalarText(String($0)) }.joined(separator: ", ") + "]"
        }
        if let trainCommand {
            out += "\n# Every training config runs this unless it says otherwise.\nconfig_defaults:\n  training:\n"
            out += "    command: \(command(trainCommand))\n"
            out += "    stages: [{name: train, outputs: [\(YAMLEmitter.scalarText(checkpoint))]}]\n"
            out += "    checkpoint: \(YAMLEmitter.scalarText(checkpoint))\n"
            out += "    # Where the trainer may write metrics per step, one JSON line each ({\"step\": 100, \"loss\": 0.31}); its\n"
            out += "    # path is in SOTA_STEP_METRICS_FILE. sota shows them as sparklines and report curves.\n"
            out += "    step_metrics: steps.jsonl\n"
            if let evaluation = evaluationConfig {
                out += "  pipeline: {full_eval: \(YAMLEmitter.scalarText(evaluation))}\n"
            }
        }
        out += "\n# The cost model's work per training stage, divided by resources.throughput (default: epochs × data.samples):\n"
        out += "# cost: {work: [training.max_steps, training.batch_size], unit: samples}\n"
        if let evaluateCommand {
            out += "\n# Every evaluation config runs this unless it says otherwise.\nevaluation_defaults:\n  evaluation:\n"
            out += "    command: \(command(evaluateCommand))\n    metrics: metrics.json\n"
        }
        return out
    }

    /// The YAML files under `folder`, sorted, hidden folders (`.previous`) skipped.
    static func yamlFiles(under folder: String) -> [String] {
        // Hidden folders are not entered at all, not only filtered out: `.previous` may hold many old configs.
        var out: [String] = []
        var pending = [folder]
        while let directory = pending.popLast() {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where !name.hasPrefix(".") {
                let path = Paths.join(directory, name)
                if Paths.kind(of: path) == .directory {
                    // A linked folder is not entered (as FileManager's enumerator did not): a link loop must not hang init.
                    if !Paths.isSymbolicLink(path) { pending.append(path) }
                } else if name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
                    out.append(path)
                }
            }
        }
        return out.sorted()
    }

    /// Appends the `lines` a `.gitignore` lacks, creating it if needed; returns those added.
    static func ignore(_ lines: [String], in path: String) -> [String] {
        var existing = ""
        if Paths.kind(of: path) != .missing {
            // A .gitignore that cannot be read as text is the team's, and is left as it is.
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
            existing = text
        }
        let present = Set(existing.split(whereSeparator: \.isNewline).map { $0.trimmingWhitespace() })
        let missing = lines.filter { !present.contains($0) && !present.contains("/" + $0) }
        guard !missing.isEmpty else { return [] }
        let text = existing + (existing.isEmpty || existing.hasSuffix("\n") ? "" : "\n") + "# sota's outputs\n" + missing.joined(separator: "\n") + "\n"
        return (try? AtomicFile.write(text, to: path)) == nil ? [] : missing
    }
}
