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
    }

    /// The catalog's hyperparameter columns when `sota.yaml` names none.
    package static let defaultCatalogColumns = ["latent.dim", "training.epochs", "training.batch_size", "training.learning_rate", "resources.gpu"]

    /// The schema for this project's configs.
    package var schema: SchemaType { ConfigSchema.root(extraSections: extraSections) }

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
        if let launch = node["launch"] { project.launch = LaunchSettings.read(launch) }
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
                                              hint: "write key paths such as `latent.dim` or `training.stages[0].epochs`"))
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
        return (project, diagnostics)
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
        FieldSchema("constraints", .list(.mapping(MappingSchema([
            FieldSchema("equal", .list(.string(nonEmpty: true), minCount: 2), "key paths that must hold equal values"),
            FieldSchema("divisible", .mapping(MappingSchema([
                FieldSchema("key", .string(nonEmpty: true), required: true, "the dividend"),
                FieldSchema("by", .anyValue, required: true, "an integer or a key path"),
            ])), "a key that must divide evenly"),
            FieldSchema("range", .mapping(MappingSchema([
                FieldSchema("key", .string(nonEmpty: true), required: true, "the key"),
                FieldSchema("min", .number(min: nil, exclusiveMin: false, max: nil), "lowest allowed"),
                FieldSchema("max", .number(min: nil, exclusiveMin: false, max: nil), "highest allowed"),
            ])), "a numeric range"),
            FieldSchema("required", .list(.string(nonEmpty: true), minCount: 1), "key paths that must be present"),
            FieldSchema("one_of", .mapping(MappingSchema([
                FieldSchema("key", .string(nonEmpty: true), required: true, "the key"),
                FieldSchema("values", .list(.anyValue, minCount: 1), required: true, "allowed values"),
            ])), "allowed values for a key"),
            FieldSchema("severity", .choice(["error", "warning"]), "error (default) or warning"),
            FieldSchema("applies_to", .choice(["training", "evaluation"]), "only configs of this kind (default: all)"),
            FieldSchema("message", .string(nonEmpty: true), "why the rule exists"),
        ])), minCount: 0), "team rules"),
        FieldSchema("launch", LaunchSettings.schema, "remote launches: repository, results, data, Vast and Slurm settings"),
    ]))
}
