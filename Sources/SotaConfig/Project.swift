import SotaSupport

/// A sota project: its root folder and what its project file (`sota.yaml`) declares.
package struct Project: Sendable {
    /// The project file's name, looked up from the current folder upwards.
    package static let fileName = "sota.yaml"

    /// Absolute path of the project root; relative paths in configs are relative to it.
    package var root: String
    /// The project file, when there is one.
    package var file: String?
    /// The project's name.
    package var name: String
    /// Where run directories go, relative to the root.
    package var runsDirectory: String
    /// Where `runs:` is written in the project file, when it is.
    package var runsLocation: SourceLocation?
    /// The GPU price table, relative to the root.
    package var pricesPath: String
    /// The leaderboard database, relative to the root.
    package var leaderboardPath: String
    /// Extra top-level config sections the team's configs may carry.
    package var extraSections: [String]
    /// Team rules checked on top of the built-in schema.
    package var constraints: [ProjectConstraint]
    /// Where remote launches get code and data and put results (`launch:`).
    package var launch: LaunchSettings
    /// When an experiment counts as active or stale (`lifecycle:` in `sota.yaml`).
    package var lifecycle: LifecycleThresholds
    /// Config key paths the catalog shows as columns (`catalog: {columns: [...]}` in `sota.yaml`).
    package var catalogColumns: [String]
    /// The project's own config keys (`schema:`), when it declares them.
    package var declaredSchema: ProjectSchema?
    /// sota's keys and the project's, as training configs are checked.
    package private(set) var schema: SchemaType
    /// The same for evaluation configs: the project's top-level keys are never required there.
    package private(set) var evaluationSchema: SchemaType
    /// The metrics the project's programs report (`metrics:`), in declaration order.
    package var metrics: [MetricDeclaration]
    /// The metric that ranks runs by default (`primary_metric:`, else the first declared).
    package var primaryMetricName: String?
    /// The config key paths recorded as each run's hyperparameters (`parameters:`); nil for every scalar leaf.
    package var parameterKeys: [String]?
    /// The config key paths whose product is a training stage's work (`cost.work`), with where each is written;
    /// `stage.epochs` is the stage's own epochs. Nil for the default, epochs × `data.samples`.
    package var costWork: [Located<String>]?
    /// What one unit of work is (`cost.unit`, default `samples`): resources.throughput counts these per second.
    package var costUnit = "samples"
    /// The file, in the run directory, where a child may write its tracker run's URL (`tracker_url_file:`).
    package var trackerURLFile: String?
    /// What every training config holds unless it says otherwise (`config_defaults:`): the pipeline written once.
    package var trainingDefaults: ConfigNode?
    /// The same for evaluation configs (`evaluation_defaults:`).
    package var evaluationDefaults: ConfigNode?

    /// A project with defaults and no project file, rooted at `root`.
    package init(root: String) {
        self.root = root
        self.file = nil
        self.name = Paths.lastComponent(of: root)
        self.runsDirectory = "runs"
        self.pricesPath = "configs/prices.yaml"
        self.leaderboardPath = ".sota/leaderboard.sqlite"
        self.extraSections = []
        self.constraints = []
        self.launch = LaunchSettings()
        self.lifecycle = LifecycleThresholds()
        self.catalogColumns = Self.defaultCatalogColumns
        self.declaredSchema = nil
        self.schema = ConfigSchema.root(extraSections: [])
        self.evaluationSchema = schema
        self.metrics = []
        self.primaryMetricName = nil
        self.parameterKeys = nil
        self.trainingDefaults = nil
        self.evaluationDefaults = nil
        self.trackerURLFile = nil
    }

    /// The catalog's hyperparameter columns when `sota.yaml` names none: sota's own training knobs.
    package static let defaultCatalogColumns = ["training.epochs", "training.batch_size", "resources.gpu"]

    /// The schema for configs of `kind`.
    package func schema(for kind: RunConfig.Kind) -> SchemaType {
        kind == .training ? schema : evaluationSchema
    }

    /// The primary metric and its direction, when the project declares metrics.
    package var primaryMetric: MetricDeclaration? {
        primaryMetricName.flatMap { name in metrics.first { $0.name == name } }
    }

    /// The declared metric named `name`.
    package func metric(_ name: String) -> MetricDeclaration? {
        metrics.first { $0.name == name }
    }

    /// Defaults the project declares, by key path, in declaration order.
    package var defaults: [(path: KeyPath, value: ConfigNode)] {
        (declaredSchema?.fields ?? []).compactMap { declared in declared.field.defaultValue.map { (declared.path, $0) } }
    }

    /// Rebuilds the merged schemas from `extraSections` and `declaredSchema`.
    private mutating func mergeSchema() -> [Diagnostic] {
        guard let declaredSchema else {
            schema = ConfigSchema.root(extraSections: extraSections)
            evaluationSchema = schema
            return []
        }
        let (root, problems) = declaredSchema.merged(into: ConfigSchema.root, extraSections: extraSections)
        schema = .mapping(root)
        var evaluation = root
        for index in evaluation.fields.indices where evaluation.fields[index].isProjectField {
            evaluation.fields[index].isRequired = false
        }
        evaluationSchema = .mapping(evaluation)
        return problems
    }

    /// An absolute path for a path written relative to the project root.
    package func resolve(_ path: String) -> String { Paths.absolute(path, relativeTo: root) }

    /// The folder holding `sota.yaml` at or above `directory`, if any.
    package static func locateRoot(from directory: String) -> String? {
        var current = Paths.normalize(directory)
        while true {
            if Paths.kind(of: Paths.join(current, fileName)) == .file { return current }
            let up = Paths.parent(of: current)
            if up == current { return nil }
            current = up
        }
    }

    /// Loads the project at `root`: its `sota.yaml` if present, defaults otherwise.
    ///
    /// - Returns: the project and any problems in the project file (errors make the project unusable).
    package static func load(root: String, displayRoot: String? = nil) -> (Project, [Diagnostic]) {
        var project = Project(root: root)
        let path = Paths.join(root, fileName)
        guard Paths.kind(of: path) != .missing else { return (project, []) }
        let display = displayRoot.map { $0 == "." ? fileName : Paths.join($0, fileName) } ?? path
        project.file = path
        let loaded = YAMLLoader().load(path: path, displayPath: display)
        var diagnostics = loaded.diagnostics
        guard let node = loaded.root else { return (project, diagnostics) }
        diagnostics += SchemaValidator().validate(node, against: projectSchema)
        if diagnostics.hasErrors { return (project, diagnostics) }
        if let name = node["project"]?.stringValue { project.name = name }
        if let runs = node["runs"], let text = runs.stringValue {
            project.runsDirectory = text
            project.runsLocation = runs.location
        }
        if let prices = node["prices"]?.stringValue { project.pricesPath = prices }
        if let leaderboard = node["leaderboard"]?.stringValue { project.leaderboardPath = leaderboard }
        if let launch = node["launch"] {
            let (settings, problems) = LaunchSettings.read(launch)
            project.launch = settings
            diagnostics += problems
        }
        project.extraSections = node["sections"]?.items?.compactMap(\.stringValue) ?? []
        if let lifecycle = node["lifecycle"] {
            project.lifecycle = LifecycleThresholds(
                activeDays: lifecycle["active_days"]?.intValue ?? project.lifecycle.activeDays,
                staleDays: lifecycle["stale_days"]?.intValue ?? project.lifecycle.staleDays
            )
            if project.lifecycle.staleDays < project.lifecycle.activeDays {
                diagnostics.append(.error(
                    at: lifecycle["stale_days"]?.location ?? lifecycle.location, keyPath: "lifecycle.stale_days",
                    "`lifecycle.stale_days` (\(project.lifecycle.staleDays)) must be at least `lifecycle.active_days` (\(project.lifecycle.activeDays))",
                    hint: "an experiment goes stale only after it has stopped being active"
                ))
            }
        }
        if let columns = node["catalog"]?["columns"]?.items {
            project.catalogColumns = []
            for column in columns {
                guard let text = column.stringValue, KeyPath(parsing: text) != nil else {
                    diagnostics.append(.error(at: column.location, keyPath: "catalog.columns",
                                              "catalog column \(column.kindDescription) is not a config key path",
                                              hint: "write key paths such as `model.width` or `training.stages[0].epochs`"))
                    continue
                }
                project.catalogColumns.append(text)
            }
        }
        for rule in node["constraints"]?.items ?? [] {
            switch ProjectConstraint.parse(rule) {
            case .success(let constraint): project.constraints.append(constraint)
            case .failure(let error): diagnostics.append(error.diagnostic)
            }
        }
        if let schemaNode = node["schema"] {
            diagnostics += project.readSchema(schemaNode, displayRoot: displayRoot)
        }
        diagnostics += project.mergeSchema()
        if project.declaredSchema != nil {
            // With a declared schema a rule naming an undeclared key is a typo in the rule, not a missing value.
            for constraint in project.constraints {
                for path in constraint.rule.keyPaths where !project.schema.allows(path) {
                    diagnostics.append(.error(at: constraint.location, keyPath: path.description,
                                              "rule names `\(path)`, which is neither sota's key nor declared in the project's schema",
                                              hint: project.schema.suggestion(for: path).map { "did you mean `\($0)`?" } ?? "declare it under `schema.fields`"))
                }
            }
        }
        if let file = node["tracker_url_file"], let name = file.stringValue {
            if name.contains("/") || name == "." || name == ".." || name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                diagnostics.append(.error(at: file.location, keyPath: "tracker_url_file",
                                          "`tracker_url_file` must be a plain file name in the run directory, found `\(name)`",
                                          hint: "for example: tracker_url_file: tracker_url.txt"))
            } else {
                project.trackerURLFile = name
            }
        }
        if let cost = node["cost"] {
            if let unit = cost["unit"]?.stringValue { project.costUnit = unit }
            if let items = cost["work"]?.items {
                var factors: [Located<String>] = []
                for item in items {
                    guard let text = item.stringValue else { continue }
                    if text != WorkModel.stageEpochs, project.declaredSchema != nil, let path = KeyPath(parsing: text), !project.schema.allows(path) {
                        diagnostics.append(.error(at: item.location, keyPath: "cost.work", "`\(text)` is neither sota's key nor declared in the project's schema",
                                                  hint: project.schema.suggestion(for: path).map { "did you mean `\($0)`?" }
                                                    ?? "name config key paths, or `\(WorkModel.stageEpochs)` for a stage's epochs"))
                    }
                    factors.append(Located(text, item.location))
                }
                project.costWork = factors
            }
        }
        project.trainingDefaults = node["config_defaults"]
        project.evaluationDefaults = node["evaluation_defaults"]
        if let list = node["parameters"]?.items {
            project.parameterKeys = []
            for item in list {
                guard let text = item.stringValue, let path = KeyPath(parsing: text) else {
                    diagnostics.append(.error(at: item.location, keyPath: "parameters", "parameter \(item.kindDescription) is not a config key path"))
                    continue
                }
                if project.declaredSchema != nil, !project.schema.allows(path) {
                    diagnostics.append(.error(at: item.location, keyPath: "parameters", "parameter `\(text)` is neither sota's key nor declared in the project's schema",
                                              hint: project.schema.suggestion(for: path).map { "did you mean `\($0)`?" }))
                }
                project.parameterKeys?.append(text)
            }
        }
        if let metricsNode = node["metrics"] {
            for entry in metricsNode.entries ?? [] {
                switch MetricDeclaration.parse(entry) {
                case .success(let metric): project.metrics.append(metric)
                case .failure(let error): diagnostics.append(error.diagnostic)
                }
            }
        }
        project.primaryMetricName = project.metrics.first?.name
        if let primary = node["primary_metric"], let name = primary.stringValue {
            if project.metric(name) == nil {
                diagnostics.append(.error(at: primary.location, keyPath: "primary_metric", "`primary_metric` is `\(name)`, which `metrics:` does not declare",
                                          hint: Suggestions.closest(to: name, in: project.metrics.map(\.name)).map { "did you mean `\($0)`?" }
                                            ?? "declare it, e.g. metrics: {\(name): {direction: higher}}"))
            }
            project.primaryMetricName = name
        }
        return (project, diagnostics)
    }

    /// Reads `schema:`, inline or from the file it names (relative to the root).
    private mutating func readSchema(_ node: ConfigNode, displayRoot: String?) -> [Diagnostic] {
        var schemaNode = node
        var diagnostics: [Diagnostic] = []
        if let name = node.stringValue {
            let path = resolve(name)
            guard Paths.kind(of: path) == .file else {
                return [.error(at: node.location, keyPath: "schema", "`schema` names `\(name)`, which is not a file",
                               hint: "write the schema inline under `schema:` or create the file")]
            }
            let display = displayRoot.map { $0 == "." ? name : Paths.join($0, name) } ?? path
            let loaded = YAMLLoader().load(path: path, displayPath: display)
            diagnostics += loaded.diagnostics
            guard let root = loaded.root, !loaded.diagnostics.hasErrors else { return diagnostics }
            schemaNode = root
        }
        let (declared, problems) = ProjectSchema.parse(schemaNode)
        declaredSchema = declared
        constraints += declared.rules
        return diagnostics + problems
    }

    static let projectSchema: SchemaType = .mapping(MappingSchema([
        FieldSchema("project", .string(nonEmpty: true), "project name"),
        FieldSchema("runs", .string(nonEmpty: true), "run directories, relative to the root"),
        FieldSchema("prices", .string(nonEmpty: true), "GPU price table"),
        FieldSchema("leaderboard", .string(nonEmpty: true), "leaderboard database"),
        FieldSchema("sections", .list(.string(nonEmpty: true), minCount: 0), "extra top-level config sections"),
        FieldSchema("lifecycle", .mapping(MappingSchema([
            FieldSchema("active_days", .integer(min: 1, max: 3650), "an experiment with a run this recent is active (default 7)"),
            FieldSchema("stale_days", .integer(min: 1, max: 36500), "an experiment idle this long is stale (default 30)"),
        ])), "experiment lifecycle thresholds"),
        FieldSchema("catalog", .mapping(MappingSchema([
            FieldSchema("columns", .list(.string(nonEmpty: true), minCount: 1), "config key paths shown as catalog columns"),
        ])), "the config catalog"),
        FieldSchema("constraints", .list(ProjectConstraint.schema, minCount: 0), "team rules (also `schema.rules`)"),
        FieldSchema("launch", LaunchSettings.schema, "remote launches: repository, results, data, Vast and Slurm settings"),
        FieldSchema("schema", .anyValue, "the project's own config keys and rules, or a file holding them"),
        FieldSchema("metrics", .dictionary(.anyValue), "the metrics the evaluation reports, with their direction"),
        FieldSchema("primary_metric", .string(nonEmpty: true), "the metric that ranks runs (default: the first declared)"),
        FieldSchema("parameters", .list(.string(nonEmpty: true), minCount: 1), "config key paths recorded as hyperparameters (default: every scalar leaf)"),
        FieldSchema("tracker_url_file", .string(nonEmpty: true), "a file in the run directory where children write their tracker run's URL"),
        FieldSchema("cost", .mapping(MappingSchema([
            FieldSchema("work", .list(.string(nonEmpty: true), minCount: 1),
                        "config key paths whose product is a training stage's work (default: stage.epochs, data.samples)"),
            FieldSchema("unit", .string(nonEmpty: true), "what one unit of work is, for messages (default: samples)"),
        ])), "the cost model's inputs: what counts as a stage's work, divided by resources.throughput"),
        FieldSchema("config_defaults", .mapping(MappingSchema([], open: true)), "what every training config holds unless it sets it: the pipeline, written once"),
        FieldSchema("evaluation_defaults", .mapping(MappingSchema([], open: true)), "what every evaluation config holds unless it sets it"),
    ]))
}
