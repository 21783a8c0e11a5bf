import ArgumentParser
import Foundation
import SotaSupport
import SotaRunRecord
import SotaConfig
import SotaPlan
import SotaOperations

/// `sota compare RUN RUN`: what differs between two runs' configs, and how their metrics moved.
struct CompareCommand: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Show two runs' config differences and metric deltas.",
        discussion: """
        Reads the run directories (not the index), so it works for any two runs on disk. Run ids may be unique prefixes.

        Example:
          sota compare 20261123-1415 20261123-1522
        """
    )

    @Argument(help: ArgumentHelp("The first run (the baseline).", valueName: "run"))
    var first: String

    @Argument(help: ArgumentHelp("The second run.", valueName: "run"))
    var second: String

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func run(in context: CommandContext) throws -> Int32 {
        let (project, problems) = context.project(explicit: global.project)
        if problems.hasErrors { return Standalone.report(problems, context) }
        let found: (first: (id: String, manifest: RunManifest), second: (id: String, manifest: RunManifest))
        do {
            found = (try RunLookup.find(first, project: project), try RunLookup.find(second, project: project))
        } catch {
            context.console.error("\(error)")
            return ExitStatus.checkFailed
        }
        let (idA, a) = found.first, (idB, b) = found.second
        let runs = project.resolve(project.runsDirectory)
        let configA = Self.flatten(path: Paths.join(runs, "\(idA)/config.json"))
        let configB = Self.flatten(path: Paths.join(runs, "\(idB)/config.json"))
        let keys = Set(configA.keys).union(configB.keys).sorted()
        let differences = keys.filter { configA[$0] != configB[$0] }.map { ($0, configA[$0] ?? "—", configB[$0] ?? "—") }
        var metricRows: [(String, String, Double?, Double?)] = []
        for phase in Set(a.metrics.keys).union(b.metrics.keys).sorted() {
            for name in Set(a.metrics[phase]?.keys.map { $0 } ?? []).union(b.metrics[phase]?.keys.map { $0 } ?? []).sorted() {
                metricRows.append((phase, name, a.metrics[phase]?[name], b.metrics[phase]?[name]))
            }
        }
        if json {
            context.console.out(JSONValue.object([
                ("runs", .array([.string(idA), .string(idB)])),
                ("config_differences", .array(differences.map { .object([("key", .string($0.0)), ("a", .string($0.1)), ("b", .string($0.2))]) })),
                ("metrics", .array(metricRows.map { row in
                    .object([("phase", .string(row.0)), ("metric", .string(row.1)),
                             ("a", row.2.map(JSONValue.double) ?? .null), ("b", row.3.map(JSONValue.double) ?? .null),
                             ("delta", row.2.flatMap { x in row.3.map { .double($0 - x) } } ?? .null)])
                })),
            ]).rendered(pretty: true))
            return ExitStatus.success
        }
        context.console.out("a = \(idA)  (\(a.experiment), \(a.status.rawValue), config \(a.config.hash.prefix(12)))")
        context.console.out("b = \(idB)  (\(b.experiment), \(b.status.rawValue), config \(b.config.hash.prefix(12)))")
        context.console.out("")
        if differences.isEmpty {
            context.console.out("configs: identical")
        } else {
            context.console.out(TextTable.render(header: ["config key", "a", "b"], rows: differences.map { [$0.0, $0.1, $0.2] }))
        }
        context.console.out("")
        if !metricRows.isEmpty {
            context.console.out(TextTable.render(header: ["phase", "metric", "a", "b", "delta", "change"], rows: metricRows.map { row in
                let delta = row.2.flatMap { x in row.3.map { $0 - x } }
                let relative = row.2.flatMap { x in x == 0 ? nil : delta.map { String(format: "%+.1f%%", $0 / abs(x) * 100) } }
                return [row.0, row.1, row.2.map { String(format: "%.4g", $0) } ?? "—", row.3.map { String(format: "%.4g", $0) } ?? "—",
                        delta.map { String(format: "%+.4g", $0) } ?? "—", relative ?? "—"]
            }))
        }
        return ExitStatus.success
    }

    /// A resolved config flattened to `key.path → value` text.
    static func flatten(path: String) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path), let object = try? JSONSerialization.jsonObject(with: data) else { return [:] }
        var result: [String: String] = [:]
        func walk(_ value: Any, _ prefix: String) {
            switch value {
            case let dictionary as [String: Any]:
                for (key, child) in dictionary { walk(child, prefix.isEmpty ? key : "\(prefix).\(key)") }
            case let array as [Any] where array.contains(where: { $0 is [String: Any] }):
                for (index, child) in array.enumerated() { walk(child, "\(prefix)[\(index)]") }
            default:
                let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys, .withoutEscapingSlashes])
                result[prefix] = data.map { String(decoding: $0, as: UTF8.self) } ?? "\(value)"
            }
        }
        walk(object, "")
        return result
    }
}
