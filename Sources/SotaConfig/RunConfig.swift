import SotaSupport

/// A validated training or evaluation config, typed, with every value's origin kept for reports.
package struct RunConfig: Sendable {
    /// Whether the config trains a model or evaluates one.
    package enum Kind: String, Sendable {
        case training, evaluation
    }

    /// Training or evaluation.
    package var kind: Kind
    /// The config file as the user named it.
    package var displayPath: String
    /// The config file's absolute path.
    package var path: String
    /// The experiment name (the `experiment` key, else the file name without extension).
    package var experiment: String
    /// The seed passed to children.
    package var seed: Int?
    /// The dataset, when declared.
    package var data: DataSpec?
    /// Training details (training configs).
    package var training: TrainingSpec?
    /// Evaluation details (evaluation configs).
    package var evaluation: EvaluationSpec?
    /// Metric gates.
    package var gates: [GateSpec]
    /// Hardware.
    package var resources: ResourceSpec
    /// Evaluation configs referenced by a training config.
    package var smallEvalConfig: Located<String>?
    /// The full evaluation config referenced by a training config.
    package var fullEvalConfig: Located<String>?
    /// The resolved tree (overrides applied, numbers normalized).
    package var tree: ConfigNode
    /// The overrides applied.
    package var overrides: [ConfigOverride]
    /// SHA-256 of the canonical form; unchanged by key order, comments or formatting.
    package var hash: String

    /// The resolved config as pretty JSON, as children receive it.
    package var resolvedJSON: String { CanonicalForm.jsonValue(tree, sorted: false).rendered(pretty: true) + "\n" }
}

/// A value with the position it was read from.
package struct Located<Value: Sendable>: Sendable {
    /// The value.
    package var value: Value
    /// Where it was written.
    package var location: SourceLocation

    /// Pairs a value with its location.
    package init(_ value: Value, _ location: SourceLocation) {
        self.value = value
        self.location = location
    }
}

/// The dataset a config names.
package struct DataSpec: Sendable {
    /// Dataset file, relative to the project root.
    package var path: Located<String>
    /// Checksum manifest, relative to the project root.
    package var manifest: Located<String>?
    /// Training samples per epoch.
    package var samples: Located<Int>?
    /// Arrays the dataset must hold.
    package var arrays: [ArraySpec]

    /// Creates a dataset description.
    package init(path: Located<String>, manifest: Located<String>?, samples: Located<Int>?, arrays: [ArraySpec]) {
        self.path = path
        self.manifest = manifest
        self.samples = samples
        self.arrays = arrays
    }
}

/// One array a dataset must hold.
package struct ArraySpec: Sendable {
    /// The array's name (the NPZ member without `.npy`).
    package var name: String
    /// Its element type.
    package var dtype: NumpyDType
    /// Its shape; nil entries match any size.
    package var shape: [Int?]
    /// Where the expectation is written.
    package var location: SourceLocation

    /// Creates an array expectation.
    package init(name: String, dtype: NumpyDType, shape: [Int?], location: SourceLocation) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.location = location
    }

    /// The shape as `[24, 41, *]`.
    package var shapeDescription: String {
        "[" + shape.map { $0.map(String.init) ?? "*" }.joined(separator: ", ") + "]"
    }
}

/// The training section.
package struct TrainingSpec: Sendable {
    /// The train program's command template.
    package var command: Located<[String]>
    /// Stages in order.
    package var stages: [StageSpec]
    /// The final checkpoint file name.
    package var checkpoint: String
    /// Default epochs per stage.
    package var epochs: Int
    /// Batch size.
    package var batchSize: Int?
    /// Default per-stage timeout.
    package var timeout: DurationValue?
    /// Retries of a failed stage.
    package var maxRetries: Int
    /// The JSON-lines file, in the run directory, where the program writes metrics per step.
    package var stepMetrics: String? = nil
}

/// One training stage.
package struct StageSpec: Sendable {
    /// The stage name.
    package var name: String
    /// Files it must leave, non-empty.
    package var outputs: [String]
    /// Epochs for this stage, and where that number came from.
    package var epochs: Located<Int>
    /// Declared runtime.
    package var estimate: Located<DurationValue>?
    /// Timeout.
    package var timeout: DurationValue?
    /// Where the stage is written.
    package var location: SourceLocation
}

/// The evaluation section.
package struct EvaluationSpec: Sendable {
    /// The evaluate program's command template.
    package var command: Located<[String]>
    /// Metrics JSON file name.
    package var metrics: String
    /// Declared runtime.
    package var estimate: Located<DurationValue>?
    /// Timeout.
    package var timeout: DurationValue?
}

/// A threshold a metric must meet.
package struct GateSpec: Sendable {
    /// The gate's name (defaults to the metric).
    package var name: String
    /// The metric key in the metrics JSON.
    package var metric: String
    /// Which way is better.
    package var direction: MetricDirection
    /// The absolute threshold.
    package var threshold: Double
    /// Required absolute gain over production.
    package var minImprovementAbsolute: Double?
    /// Required relative gain over production.
    package var minImprovementRelative: Double?
    /// Where the gate is written.
    package var location: SourceLocation

    /// Creates a gate.
    package init(name: String, metric: String, direction: MetricDirection, threshold: Double, minImprovementAbsolute: Double?,
                minImprovementRelative: Double?, location: SourceLocation) {
        self.name = name
        self.metric = metric
        self.direction = direction
        self.threshold = threshold
        self.minImprovementAbsolute = minImprovementAbsolute
        self.minImprovementRelative = minImprovementRelative
        self.location = location
    }

    /// `loss < 0.25` style summary.
    package var summary: String {
        "\(metric) \(direction == .lower ? "<" : ">") \(JSONValue.shortNumber(threshold))"
    }
}

/// Hardware a run asks for.
package struct ResourceSpec: Sendable {
    /// Which accelerator stack a host runs.
    package enum Platform: String, Sendable {
        case cuda, rocm, cpu

        /// The variable that selects devices for children.
        package var visibleDevicesVariable: String? {
            switch self {
            case .cuda: "CUDA_VISIBLE_DEVICES"
            case .rocm: "HIP_VISIBLE_DEVICES"
            case .cpu: nil
            }
        }
    }

    /// GPU type, a key of the price table.
    package var gpu: Located<String>?
    /// GPUs per run.
    package var gpus: Located<Int>?
    /// cuda, rocm or cpu.
    package var platform: Platform
    /// Samples per second per GPU, by type.
    package var throughput: [String: Located<Double>]
}
