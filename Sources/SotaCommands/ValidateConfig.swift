import ArgumentParser
import SotaSupport
import SotaConfig
import SotaOperations

/// `sota validate config FILE...`: every problem in every file, compiler-style.
struct ValidateConfig: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check configs: YAML, required keys, types, ranges, unknown keys, dimensions, references, project rules.",
        discussion: """
        Reports every problem at once as `file:line:col: error: message`, with hints such as "did you mean `training.epochs`?". Warnings do not fail the check unless --strict.

        Examples:
          sota validate config configs/*.yaml
          sota validate config golden.yaml --set training.epochs=40 \\
              --set training.batch_size=32
          sota validate config golden.yaml --print-config --format json
        """
    )

    @Argument(help: ArgumentHelp("Config files to check.", valueName: "file"), completion: CompletionCandidates.config)
    var files: [String]

    @OptionGroup var overrides: OverrideOptions
    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print the diagnostics (and each file's status) as JSON.")
    var json = false

    @Flag(help: "Treat warnings as errors.")
    var strict = false

    @Flag(help: "Print the resolved config (overrides applied) and its canonical hash.")
    var printConfig = false

    @Option(help: ArgumentHelp("Format for --print-config: yaml or json.", valueName: "format"))
    var format: ConfigFormat = .yaml

    enum ConfigFormat: String, ExpressibleByArgument, CaseIterable {
        case yaml, json
    }

    func run(in context: CommandContext) throws -> Int32 {
        let parsedOverrides = try OverrideParsing.parse(overrides.assignments)
        let (project, projectProblems) = context.project(explicit: global.project, near: files.first)
        var all = projectProblems
        var statuses: [JSONValue] = []
        var resolved: [RunConfig] = []
        var pricesOK: [String] = []
        if !projectProblems.hasErrors {
            let loader = ConfigLoader(project: project, searchPath: context.environment["PATH"])
            let pricesPath = project.resolve(project.pricesPath)
            for file in files {
                let display = context.display(context.absolute(file))
                if context.absolute(file) == pricesPath {
                    // The price table lives beside configs; check it by its own schema rather than as a run config.
                    var diagnostics = PriceTable.load(path: pricesPath, displayPath: display).1
                    if strict { diagnostics = diagnostics.map { $0.promotedToError() } }
                    all += diagnostics
                    statuses.append(.object([("path", .string(display)), ("valid", .bool(!diagnostics.hasErrors)), ("kind", .string("prices"))]))
                    if !diagnostics.hasErrors { pricesOK.append(display) }
                    continue
                }
                let outcome = loader.load(path: context.absolute(file), displayPath: display, overrides: parsedOverrides)
                var diagnostics = outcome.diagnostics.sortedByLocation()
                if strict { diagnostics = diagnostics.map { $0.promotedToError() } }
                all += diagnostics
                let valid = !diagnostics.hasErrors
                if valid, let config = outcome.config { resolved.append(config) }
                // Every entry has the same keys: an invalid config's kind (when it could be told) and hash are null.
                statuses.append(.object([("path", .string(display)), ("valid", .bool(valid)),
                                         ("kind", outcome.config.map { .string($0.kind.rawValue) } ?? .null),
                                         ("hash", valid ? outcome.config.map { .string($0.hash) } ?? .null : .null)]))
            }
        }
        if strict { all = all.map { $0.promotedToError() } }
        let failed = all.hasErrors
        if json {
            context.console.out(JSONOutput.document([
                ("valid", .bool(!failed)),
                ("configs", .array(statuses)),
                ("diagnostics", .array(all.map(\.jsonValue))),
            ]).rendered(pretty: true))
            return failed ? ExitStatus.checkFailed : ExitStatus.success
        }
        context.console.report(all)
        if printConfig {
            for config in resolved {
                switch format {
                case .yaml:
                    context.console.out("# \(config.displayPath) (\(config.kind.rawValue) config, sha256 \(config.hash))")
                    context.console.out(YAMLEmitter.emit(config.tree), terminator: "")
                case .json:
                    context.console.out(config.resolvedJSON, terminator: "")
                }
            }
        } else {
            let style = context.console.outStyle
            for status in resolved {
                context.console.out("\(style.green("ok")) \(status.displayPath) (\(status.kind.rawValue) config, sha256 \(status.hash.prefix(12)))")
            }
            let errors = all.filter { $0.severity == .error }.count, warnings = all.filter { $0.severity == .warning }.count
            for display in pricesOK { context.console.out("\(style.green("ok")) \(display) (price table)") }
            let valid = resolved.count + pricesOK.count
            let invalid = files.count - valid
            var summary = "\(files.count) config\(files.count == 1 ? "" : "s") checked: \(valid) valid"
            if invalid > 0 { summary += ", \(invalid) invalid" }
            if errors + warnings > 0 { summary += " (\(DiagnosticRenderer.summary(errors: errors, warnings: warnings)))" }
            if failed { context.console.err(summary) } else { context.console.out(summary) }
        }
        return failed ? ExitStatus.checkFailed : ExitStatus.success
    }
}

/// Turns `--set` flags into overrides, failing as a usage error on the first malformed one.
enum OverrideParsing {
    static func parse(_ assignments: [String]) throws -> [ConfigOverride] {
        do {
            return try RunOverrides.parse(assignments)
        } catch {
            throw ValidationError(error.description)
        }
    }
}
