import SotaSupport

/// Loads configs: YAML, overrides, schema, built-in cross-field rules, project rules and file checks,
/// collecting every problem before giving up.
package struct ConfigLoader: Sendable {
    /// The project whose schema, rules and root apply.
    package var project: Project
    /// Whether to check that referenced files and programs exist (off for pure parsing).
    package var checksReferencedFiles: Bool
    /// The `PATH` used to find programs.
    package var searchPath: String?
    private let programs = ProgramLookup()

    /// Creates a loader for `project`.
    package init(project: Project, checksReferencedFiles: Bool = true, searchPath: String? = nil) {
        self.project = project
        self.checksReferencedFiles = checksReferencedFiles
        self.searchPath = searchPath
    }

    /// The outcome of loading one config.
    package struct Outcome: Sendable {
        /// The typed config, present when there are no errors.
        package var config: RunConfig?
        /// Every problem found.
        package var diagnostics: [Diagnostic]
    }

    /// Loads the config at `path` (shown as `displayPath`) with `overrides` applied.
    package func load(path: String, displayPath: String, overrides: [ConfigOverride] = []) -> Outcome {
        let loaded = YAMLLoader().load(path: path, displayPath: displayPath)
        var diagnostics = loaded.diagnostics
        guard var root = loaded.root, !diagnostics.hasErrors else { return Outcome(config: nil, diagnostics: diagnostics) }
        guard root.entries != nil else {
            diagnostics.append(.error(at: root.location, "a config must be a mapping of sections, found \(root.kindDescription)",
                                      hint: "start with a section such as `training:`"))
            return Outcome(config: nil, diagnostics: diagnostics)
        }
        root = project.withConfigDefaults(root)
        let schema = project.schema(for: root.isEvaluationConfig ? .evaluation : .training)
        let (overridden, overrideProblems) = OverrideApplier(schema: schema).apply(overrides, to: root)
        root = overridden
        diagnostics += overrideProblems
        diagnostics += SchemaValidator().validate(root, against: schema)
        let kind = kind(of: root, file: displayPath, into: &diagnostics)
        root = Self.fillDefaults(project.defaults, in: root, kind: kind)
        // Rules read values through typed accessors that skip mistyped ones, so they run even when the
        // schema found errors: the user sees every problem in one pass.
        diagnostics += ConfigRules.check(root, file: displayPath)
        // Project rules skip keys that already failed their own checks: a value out of its range is reported
        // once, and a rule never computes with it (`Int.min % -1` would stop the process).
        diagnostics += checkGateMetrics(root)
        let failed = Set(diagnostics.filter { $0.severity == .error }.compactMap(\.keyPath))
        for constraint in project.constraints { diagnostics += constraint.check(root, file: displayPath, failed: failed) }
        if checksReferencedFiles {
            diagnostics += ReferenceCheck(project: project, searchPath: searchPath, programs: programs).check(root)
        }
        guard !diagnostics.hasErrors, let kind else { return Outcome(config: nil, diagnostics: diagnostics) }
        let tree = CanonicalForm.normalize(root, schema: schema)
        let config = ConfigModelBuilder.build(
            tree, kind: kind, metrics: project.metrics, path: Paths.absolute(path, relativeTo: Paths.currentDirectory),
            displayPath: displayPath, overrides: overrides
        )
        return Outcome(config: config, diagnostics: diagnostics)
    }

    /// Each gate's metric against the project's declared metrics: a gate ranks as the leaderboard does, and a
    /// metric the project does not declare is most likely a typo.
    private func checkGateMetrics(_ root: ConfigNode) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for (index, gate) in (root["gates"]?.items ?? []).enumerated() {
            guard let metricNode = gate["metric"], let metric = metricNode.stringValue else { continue }
            let direction = gate["direction"]
            guard let declared = project.metric(metric) else {
                if !project.metrics.isEmpty {
                    out.append(.error(at: metricNode.location, keyPath: "gates[\(index)].metric",
                                      "gate metric `\(metric)` is not declared in the project's `metrics:`",
                                      hint: Suggestions.closest(to: metric, in: project.metrics.map(\.name)).map { "did you mean `\($0)`?" }
                                        ?? "declare it in sota.yaml: metrics: {\(metric): {direction: lower}}"))
                } else if direction == nil {
                    out.append(.error(at: gate.location, keyPath: "gates[\(index)].direction",
                                      "gate on `\(metric)` needs a `direction` (lower or higher)",
                                      hint: "or declare the metric once in sota.yaml: metrics: {\(metric): {direction: lower}}"))
                }
                continue
            }
            if let direction, let word = direction.stringValue, MetricDirection(rawValue: word) != nil, word != declared.direction.rawValue {
                out.append(.error(at: direction.location, keyPath: "gates[\(index)].direction",
                                  "gate direction `\(word)` disagrees with `\(metric)`, declared \(declared.direction.rawValue)-is-better at \(declared.location)",
                                  hint: "remove `direction:` here; the declaration decides both the gate and the ranking"))
            }
        }
        return out
    }

    /// `node` with every key of `defaults` it lacks, mappings merged key by key; anything else `node` holds wins.
    static func merged(_ node: ConfigNode, over defaults: ConfigNode) -> ConfigNode {
        guard var entries = node.entries, let defaultEntries = defaults.entries else { return node }
        for entry in defaultEntries {
            if let index = entries.firstIndex(where: { $0.key == entry.key }) {
                entries[index].value = merged(entries[index].value, over: entry.value)
            } else {
                entries.append(entry)
            }
        }
        var node = node
        node.value = .mapping(entries)
        return node
    }

    /// The tree with the project's declared defaults filled in where a key is missing and its section exists (a
    /// top-level default goes into training configs only, which carry the model's settings).
    package static func fillDefaults(_ defaults: [(path: KeyPath, value: ConfigNode)], in root: ConfigNode, kind: RunConfig.Kind?) -> ConfigNode {
        var root = root
        for (path, value) in defaults where root.node(at: path) == nil {
            let keys = path.components.compactMap { if case .key(let key) = $0 { key } else { nil } }
            if keys.count == 1, kind != .training { continue }
            root = insert(value, keys: keys[...], into: root)
        }
        return root
    }

    private static func insert(_ value: ConfigNode, keys: ArraySlice<String>, into node: ConfigNode) -> ConfigNode {
        guard let key = keys.first, var entries = node.entries else { return node }
        var node = node
        if keys.count == 1 {
            entries.append(ConfigEntry(key: key, keyLocation: value.location, value: value))
        } else {
            guard let index = entries.firstIndex(where: { $0.key == key }) else { return node }
            entries[index].value = insert(value, keys: keys.dropFirst(), into: entries[index].value)
        }
        node.value = .mapping(entries)
        return node
    }

    private func kind(of root: ConfigNode, file: String, into diagnostics: inout [Diagnostic]) -> RunConfig.Kind? {
        let training = root.entry("training"), evaluation = root.entry("evaluation")
        switch (training, evaluation) {
        case (.some, nil): return .training
        case (nil, .some): return .evaluation
        case (.some, .some(let second)):
            diagnostics.append(.error(at: second.keyLocation, "a config either trains or evaluates; this one has both `training` and `evaluation`",
                                      hint: "move the evaluation into its own file and name it in `pipeline.small_eval` or `pipeline.full_eval`"))
        case (nil, nil):
            diagnostics.append(.error(at: SourceLocation(file: file, line: 1, column: 1),
                                      "config has neither a `training` nor an `evaluation` section"))
        }
        return nil
    }
}

/// Builds the typed model from a tree that has passed validation.
enum ConfigModelBuilder {
    static func build(_ tree: ConfigNode, kind: RunConfig.Kind, metrics: [MetricDeclaration] = [], path: String, displayPath: String, overrides: [ConfigOverride]) -> RunConfig {
        func located<T>(_ node: ConfigNode?, _ read: (ConfigNode) -> T?) -> Located<T>? {
            guard let node, let value = read(node) else { return nil }
            return Located(value, node.location)
        }
        func duration(_ node: ConfigNode?) -> Located<DurationValue>? {
            located(node) { node in
                node.numberValue.map { DurationValue(seconds: $0) } ?? node.stringValue.flatMap { DurationValue(parsing: $0) }
            }
        }
        func strings(_ node: ConfigNode?) -> [String] {
            node?.items?.map { $0.stringValue ?? $0.sourceText ?? "" } ?? []
        }
        let data: DataSpec? = tree["data"].map { node in
            DataSpec(
                path: located(node["path"], \.stringValue)!,
                manifest: located(node["manifest"], \.stringValue),
                samples: located(node["samples"], \.intValue),
                arrays: (node["arrays"]?.entries ?? []).map { entry in
                    ArraySpec(
                        name: entry.key,
                        dtype: NumpyDType(parsing: entry.value["dtype"]?.stringValue ?? "")!,
                        shape: entry.value["shape"]?.items?.map(\.intValue) ?? [],
                        location: entry.keyLocation
                    )
                }
            )
        }
        let training: TrainingSpec? = tree["training"].map { node in
            // Without `training.epochs` a stage counts as one epoch of work; the cost model then wants an estimate.
            let epochsNode = node["epochs"] ?? node
            let defaultEpochs = Located(node["epochs"]?.intValue ?? 1, epochsNode.location)
            return TrainingSpec(
                command: Located(strings(node["command"]), node["command"]!.location),
                stages: (node["stages"]?.items ?? []).map { stage in
                    StageSpec(
                        name: stage["name"]?.stringValue ?? "",
                        outputs: strings(stage["outputs"]),
                        epochs: located(stage["epochs"], \.intValue) ?? defaultEpochs,
                        estimate: duration(stage["estimate"]),
                        timeout: duration(stage["timeout"])?.value ?? duration(node["timeout"])?.value,
                        location: stage.location
                    )
                },
                checkpoint: node["checkpoint"]?.stringValue ?? "",
                epochs: defaultEpochs.value,
                batchSize: node["batch_size"]?.intValue,
                timeout: duration(node["timeout"])?.value,
                maxRetries: node["max_retries"]?.intValue ?? 0,
                stepMetrics: node["step_metrics"]?.stringValue
            )
        }
        let evaluation: EvaluationSpec? = tree["evaluation"].map { node in
            EvaluationSpec(
                command: Located(strings(node["command"]), node["command"]!.location),
                metrics: node["metrics"]?.stringValue ?? "",
                estimate: duration(node["estimate"]),
                timeout: duration(node["timeout"])?.value
            )
        }
        let gates: [GateSpec] = (tree["gates"]?.items ?? []).map { gate in
            let metric = gate["metric"]?.stringValue ?? ""
            return GateSpec(
                name: gate["name"]?.stringValue ?? metric,
                metric: metric,
                direction: MetricDirection(rawValue: gate["direction"]?.stringValue ?? "")
                    ?? metrics.first { $0.name == metric }?.direction ?? .lower,
                threshold: gate["threshold"]?.numberValue ?? 0,
                minImprovementAbsolute: gate["min_improvement"]?["absolute"]?.numberValue,
                minImprovementRelative: gate["min_improvement"]?["relative"]?.numberValue,
                location: gate.location
            )
        }
        let resourcesNode = tree["resources"]
        var throughput: [String: Located<Double>] = [:]
        for entry in resourcesNode?["throughput"]?.entries ?? [] {
            if let value = entry.value.numberValue { throughput[entry.key] = Located(value, entry.value.location) }
        }
        let resources = ResourceSpec(
            gpu: located(resourcesNode?["gpu"], \.stringValue),
            gpus: located(resourcesNode?["gpus"], \.intValue),
            platform: ResourceSpec.Platform(rawValue: resourcesNode?["platform"]?.stringValue ?? "cuda") ?? .cuda,
            throughput: throughput
        )
        return RunConfig(
            kind: kind,
            displayPath: displayPath,
            path: path,
            experiment: tree["experiment"]?.stringValue ?? ExperimentNameRule.defaultName(forConfig: displayPath),
            seed: tree["seed"]?.intValue,
            data: data,
            training: training,
            evaluation: evaluation,
            gates: gates,
            resources: resources,
            smallEvalConfig: located(tree["pipeline"]?["small_eval"], \.stringValue),
            fullEvalConfig: located(tree["pipeline"]?["full_eval"], \.stringValue),
            tree: tree,
            overrides: overrides,
            hash: CanonicalForm.hash(tree)
        )
    }
}

extension ConfigNode {
    /// Whether this config root evaluates: an `evaluation` section and no `training` one. Any other config is read as
    /// a training config (a team's config without sota keys gets its `training` section from `config_defaults`).
    package var isEvaluationConfig: Bool { entry("training") == nil && entry("evaluation") != nil }
}

extension Project {
    /// `root` with the project's `config_defaults` (for a training config) or `evaluation_defaults` merged under it,
    /// the config's own values winning: a team's configs need not repeat the pipeline.
    package func withConfigDefaults(_ root: ConfigNode) -> ConfigNode {
        guard let defaults = root.isEvaluationConfig ? evaluationDefaults : trainingDefaults else { return root }
        return ConfigLoader.merged(root, over: defaults)
    }
}
