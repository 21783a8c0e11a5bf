import SotaSupport

extension ConfigSchema {
    /// sota's keys that say how to run rather than what is trained: never a run's hyperparameter. Its other keys
    /// (`seed`, `training.epochs`, `training.batch_size`, `resources.gpu`, ...) are, beside all of the project's.
    static let pipelineKeys: Set<String> = [
        "experiment", "description", "tags", "gates", "pipeline", "evaluation",
        "data.path", "data.manifest", "data.samples", "data.arrays",
        "training.command", "training.stages", "training.checkpoint", "training.timeout", "training.max_retries", "training.step_metrics",
        "resources.throughput", "resources.platform",
    ]
}

extension RunConfig {
    /// The run's hyperparameters: the resolved config's scalar leaves by key path (a list of scalars as one value),
    /// sota's pipeline keys left out; only `declared` ones when the project lists them (`parameters:` in sota.yaml).
    package func parameters(declared: [String]? = nil) -> [(key: String, value: ConfigNode)] {
        var out: [(key: String, value: ConfigNode)] = []
        func walk(_ node: ConfigNode, _ path: String) {
            if ConfigSchema.pipelineKeys.contains(path) { return }
            switch node.value {
            case .mapping(let entries):
                for entry in entries { walk(entry.value, path.isEmpty ? entry.key : path + "." + entry.key) }
            case .sequence(let items):
                if !path.isEmpty, items.allSatisfy({ $0.entries == nil && $0.items == nil }) { out.append((path, node)) }
            case .null:
                break
            default:
                if !path.isEmpty { out.append((path, node)) }
            }
        }
        walk(tree, "")
        if let declared {
            let wanted = Set(declared)
            out = out.filter { wanted.contains($0.key) }
        }
        return out
    }
}
