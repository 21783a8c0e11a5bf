import SotaSupport
import SotaConfig

/// What a run will cost, stage by stage, with the source of every number shown.
package struct CostEstimate: Sendable {
    /// Where the GPU type came from.
    package enum GPUSource: Sendable {
        case config(SourceLocation)
        case flag
    }

    /// Where the price came from.
    package enum PriceSource: Sendable {
        case table(SourceLocation)
        case flag
    }

    /// How one stage's runtime was obtained.
    package enum RuntimeSource: Sendable {
        /// Declared in the config (`estimate: 25m`).
        case declared(SourceLocation)
        /// The stage's work (epochs × samples, or the project's `cost.work` factors) ÷ (units per second per GPU × GPUs).
        case throughput(factors: [WorkModel.Factor], unit: String, rate: Located<Double>, gpus: Int)
        /// The median of this stage's durations in past runs that had this GPU (by the hardware they reported, not
        /// the GPU their configs declared), from the leaderboard, each scaled to this run's size when sizes are known.
        case calibrated(runs: Int, gpu: String?, basis: CalibrationBasis)
        /// Not estimable, with the reason and how to fix it.
        case unknown(String)
    }

    /// Which past runs a calibrated estimate rests on.
    package enum CalibrationBasis: Sendable, Equatable {
        /// Runs within a factor of two of this run's size (epochs × samples), scaled to it.
        case similarSize
        /// Runs of other sizes, scaled to this one (fewer than three were of similar size).
        case scaled
        /// Runs whose size is not recorded (older manifests) or steps without a size: durations as measured.
        case unscaled
    }

    /// One stage's line.
    package struct Line: Sendable {
        /// The stage name.
        package var stage: String
        /// Estimated runtime, when known.
        package var duration: DurationValue?
        /// Estimated cost, when both runtime and price are known.
        package var cost: Double?
        /// How the runtime was obtained.
        package var source: RuntimeSource
    }

    /// The GPU type, when known.
    package var gpu: String?
    /// Where the GPU type came from.
    package var gpuSource: GPUSource?
    /// GPUs per run.
    package var gpus: Int
    /// Whether `gpus` was written in the config (else 1 is assumed and said so).
    package var gpusDeclared: Bool
    /// Price per GPU-hour, when known.
    package var pricePerGPUHour: Double?
    /// Where the price came from.
    package var priceSource: PriceSource?
    /// Why there is no price, when there is none.
    package var priceProblem: String?
    /// Currency code.
    package var currency: String
    /// Stage lines in run order.
    package var lines: [Line]

    /// Total runtime of the stages that could be estimated.
    package var totalDuration: DurationValue {
        DurationValue(seconds: lines.compactMap(\.duration?.seconds).reduce(0, +))
    }

    /// Total cost of the stages that could be priced.
    package var totalCost: Double? {
        pricePerGPUHour == nil ? nil : lines.compactMap(\.cost).reduce(0, +)
    }

    /// True when every stage has a runtime and a price.
    package var isComplete: Bool { pricePerGPUHour != nil && lines.allSatisfy { $0.duration != nil } }
}

/// Computes cost estimates. Pure: prices and configs come in as values.
package enum CostEstimator {
    /// Overrides from the command line.
    package struct Overrides: Sendable {
        /// `--gpu NAME`.
        package var gpu: String?
        /// `--price X` per GPU-hour.
        package var price: Double?

        /// Creates overrides.
        package init(gpu: String? = nil, price: Double? = nil) {
            self.gpu = gpu
            self.price = price
        }
    }

    /// Past runs needed before measured durations replace the declared or modelled ones.
    package static let calibrationMinimum = 3

    /// One past run of a stage: how long it took, and its size when recorded.
    package struct PastStage: Sendable, Equatable {
        /// Wall seconds.
        package var seconds: Double
        /// epochs × samples, when the manifest recorded it.
        package var work: Double?

        /// Creates a record.
        package init(seconds: Double, work: Double?) {
            self.seconds = seconds
            self.work = work
        }
    }

    /// The calibrated duration of a step of size `work` from `past` runs: the median of runs within a factor of
    /// two in size, scaled linearly to `work`; else of all sized runs, scaled; else of unsized runs as measured. Nil
    /// with fewer than ``calibrationMinimum`` runs in the chosen group.
    package static func calibrated(_ past: [PastStage], work: Double?) -> (seconds: Double, runs: Int, basis: CostEstimate.CalibrationBasis)? {
        if let work, work > 0 {
            let sized = past.filter { ($0.work ?? 0) > 0 }
            let similar = sized.filter { $0.work! <= 2 * work && $0.work! >= work / 2 }
            for (group, basis) in [(similar, CostEstimate.CalibrationBasis.similarSize), (sized, .scaled)] where group.count >= calibrationMinimum {
                return (median(group.map { $0.seconds * work / $0.work! }), group.count, basis)
            }
        }
        let unsized = work == nil ? past : past.filter { $0.work == nil }
        guard unsized.count >= calibrationMinimum else { return nil }
        return (median(unsized.map(\.seconds)), unsized.count, .unscaled)
    }

    /// The estimate for a plan's steps under `prices`; `history` gives a stage's past runs that had a GPU (asked only
    /// when the GPU is known: an estimate is never calibrated from runs on unknown or other hardware).
    ///
    /// GPU names match in prices, throughputs and history however they are spelled (``GPUName``): a Vast offer's
    /// `RTX 4090` finds the config's `RTX-4090`.
    package static func estimate(plan: RunPlan, prices: PriceTable?, overrides: Overrides = Overrides(),
                                history: (_ stage: String, _ gpu: String) -> [PastStage] = { _, _ in [] }) -> CostEstimate {
        let training = plan.training
        let resources = training.resources
        let gpu = overrides.gpu ?? resources.gpu?.value
        let gpuSource: CostEstimate.GPUSource? = overrides.gpu != nil ? .flag : resources.gpu.map { .config($0.location) }
        let gpus = resources.gpus?.value ?? 1
        var price: Double?, priceSource: CostEstimate.PriceSource?, priceProblem: String?
        if let flagPrice = overrides.price {
            price = flagPrice
            priceSource = .flag
        } else if let gpu, let entries = prices?.entries, let entry = GPUName(gpu).entry(in: entries)?.value {
            price = entry.price
            priceSource = .table(entry.location)
        } else if let gpu {
            let known = prices?.entries.keys.sorted() ?? []
            let suggestion = Suggestions.closest(to: gpu, in: known).map { " (did you mean \($0)?)" } ?? ""
            priceProblem = prices.map { "`\(gpu)` is not in \($0.displayPath)\(suggestion); add it or pass --price" }
                ?? "no price table (the project's `prices:` file); create it or pass --price"
        } else {
            priceProblem = "no GPU type: set `resources.gpu` or pass --gpu"
        }
        var lines: [CostEstimate.Line] = []
        for step in plan.steps {
            let modelled: CostEstimate.RuntimeSource
            switch step.phase {
            case .train:
                let stage = training.training!.stages.first { $0.name == step.name }!
                modelled = trainingRuntime(stage, training: training, workModel: plan.workModel, gpu: gpu, gpus: gpus)
            case .smallEval, .fullEval:
                let config = step.phase == .smallEval ? plan.smallEval : plan.fullEval
                if let estimate = config?.evaluation?.estimate {
                    modelled = .declared(estimate.location)
                } else {
                    modelled = .unknown("declare `evaluation.estimate` in \(config?.displayPath ?? "the evaluation config")")
                }
            }
            var source = modelled
            var duration = seconds(for: step, source: source, training: training, plan: plan).map(DurationValue.init(seconds:))
            if let gpu, let (seconds, runs, basis) = calibrated(history(step.name, gpu), work: step.work) {
                source = .calibrated(runs: runs, gpu: gpu, basis: basis)
                duration = DurationValue(seconds: seconds)
            }
            let cost = duration.flatMap { duration in price.map { duration.seconds / 3600 * $0 * Double(gpus) } }
            lines.append(CostEstimate.Line(stage: step.name, duration: duration, cost: cost, source: source))
        }
        return CostEstimate(
            gpu: gpu, gpuSource: gpuSource, gpus: gpus, gpusDeclared: resources.gpus != nil,
            pricePerGPUHour: price, priceSource: priceSource, priceProblem: priceProblem,
            currency: prices?.currency ?? "USD", lines: lines
        )
    }

    private static func trainingRuntime(_ stage: StageSpec, training: RunConfig, workModel: (keys: [Located<String>]?, unit: String),
                                        gpu: String?, gpus: Int) -> CostEstimate.RuntimeSource {
        if let estimate = stage.estimate { return .declared(estimate.location) }
        let factors: [WorkModel.Factor]
        switch WorkModel.factors(of: stage, in: training, keys: workModel.keys) {
        case .success(let found): factors = found
        case .failure(let problem): return .unknown(problem.message)
        }
        guard let gpu else { return .unknown("no GPU type to look up throughput: set `resources.gpu` or pass --gpu") }
        guard let rate = GPUName(gpu).entry(in: training.resources.throughput)?.value else {
            return .unknown("no `resources.throughput.\(gpu)`: declare \(workModel.unit) per second for this GPU, or a stage `estimate`")
        }
        return .throughput(factors: factors, unit: workModel.unit, rate: rate, gpus: gpus)
    }

    private static func seconds(for step: PlannedStep, source: CostEstimate.RuntimeSource, training: RunConfig, plan: RunPlan) -> Double? {
        switch source {
        case .declared:
            switch step.phase {
            case .train: return training.training?.stages.first { $0.name == step.name }?.estimate?.value.seconds
            case .smallEval: return plan.smallEval?.evaluation?.estimate?.value.seconds
            case .fullEval: return plan.fullEval?.evaluation?.estimate?.value.seconds
            }
        case .throughput(let factors, _, let rate, let gpus):
            return WorkModel.work(factors).map { $0 / (rate.value * Double(gpus)) }
        case .unknown, .calibrated:
            return nil
        }
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
