import SotaSupport

/// What counts as the work of a training stage, for the cost model: a product of config values. By default the
/// stage's epochs × `data.samples`; a project whose trainer counts steps declares its own (`cost: {work:
/// [training.max_steps, training.batch_size]}` in sota.yaml), and `resources.throughput` then counts those units
/// per second per GPU.
package enum WorkModel {
    /// The name that stands for the stage's own epochs in `cost.work`.
    package static let stageEpochs = "stage.epochs"

    /// One factor of a stage's work: what it is, its value, and where that value was written.
    package struct Factor: Sendable, Equatable {
        /// `epochs`, `samples`, or the config key path.
        package var name: String
        /// Its value.
        package var value: Double
        /// Where it was written.
        package var location: SourceLocation

        /// Creates a factor.
        package init(name: String, value: Double, location: SourceLocation) {
            self.name = name
            self.value = value
            self.location = location
        }
    }

    /// The factors of `stage`'s work in `training` under the project's `cost.work` `keys` (nil: epochs × samples), or
    /// why it cannot be known.
    package static func factors(of stage: StageSpec, in training: RunConfig, keys: [Located<String>]?) -> Result<[Factor], WorkProblem> {
        guard let declared = keys else {
            guard let samples = training.data?.samples else {
                return .failure(WorkProblem("declare `estimate` on the stage, or `data.samples` with `resources.throughput`"))
            }
            return .success([Factor(name: "epochs", value: Double(stage.epochs.value), location: stage.epochs.location),
                             Factor(name: "samples", value: Double(samples.value), location: samples.location)])
        }
        var factors: [Factor] = []
        for key in declared {
            if key.value == stageEpochs {
                factors.append(Factor(name: "epochs", value: Double(stage.epochs.value), location: stage.epochs.location))
                continue
            }
            guard let node = training.tree.node(at: key.value) else {
                return .failure(WorkProblem("the config has no `\(key.value)`, a factor of the work in `cost.work` [\(key.location)]; set it, or declare a stage `estimate`"))
            }
            guard let value = node.numberValue, value.isFinite, value > 0 else {
                return .failure(WorkProblem("`\(key.value)` [\(node.location)] must be a positive number to count as work (`cost.work`)"))
            }
            factors.append(Factor(name: key.value, value: value, location: node.location))
        }
        return .success(factors)
    }

    /// The product of `factors`; nil when it is not a finite positive number (a hostile config's huge values).
    package static func work(_ factors: [Factor]) -> Double? {
        let product = factors.reduce(1.0) { $0 * $1.value }
        return product.isFinite && product > 0 ? product : nil
    }
}

/// Why a stage's work cannot be known.
package struct WorkProblem: Error, Sendable, Equatable {
    /// What is missing and how to fix it.
    package var message: String

    /// Creates a problem.
    package init(_ message: String) { self.message = message }
}
