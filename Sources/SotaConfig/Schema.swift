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

    /// The schema of the value under `key` when this is a mapping or dictionary.
    package func child(_ key: String) -> SchemaType? {
        switch self {
        case .mapping(let schema): schema.field(key)?.type
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

    /// Creates a mapping schema.
    package init(_ fields: [FieldSchema]) {
        self.fields = fields
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

    /// Creates a field.
    package init(_ name: String, _ type: SchemaType, required: Bool = false, _ summary: String) {
        self.name = name
        self.type = type
        self.isRequired = required
        self.summary = summary
    }
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
        FieldSchema("direction", .choice(["lower", "higher"]), required: true, "which way is better"),
        FieldSchema("threshold", .number(min: nil, exclusiveMin: false, max: nil), required: true, "absolute threshold"),
        FieldSchema("name", .string(nonEmpty: true), "a name for reports"),
        FieldSchema("min_improvement", .mapping(MappingSchema([
            FieldSchema("absolute", .number(min: 0, exclusiveMin: false, max: nil), "required gain over production"),
            FieldSchema("relative", .number(min: 0, exclusiveMin: false, max: 1), "required gain as a fraction"),
        ])), "required improvement over the current production run"),
    ])

    /// The top-level sections sota knows.
    package static let root = MappingSchema([
        FieldSchema("experiment", .string(nonEmpty: true), "experiment name (default: the file name)"),
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
        FieldSchema("latent", .mapping(MappingSchema([
            FieldSchema("dim", .integer(min: 1, max: nil), required: true, "latent dimension"),
        ])), "latent space"),
        FieldSchema("operator", .mapping(MappingSchema([
            FieldSchema("type", .string(nonEmpty: true), "operator family"),
            FieldSchema("pdet", .mapping(MappingSchema([
                FieldSchema("input_dim", .integer(min: 1, max: nil), required: true, "must equal latent.dim"),
                FieldSchema("hidden_dim", .integer(min: 1, max: nil), "hidden width"),
                FieldSchema("num_layers", .integer(min: 1, max: nil), "depth"),
                FieldSchema("ridge", .number(min: 0, exclusiveMin: false, max: nil), "least-squares regularisation"),
                FieldSchema("dropout", .number(min: 0, exclusiveMin: false, max: 1), "dropout rate"),
            ])), "the latent operator"),
        ])), "operator"),
        FieldSchema("training", .mapping(MappingSchema([
            FieldSchema("command", .command, required: true, "the train program and its arguments"),
            FieldSchema("stages", .list(.mapping(stage), minCount: 1), required: true, "training stages, in order"),
            FieldSchema("checkpoint", .string(nonEmpty: true), required: true, "final checkpoint file, one of the stage outputs"),
            FieldSchema("epochs", .integer(min: 1, max: nil), required: true, "epochs per stage"),
            FieldSchema("learning_rate", .number(min: 0, exclusiveMin: true, max: nil), required: true, "learning rate"),
            FieldSchema("batch_size", .integer(min: 1, max: nil), "batch size"),
            FieldSchema("timeout", .duration, "default per-stage timeout"),
            FieldSchema("max_retries", .integer(min: 0, max: 10), "retries of a failed stage"),
        ])), "training"),
        FieldSchema("evaluation", .mapping(MappingSchema([
            FieldSchema("command", .command, required: true, "the evaluate program and its arguments"),
            FieldSchema("metrics", .string(nonEmpty: true), required: true, "metrics JSON file the program writes"),
            FieldSchema("split", .string(nonEmpty: true), "dataset split to evaluate"),
            FieldSchema("trajectories", .integer(min: 1, max: nil), "trajectories to evaluate"),
            FieldSchema("horizon", .integer(min: 1, max: nil), "rollout steps"),
            FieldSchema("estimate", .duration, "declared runtime, used by the cost estimate"),
            FieldSchema("timeout", .duration, "kill the evaluation after this long"),
        ])), "evaluation"),
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

    /// The root schema with a project's extra top-level sections accepted as free-form.
    package static func root(extraSections: [String]) -> SchemaType {
        var schema = root
        for name in extraSections where schema.field(name) == nil {
            schema.fields.append(FieldSchema(name, .anyValue, "project section"))
        }
        return .mapping(schema)
    }
}
