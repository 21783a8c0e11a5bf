import SotaSupport

/// The shape a config value must have: its type, its range and, for mappings, its known keys.
package indirect enum SchemaType: Sendable {
    /// A whole number within optional bounds.
    case integer(min: Int?, max: Int?)
    /// A finite number; `exclusiveMin` makes the lower bound strict (learning rate > 0).
    case number(min: Double?, exclusiveMin: Bool, max: Double?)
    /// Text; `nonEmpty` refuses `""`. Unless it is `freeText` (a description), it is one line of printable text: a
    /// control character (a line break, a tab, an escape) is refused, because such values become paths, names and
    /// words of generated scripts.
    case string(nonEmpty: Bool, freeText: Bool = false)
    /// One of a fixed set of words.
    case choice([String])
    /// True or false.
    case boolean
    /// A duration such as `25m`, or a number of seconds.
    case duration
    /// A path relative to the project root that must exist as the given kind.
    case path(PathKind)
    /// A command line: a non-empty list of strings whose first item is an executable.
    case command
    /// A NumPy dtype name (`float32`, `<f4`, ...).
    case dtype
    /// An array shape: a list of sizes, each a non-negative integer or null for "any".
    case shape
    /// A list of values of one type.
    case list(SchemaType, minCount: Int)
    /// A mapping with known keys.
    case mapping(MappingSchema)
    /// A mapping with free-form keys whose values share a type.
    case dictionary(SchemaType)
    /// Anything (a team's own section, checked only by project constraints).
    case anyValue

    /// What a path must be.
    package enum PathKind: Sendable {
        case file, directory
    }

    /// The words used in messages: "an integer", "a mapping", ...
    package var expectation: String {
        switch self {
        case .integer: "an integer"
        case .number: "a number"
        case .string, .path: "a string"
        case .choice(let words): "one of " + words.map { "`\($0)`" }.joined(separator: ", ")
        case .boolean: "true or false"
        case .duration: "a duration such as `30m` or `2h`"
        case .command: "a command as a list of strings"
        case .dtype: "a NumPy dtype name such as `float32`"
        case .shape: "a shape such as `[24, 41, 64]`"
        case .list: "a list"
        case .mapping, .dictionary: "a mapping"
        case .anyValue: "a value"
        }
    }

    /// The schema of the value under `key` when this is a mapping or dictionary; any value for an undeclared key
    /// of an open mapping.
    package func child(_ key: String) -> SchemaType? {
        switch self {
        case .mapping(let schema): schema.field(key)?.type ?? (schema.isOpen ? .anyValue : nil)
        case .dictionary(let value): value
        case .anyValue: .anyValue
        default: nil
        }
    }

    /// The schema of list items when this is a list.
    package var element: SchemaType? {
        switch self {
        case .list(let item, _): item
        case .anyValue: .anyValue
        default: nil
        }
    }
}

/// The known keys of a mapping.
package struct MappingSchema: Sendable {
    /// The keys in documentation order.
    package var fields: [FieldSchema]
    /// Whether keys beyond `fields` are allowed, their values unchecked (a project's open section); in a closed
    /// mapping an undeclared key is an error with a "did you mean".
    package var isOpen: Bool

    /// Creates a mapping schema.
    package init(_ fields: [FieldSchema], open: Bool = false) {
        self.fields = fields
        self.isOpen = open
    }

    /// The field named `name`.
    package func field(_ name: String) -> FieldSchema? {
        fields.first { $0.name == name }
    }
}

/// One known key of a mapping.
package struct FieldSchema: Sendable {
    /// The key.
    package var name: String
    /// The value's schema.
    package var type: SchemaType
    /// Whether the key must be present.
    package var isRequired: Bool
    /// One line for `--help`-style listings and messages.
    package var summary: String
    /// The values allowed, when the project lists them (`choices:`); empty for any value of the type.
    package var choices: [ConfigNode] = []
    /// A regular expression a string value must match as a whole (`pattern:`).
    package var pattern: String?
    /// The value a config gets when it leaves the key out (`default:`), filled in when the key's section exists.
    package var defaultValue: ConfigNode?
    /// Where the project declared the field; nil for sota's own keys.
    package var declaredAt: SourceLocation?

    /// Creates a field.
    package init(_ name: String, _ type: SchemaType, required: Bool = false, _ summary: String) {
        self.name = name
        self.type = type
        self.isRequired = required
        self.summary = summary
    }

    /// Whether the field is one of the project's rather than sota's own.
    package var isProjectField: Bool { declaredAt != nil }
}

/// sota's built-in schema for training and evaluation configs.
package enum ConfigSchema {
    /// Placeholders a command may contain, replaced per child when sota runs it.
    package static let placeholders: [String: String] = [
        "config": "the resolved config of this step, as JSON",
        "train_config": "the resolved training config, as JSON",
        "stage": "the stage name",
        "epochs": "the stage's epochs",
        "run_dir": "the run directory",
        "checkpoint_dir": "the folder holding training outputs",
        "checkpoint": "the final checkpoint file",
        "metrics": "the metrics JSON file the evaluation writes",
        "seed": "the config's seed",
    ]

    static let stage = MappingSchema([
        FieldSchema("name", .string(nonEmpty: true), required: true, "stage name, passed as {stage}"),
        FieldSchema("outputs", .list(.string(nonEmpty: true), minCount: 1), required: true,
                    "files the stage must leave (non-empty) in the checkpoint folder"),
        FieldSchema("epochs", .integer(min: 1, max: nil), "epochs for this stage (default: training.epochs)"),
        FieldSchema("estimate", .duration, "declared runtime, used by the cost estimate"),
        FieldSchema("timeout", .duration, "kill the stage after this long"),
    ])

    static let gate = MappingSchema([
        FieldSchema("metric", .string(nonEmpty: true), required: true, "metric key in the metrics JSON"),
        FieldSchema("direction", .choice(["lower", "higher"]), "which way is better (default: as `metrics:` in sota.yaml declares the metric)"),
        FieldSchema("threshold", .number(min: nil, exclusiveMin: false, max: nil), required: true, "absolute threshold"),
        FieldSchema("name", .string(nonEmpty: true), "a name for reports"),
        FieldSchema("min_improvement", .mapping(MappingSchema([
            FieldSchema("absolute", .number(min: 0, exclusiveMin: false, max: nil), "required gain over production"),
            FieldSchema("relative", .number(min: 0, exclusiveMin: false, max: 1), "required gain as a fraction"),
        ])), "required improvement over the current production run"),
    ])

    /// The keys sota itself reads: how to train, evaluate and gate, the data file and its checks, resources and cost
    /// inputs. Everything else in a config is the project's: declared in `sota.yaml` (`schema:`), or unchecked.
    /// `training` and `evaluation` are open until a project declares its schema.
    package static let root = MappingSchema([
        FieldSchema("experiment", .string(nonEmpty: true), "experiment name (default: NAME for DAY-NAME/config.yaml, else the file name)"),
        FieldSchema("description", .string(nonEmpty: false, freeText: true), "free text"),
        // At most 2^53, the largest integer every JSON reader (Python's and JavaScript's included) keeps exact; a
        // sweep adds its task index to it, which then cannot overflow.
        FieldSchema("seed", .integer(min: 0, max: 1 << 53), "random seed passed to every child"),
        FieldSchema("tags", .list(.string(nonEmpty: true), minCount: 0), "labels for the catalog"),
        FieldSchema("data", .mapping(MappingSchema([
            FieldSchema("path", .path(.file), required: true, "dataset file (.npz, .npy or other)"),
            FieldSchema("manifest", .path(.file), "sha256sum-style checksum manifest"),
            FieldSchema("samples", .integer(min: 1, max: nil), "training samples per epoch (cost model)"),
            FieldSchema("arrays", .dictionary(.mapping(MappingSchema([
                FieldSchema("dtype", .dtype, required: true, "element type"),
                FieldSchema("shape", .shape, required: true, "array shape; null for any size"),
            ]))), "arrays the dataset must hold"),
        ])), "the dataset"),
        FieldSchema("training", .mapping(MappingSchema([
            FieldSchema("command", .command, required: true, "the train program and its arguments"),
            FieldSchema("stages", .list(.mapping(stage), minCount: 1), required: true, "training stages, in order"),
            FieldSchema("checkpoint", .string(nonEmpty: true), required: true, "final checkpoint file, one of the stage outputs"),
            FieldSchema("epochs", .integer(min: 1, max: nil), "epochs per stage (cost model; default 1)"),
            FieldSchema("batch_size", .integer(min: 1, max: nil), "batch size"),
            FieldSchema("timeout", .duration, "default per-stage timeout"),
            FieldSchema("max_retries", .integer(min: 0, max: 10), "retries of a failed stage"),
            FieldSchema("step_metrics", .string(nonEmpty: true),
                        "JSON-lines file in the run directory where the program writes metrics per step (SOTA_STEP_METRICS_FILE)"),
        ], open: true)), "training"),
        FieldSchema("evaluation", .mapping(MappingSchema([
            FieldSchema("command", .command, required: true, "the evaluate program and its arguments"),
            FieldSchema("metrics", .string(nonEmpty: true), required: true, "metrics JSON file the program writes"),
            FieldSchema("estimate", .duration, "declared runtime, used by the cost estimate"),
            FieldSchema("timeout", .duration, "kill the evaluation after this long"),
        ], open: true)), "evaluation"),
        FieldSchema("gates", .list(.mapping(gate), minCount: 0), "metric thresholds a run must pass"),
        FieldSchema("resources", .mapping(MappingSchema([
            FieldSchema("gpu", .string(nonEmpty: true), "GPU type, a key of the price table"),
            FieldSchema("gpus", .integer(min: 1, max: 1024), "GPUs per run"),
            FieldSchema("platform", .choice(["cuda", "rocm", "cpu"]), "sets CUDA_VISIBLE_DEVICES or HIP_VISIBLE_DEVICES"),
            FieldSchema("throughput", .dictionary(.number(min: 0, exclusiveMin: true, max: nil)),
                        "training samples per second per GPU, by GPU type"),
        ])), "hardware"),
        FieldSchema("pipeline", .mapping(MappingSchema([
            FieldSchema("small_eval", .path(.file), "proxy-gate evaluation config"),
            FieldSchema("full_eval", .path(.file), "full evaluation config"),
        ])), "evaluation configs used by `sota run`"),
    ])

    /// The root schema with a project's extra top-level sections accepted as free-form: open at the top when the
    /// project declares no schema of its own, since then every key beyond sota's is the project's business.
    package static func root(extraSections: [String]) -> SchemaType {
        var schema = root
        schema.isOpen = true
        for name in extraSections where schema.field(name) == nil {
            schema.fields.append(projectSection(name))
        }
        return .mapping(schema)
    }

    /// A free-form top-level section the project names in `sections:`.
    static func projectSection(_ name: String) -> FieldSchema {
        var field = FieldSchema(name, .anyValue, "project section (sota.yaml `sections:`)")
        field.declaredAt = SourceLocation(file: Project.fileName)
        return field
    }
}
