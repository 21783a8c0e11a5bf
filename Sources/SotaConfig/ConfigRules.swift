import SotaSupport

/// sota's built-in cross-field rules: the checks a schema alone cannot express.
enum ConfigRules {
    /// Characters allowed in stage names and output file names, which become file names.
    static let safeNameCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")

    static func check(_ root: ConfigNode, file: String) -> [Diagnostic] {
        var out = ExperimentNameRule.check(root)
        if let training = root["training"] {
            out += checkStages(training)
        }
        if let evaluation = root["evaluation"], let metrics = evaluation["metrics"] {
            out += checkFileName(metrics, path: "evaluation.metrics")
        }
        if root["seed"] == nil, root["training"] != nil {
            out.append(.warning(at: SourceLocation(file: file, line: 1, column: 1), keyPath: "seed",
                                "no `seed`: runs of this config cannot be reproduced", hint: "add `seed: 0` (any integer)"))
        }
        if let data = root["data"], data["arrays"] != nil, data["manifest"] == nil {
            out.append(.warning(at: data.location, keyPath: "data.manifest",
                                "no `data.manifest`: dataset checksums are not verified",
                                hint: "create one with `sota validate data CONFIG --write-manifest`"))
        }
        var gateNames: [String: SourceLocation] = [:]
        for (index, gate) in (root["gates"]?.items ?? []).enumerated() {
            let name = gate["name"]?.stringValue ?? gate["metric"]?.stringValue ?? ""
            if let first = gateNames[name] {
                out.append(.error(at: gate.location, keyPath: "gates[\(index)]",
                                  "gate `\(name)` is declared twice (first at \(first))", hint: "give one a distinct `name`"))
            }
            gateNames[name] = gate.location
        }
        return out
    }

    private static func checkStages(_ training: ConfigNode) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var seen: [String: SourceLocation] = [:]
        var outputs: [String: String] = [:]
        for (index, stage) in (training["stages"]?.items ?? []).enumerated() {
            guard let nameNode = stage["name"], let name = nameNode.stringValue else { continue }
            let path = "training.stages[\(index)].name"
            if !name.allSatisfy({ safeNameCharacters.contains($0) }) || name.hasPrefix(".") {
                out.append(.error(at: nameNode.location, keyPath: path,
                                  "stage name `\(name)` may use only letters, digits, `_`, `-` and `.`",
                                  hint: "stage names become file names in the run directory"))
            }
            if let first = seen[name] {
                out.append(.error(at: nameNode.location, keyPath: path, "stage `\(name)` is declared twice (first at \(first))"))
            }
            seen[name] = nameNode.location
            for (outputIndex, output) in (stage["outputs"]?.items ?? []).enumerated() {
                out += checkFileName(output, path: "training.stages[\(index)].outputs[\(outputIndex)]")
                if let file = output.stringValue {
                    if let other = outputs[file], other != name {
                        out.append(.error(at: output.location, keyPath: "training.stages[\(index)].outputs",
                                          "output `\(file)` is also declared by stage `\(other)`"))
                    }
                    outputs[file] = name
                }
            }
        }
        if let history = training["step_metrics"] { out += checkFileName(history, path: "training.step_metrics") }
        if let checkpoint = training["checkpoint"], let file = checkpoint.stringValue {
            out += checkFileName(checkpoint, path: "training.checkpoint")
            if !outputs.isEmpty, outputs[file] == nil {
                out.append(.error(at: checkpoint.location, keyPath: "training.checkpoint",
                                  "`training.checkpoint` (\(file)) is not an output of any stage",
                                  hint: "add it to the last stage's `outputs` so sota can check it exists"))
            }
        }
        return out
    }

    /// A file name inside the run directory: relative, no `..`, no control characters.
    static func checkFileName(_ node: ConfigNode, path: String) -> [Diagnostic] {
        guard let name = node.stringValue else { return [] }
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        if name.hasPrefix("/") || parts.contains("..") || parts.contains("") || name.unicodeScalars.contains(where: { $0.value < 0x20 }) {
            return [.error(at: node.location, keyPath: path,
                           "`\(path)` must be a relative file name inside the run directory, found `\(name)`")]
        }
        return []
    }
}
