import SotaSupport

/// A validated training or evaluation config, typed, with every value's origin kept for reports.
public struct RunConfig: Sendable {
    /// Whether the config trains a model or evaluates one.
    public enum Kind: String, Sendable {
        case training, evaluation
    }

    /// Training or evaluation.
    public var kind: Kind
    /// The config file as the user named it.
    public var displayPath: String
    /// The config file's absolute path.
    public var path: String
    /// The experiment name (the `experiment` key, else the file name without extension).
    public var experiment: String
    /// The seed passed to children.
    public var seed: Int?
    /// The dataset, when declared.
    public var data: DataSpec?
    /// Training details (training configs).
    public var training: TrainingSpec?
    /// Evaluation details (evaluation configs).
    public var evaluation: EvaluationSpec?
    /// Metric gates.
    public var gates: [GateSpec]
    /// Hardware.
    public var resources: ResourceSpec
    /// Evaluation configs referenced by a training config.
    public var smallEvalConfig: Located<String>?
    /// The full evaluation config referenced by a training config.
    public var fullEvalConfig: Located<String>?
    /// The resolved tree (overrides applied, numbers normalized).
    public var tree: ConfigNode
    /// The overrides applied.
    public var overrides: [ConfigOverride]
    /// SHA-256 of the canonical form; unchanged by key order, comments or formatting.
    public var hash: String

    /// The resolved config as pretty JSON, as children receive it.
    public var resolvedJSON: String { CanonicalForm.jsonValue(tree, sorted: false).rendered(pretty: true) + "\n" }
}

/// A value with the position it was read from.
public struct Located<Value: Sendable>: Sendable {
    /// The value.
    public var value: Value
    /// Where it was written.
    public var location: SourceLocation

    /// Pairs a value with its location.
    public init(_ value: Value, _ location: SourceLocation) {
        self.value = value
        self.location = location
    }
}

/// The dataset a config names.
public struct DataSpec: Sendable {
    /// Dataset file, relative to the project root.
    public var path: Located<String>
    /// Checksum manifest, relative to the project root.
    public var manifest: Located<String>?
    /// Training samples per epoch.
    public var samples: Located<Int>?
    /// Arrays the dataset must hold.
    public var arrays: [ArraySpec]

    /// Creates a dataset description.
    public init(path: Located<String>, manifest: Located<String>?, samples: Located<Int>?, arrays: [ArraySpec]) {
        self.path = path
        self.manifest = manifest
        self.samples = samples
        self.arrays = arrays
    }
}

/// One array a dataset must hold.
public struct ArraySpec: Sendable {
    /// The array's name (the NPZ member without `.npy`).
    public var name: String
    /// Its element type.
    public var dtype: NumpyDType
    /// Its shape; nil entries match any size.
    public var shape: [Int?]
    /// Where the expectation is written.
    public var location: SourceLocation

    /// Creates an array expectation.
    public init(name: String, dtype: NumpyDType, shape: [Int?], location: SourceLocation) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.location = location
    }

    /// The shape as `[24, 41, *]`.
    public var shapeDescription: String {
        "[" + shape.map { $0.map(String.init) ?? "*" }.joined(separator: ", ") + "]"
    }
}

/// The training section.
public struct TrainingSpec: Sendable {
    /// The train program's command template.
    public var command: Located<[String]>
    /// Stages in order.
    public var stages: [StageSpec]
    /// The final checkpoint file name.
    public var checkpoint: String
    /// Default epochs per stage.
    public var epochs: Int
    /// Learning rate.
    public var learningRate: Double
    /// Batch size.
    public var batchSize: Int?
    /// Default per-stage timeout.
    public var timeout: DurationValue?
    /// Retries of a failed stage.
    public var maxRetries: Int
}

/// One training stage.
public struct StageSpec: Sendable {
    /// The stage name.
    public var name: String
    /// Files it must leave, non-empty.
    public var outputs: [String]
    /// Epochs for this stage, and where that number came from.
    public var epochs: Located<Int>
    /// Declared runtime.
    public var estimate: Located<DurationValue>?
    /// Timeout.
    public var timeout: DurationValue?
    /// Where the stage is written.
    public var location: SourceLocation
}

/// The evaluation section.
public struct EvaluationSpec: Sendable {
    /// The evaluate program's command template.
    public var command: Located<[String]>
    /// Metrics JSON file name.
    public var metrics: String
    /// Declared runtime.
    public var estimate: Located<DurationValue>?
    /// Timeout.
    public var timeout: DurationValue?
}

/// A threshold a metric must meet.
public struct GateSpec: Sendable {
    /// The gate's name (defaults to the metric).
    public var name: String
    /// The metric key in the metrics JSON.
    public var metric: String
    /// Which way is better.
    public var direction: MetricDirection
    /// The absolute threshold.
    public var threshold: Double
    /// Required absolute gain over production.
    public var minImprovementAbsolute: Double?
    /// Required relative gain over production.
    public var minImprovementRelative: Double?
    /// Where the gate is written.
    public var location: SourceLocation

    /// Creates a gate.
    public init(name: String, metric: String, direction: MetricDirection, threshold: Double, minImprovementAbsolute: Double?,
                minImprovementRelative: Double?, location: SourceLocation) {
        self.name = name
        self.metric = metric
        self.direction = direction
        self.threshold = threshold
        self.minImprovementAbsolute = minImprovementAbsolute
        self.minImprovementRelative = minImprovementRelative
        self.location = location
    }

    /// `nrmse < 0.25` style summary.
    public var summary: String {
        "\(metric) \(direction == .lower ? "<" : ">") \(JSONValue.shortNumber(threshold))"
    }
}

/// Hardware a run asks for.
public struct ResourceSpec: Sendable {
    /// Which accelerator stack a host runs.
    public enum Platform: String, Sendable {
        case cuda, rocm, cpu

        /// The variable that selects devices for children.
        public var visibleDevicesVariable: String? {
            switch self {
            case .cuda: "CUDA_VISIBLE_DEVICES"
            case .rocm: "HIP_VISIBLE_DEVICES"
            case .cpu: nil
            }
        }
    }

    /// GPU type, a key of the price table.
    public var gpu: Located<String>?
    /// GPUs per run.
    public var gpus: Located<Int>?
    /// cuda, rocm or cpu.
    public var platform: Platform
    /// Samples per second per GPU, by type.
    public var throughput: [String: Located<Double>]
}
