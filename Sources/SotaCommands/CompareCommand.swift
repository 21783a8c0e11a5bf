import ArgumentParser
import FoundationEssentials
import SotaSupport
import SotaRunRecord
import SotaConfig
import SotaPlan
import SotaOperations

/// `sota compare RUN RUN [RUN...]`: what differs between runs' configs, and how their metrics and gates moved.
struct CompareCommand: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Show runs side by side: differing config values, metrics with their change from the first run, gates, step histories.",
        discussion: """
        Reads the run directories (not the index), so it works for any runs on disk. Run ids may be unique prefixes. The first run is the baseline every change is measured from.

        Examples:
          sota compare 20261123-1415 20261123-1522
          sota compare 20261123-1415 20261123-1522 20261123-1610 --json
        """
    )

    @Argument(help: ArgumentHelp("The runs, the baseline first (at least two).", valueName: "run"), completion: CompletionCandidates.runs)
    var runIDs: [String] = []

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard runIDs.count >= 2 else { throw ValidationError("name at least two runs to compare") }
    }

    func run(in context: CommandContext) throws -> Int32 {
        let (project, problems) = context.project(explicit: global.project)
        if problems.hasErrors { return Standalone.report(problems, context) }
        var found: [(id: String, manifest: RunManifest)] = []
        do {
            for id in runIDs { found.append(try RunLookup.find(id, project: project)) }
        } catch {
            context.console.error("\(error)")
            return ExitStatus.checkFailed
        }
        let runs = project.resolve(project.runsDirectory)
        let configs = found.map { Self.flatten(path: Paths.join(runs, "\($0.id)/config.json")) }
        let keys = Set(configs.flatMap(\.keys)).sorted()
        let differences = keys.compactMap { key -> (String, [String])? in
            let values = configs.map { $0[key] ?? "—" }
            return Set(values).count > 1 ? (key, values) : nil
        }
        var metricRows: [(phase: String, name: String, values: [Double?])] = []
        for phase in Set(found.flatMap(\.manifest.metrics.keys)).sorted() {
            for name in Set(found.flatMap { $0.manifest.metrics[phase]?.keys.map { $0 } ?? [] }).sorted() {
                metricRows.append((phase, name, found.map { $0.manifest.metrics[phase]?[name] }))
            }
        }
        let gateNames = found.flatMap { $0.manifest.gates.map(\.name) }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        func gate(_ name: String, _ manifest: RunManifest) -> RunManifest.GateRecord? { manifest.gates.first { $0.name == name } }
        let trails = found.map { RunTrails.fromManifest($0.manifest, directory: Paths.join(runs, $0.id), maximumPoints: 200) }
        let historyNames = Set(trails.flatMap { $0?.history.names ?? [] }).sorted()
        if json {
            let two = found.count == 2
            context.console.out(JSONOutput.document([
                ("runs", .array(found.map { .string($0.id) })),
                ("config_differences", .array(differences.map { key, values in
                    .object([("key", .string(key)), ("values", .array(values.map(JSONValue.string)))]
                            + (two ? [("a", .string(values[0])), ("b", .string(values[1]))] : []))
                })),
                ("metrics", .array(metricRows.map { row in
                    let deltas = row.values.map { value in row.values[0].flatMap { base in value.map { .double($0 - base) } } ?? JSONValue.null }
                    return .object([("phase", .string(row.phase)), ("metric", .string(row.name)),
                                     ("values", .array(row.values.map { $0.map(JSONValue.double) ?? .null })), ("deltas", .array(deltas))]
                                    + (two ? [("a", row.values[0].map(JSONValue.double) ?? .null), ("b", row.values[1].map(JSONValue.double) ?? .null),
                                              ("delta", deltas[1])] : []))
                })),
                ("gates", .array(gateNames.map { name in
                    .object([("name", .string(name)), ("passed", .array(found.map { run in gate(name, run.manifest).map { .bool($0.passed) } ?? .null }))])
                })),
                ("tracker_urls", .array(trails.map { $0?.trackerURL.map(JSONValue.string) ?? .null })),
                ("histories", .array(historyNames.map { name in
                    .object([("metric", .string(name)), ("runs", .array(trails.map { trail in
                        guard let points = trail?.history.series[name], let last = points.last else { return .null }
                        let values = points.map(\.value)
                        return .object([("last_step", .int(last.step)), ("last", .double(last.value)),
                                        ("min", .double(values.min() ?? last.value)), ("max", .double(values.max() ?? last.value))])
                    }))])
                })),
            ]).rendered(pretty: true))
            return ExitStatus.success
        }
        let labels = found.count == 2 ? ["a", "b"] : found.indices.map { String($0 + 1) }
        for (index, (label, run)) in zip(labels, found).enumerated() {
            context.console.out("\(label) = \(run.id)  (\(run.manifest.experiment), \(run.manifest.status.rawValue), config \(run.manifest.config.hash.prefix(12)))"
                                + (trails[index]?.trackerURL.map { "  \($0)" } ?? ""))
        }
        context.console.out("")
        if differences.isEmpty {
            context.console.out("configs: identical")
        } else {
            context.console.out(TextTable.render(header: ["config key"] + labels, rows: differences.map { [$0.0] + $0.1 }))
        }
        if !metricRows.isEmpty {
            context.console.out("")
            func number(_ value: Double?) -> String { value.map { NumberFormat.general($0, significant: 4) } ?? "—" }
            func change(_ value: Double?, from base: Double?) -> String? {
                guard let value, let base, base != 0 else { return nil }
                return NumberFormat.signed(NumberFormat.fixed((value - base) / abs(base) * 100, decimals: 1)) + "%"
            }
            if found.count == 2 {
                context.console.out(TextTable.render(header: ["phase", "metric", "a", "b", "delta", "change"], rows: metricRows.map { row in
                    let delta = row.values[0].flatMap { x in row.values[1].map { $0 - x } }
                    return [row.phase, row.name, number(row.values[0]), number(row.values[1]),
                            delta.map { NumberFormat.signed(NumberFormat.general($0, significant: 4)) } ?? "—", change(row.values[1], from: row.values[0]) ?? "—"]
                }))
            } else {
                context.console.out(TextTable.render(header: ["phase", "metric"] + labels, rows: metricRows.map { row in
                    [row.phase, row.name] + row.values.enumerated().map { index, value in
                        index == 0 ? number(value) : number(value) + (change(value, from: row.values[0]).map { " (\($0))" } ?? "")
                    }
                }))
            }
        }
        if !gateNames.isEmpty {
            context.console.out("")
            context.console.out(TextTable.render(header: ["gate"] + labels, rows: gateNames.map { name in
                [name] + found.map { run in gate(name, run.manifest).map { $0.passed ? "pass" : "fail" } ?? "—" }
            }))
        }
        if !historyNames.isEmpty {
            // Each run's curve scaled on its own, with where it ended: the shapes compare, the last values measure.
            context.console.out("")
            context.console.out(TextTable.render(header: ["history"] + labels, rows: historyNames.map { name in
                [name] + trails.map { trail in
                    guard let points = trail?.history.series[name], let last = points.last else { return "—" }
                    return "\(Sparkline.render(points.map(\.value), width: 12)) \(NumberFormat.general(last.value, significant: 4)) @\(last.step)"
                }
            }))
        }
        return ExitStatus.success
    }

    /// A resolved config flattened to `key.path → value` text.
    static func flatten(path: String) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path), let object = try? JSONDecoder().decode(JSONValue.self, from: data) else { return [:] }
        var result: [String: String] = [:]
        func walk(_ value: JSONValue, _ prefix: String) {
            switch value {
            case .object(let members):
                for (key, child) in members { walk(child, prefix.isEmpty ? key : "\(prefix).\(key)") }
            case .array(let elements) where elements.contains(where: { if case .object = $0 { true } else { false } }):
                for (index, child) in elements.enumerated() { walk(child, "\(prefix)[\(index)]") }
            default:
                result[prefix] = value.rendered(pretty: false)
            }
        }
        walk(object, "")
        return result
    }
}
