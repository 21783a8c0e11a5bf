import SotaSupport

/// A project schema inferred from a team's existing configs, for `sota init`: types and required keys from what the
/// configs share, sections open where they differ.
package struct SchemaInference: Sendable {
    /// One inferred field.
    package struct Field: Sendable, Equatable {
        /// The key path.
        package var path: String
        /// A type name of ``ProjectSchema/typeNames``.
        package var type: String
        /// Every config of its kind holds it.
        package var required: Bool
        /// The item type of a list of scalars of one type.
        package var items: String?
        /// An open section: the configs hold different keys in it.
        package var open: Bool
    }

    /// The fields, in first-seen order.
    package var fields: [Field]
    /// Whether the configs differ in their top-level sections.
    package var openRoot: Bool
    /// Metrics the configs gate on, with the gates' direction.
    package var gatedMetrics: [(name: String, direction: String)]

    /// Tracker settings are the tracker's: never closed.
    static let trackerSections: Set<String> = ["wandb", "mlflow", "neptune", "comet", "clearml", "tensorboard"]

    /// Infers from config trees (mapping roots).
    package init(configs: [ConfigNode]) {
        let evaluation = configs.filter(\.isEvaluationConfig)
        let training = configs.filter { !$0.isEvaluationConfig }
        var order: [String] = []
        var types: [String: [String]] = [:]
        var items: [String: Set<String>] = [:]
        var counts: [String: Int] = [:]
        // How many configs of each kind hold a path: a key is required where every config of its kind holds it.
        var trainingCounts: [String: Int] = [:], evaluationCounts: [String: Int] = [:]
        var inEvaluation = false
        var childSets: [String: Set<Set<String>>] = [:]
        var rootSets: Set<Set<String>> = []
        var gates: [(name: String, direction: String)] = []

        func walk(_ node: ConfigNode, _ path: String) {
            if let entries = node.entries {
                if !path.isEmpty, !entries.isEmpty || Self.sotaOwns(path) == false {
                    childSets[path, default: []].insert(Set(entries.map(\.key)))
                }
                if path.isEmpty, !node.isEvaluationConfig {
                    rootSets.insert(Set(entries.map(\.key)).subtracting(ConfigSchema.root.fields.map(\.name)))
                }
                for entry in entries {
                    let child = path.isEmpty ? entry.key : path + "." + entry.key
                    if Self.sotaOwns(child) == true { continue }
                    note(entry.value, child)
                    if entry.value.entries != nil, !Self.trackerSections.contains(child) { walk(entry.value, child) }
                }
                return
            }
        }
        func note(_ node: ConfigNode, _ path: String) {
            if counts[path] == nil { order.append(path) }
            counts[path, default: 0] += 1
            if inEvaluation { evaluationCounts[path, default: 0] += 1 } else { trainingCounts[path, default: 0] += 1 }
            types[path, default: []].append(Self.typeName(node))
            if let list = node.items {
                items[path, default: []].formUnion(list.map(Self.typeName))
            }
        }
        for config in configs {
            inEvaluation = config.isEvaluationConfig
            walk(config, "")
            for gate in config["gates"]?.items ?? [] {
                if let name = gate["metric"]?.stringValue, !gates.contains(where: { $0.name == name }) {
                    gates.append((name, gate["direction"]?.stringValue ?? "lower"))
                }
            }
        }
        var declared: [Field] = []
        for path in order {
            // Nothing is declared inside a key that is not a mapping in every config that holds it.
            if declared.contains(where: { path.hasPrefix($0.path + ".") && $0.type != "mapping" }) { continue }
            var seen = Set(types[path] ?? [])
            // `scheduler: null` in one config and a mapping in another is an optional mapping.
            if seen.count > 1 { seen.remove("any") }
            var type = seen.count == 1 ? seen.first ?? "any" : (seen == ["integer", "number"] ? "number" : "any")
            if Self.trackerSections.contains(path) { type = "mapping" }
            let (held, kindCount) = path.hasPrefix("evaluation.")
                ? (evaluationCounts[path] ?? 0, evaluation.count) : (trainingCounts[path] ?? 0, training.count)
            let itemTypes = items[path] ?? []
            let itemType = itemTypes.count == 1 ? itemTypes.first.flatMap { ["list", "mapping", "any"].contains($0) ? nil : $0 } : nil
            // sota's own sections are never required of the project: which one a config holds is what kind it is.
            let required = kindCount > 0 && held == kindCount && type != "any" && path != "training" && path != "evaluation"
            declared.append(Field(
                path: path, type: type, required: required, items: type == "list" ? itemType : nil,
                open: type == "mapping" && (Self.trackerSections.contains(path) || (childSets[path]?.count ?? 0) > 1)
            ))
        }
        fields = declared
        openRoot = rootSets.count > 1
        gatedMetrics = gates
    }

    /// Whether sota's own schema owns `path` (true), declares it as a section the project may add to (false), or does
    /// not know it (nil).
    static func sotaOwns(_ path: String) -> Bool? {
        var mapping = ConfigSchema.root
        let keys = path.split(separator: ".").map(String.init)
        for (index, key) in keys.enumerated() {
            guard let field = mapping.field(key) else { return nil }
            guard case .mapping(let child) = field.type else { return true }
            if index == keys.count - 1 { return false }
            mapping = child
        }
        return false
    }

    static func typeName(_ node: ConfigNode) -> String {
        switch node.value {
        case .null: "any"
        case .bool: "boolean"
        case .int: "integer"
        case .double: "number"
        case .string(let text): text.contains("\n") ? "text" : "string"
        case .sequence: "list"
        case .mapping: "mapping"
        }
    }

    /// The `schema:` section for `sota.yaml`, indented under it.
    package func schemaYAML() -> String {
        var out = "schema:\n"
        out += "  open: \(openRoot)" + (openRoot ? "                 # the configs differ in their top-level sections\n" : "\n")
        out += fields.isEmpty ? "  fields: {}\n" : "  fields:\n"
        for field in fields {
            var parts = ["type: \(field.type)"]
            if let items = field.items { parts.append("items: \(items)") }
            if field.required { parts.append("required: true") }
            if field.open { parts.append("open: true") }
            out += "    \(YAMLEmitter.scalarText(field.path)): {\(parts.joined(separator: ", "))}\n"
        }
        return out
    }
}
