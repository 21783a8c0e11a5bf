import ArgumentParser
import SotaConfig
import SotaSupport

/// `sota schema`: the keys a config of this project may hold, sota's and the project's, as a listing or as JSON
/// Schema for editors.
struct SchemaCommand: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "List the config keys this project accepts, or export them as JSON Schema for editors.",
        discussion: """
        sota's own keys (how to train, evaluate and gate, the data file, resources) come first; the project's come from `schema:` in sota.yaml.

        Editors validate and complete configs while you type once they know the schema. Export it, then name it in the first line of each config (the YAML extension for VS Code and other yaml-language-server clients read it):
          sota schema --json-schema --output .vscode/sota.schema.json
          # yaml-language-server: $schema=../.vscode/sota.schema.json

        Examples:
          sota schema
          sota schema --json-schema > config.schema.json
        """
    )

    @Flag(help: "Print the schema as JSON Schema (draft-07) instead of a listing.")
    var jsonSchema = false

    @Option(help: ArgumentHelp("Write the JSON Schema to this file instead of standard output.", valueName: "file"), completion: .file())
    var output: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if output != nil, !jsonSchema { throw ValidationError("--output writes the JSON Schema; add --json-schema") }
    }

    func run(in context: CommandContext) throws -> Int32 {
        let (project, problems) = context.project(explicit: global.project)
        if problems.hasErrors { return Standalone.report(problems, context) }
        context.console.report(problems)
        if jsonSchema {
            let text = JSONSchemaExport.document(for: project).rendered(pretty: true) + "\n"
            guard let output else {
                context.console.out(text, terminator: "")
                return ExitStatus.success
            }
            guard Standalone.writeOutput(text, to: output, context) else { return ExitStatus.checkFailed }
            context.console.err("wrote \(output)")
            return ExitStatus.success
        }
        let rows = JSONSchemaExport.listing(for: project)
        let pathWidth = min(40, rows.map(\.path.count).max() ?? 0), typeWidth = min(28, rows.map(\.type.count).max() ?? 0)
        func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(1, width - text.count + 2)) }
        for row in rows {
            context.console.out(pad(row.path, pathWidth) + pad(row.type, typeWidth) + pad(row.required ? "required" : "", 8)
                                + pad(row.owner, 7) + row.summary)
        }
        if project.declaredSchema == nil {
            context.console.err("note: this project declares no schema of its own, so any other key is accepted; declare yours under `schema:` in sota.yaml (`sota init` infers one)")
        }
        if !project.metrics.isEmpty {
            context.console.out("")
            for metric in project.metrics {
                context.console.out(pad("metric " + metric.name, pathWidth) + pad("\(metric.direction.rawValue) is better", typeWidth)
                                    + pad(metric.name == project.primaryMetricName ? "primary" : "", 8) + pad("project", 7) + metric.description)
            }
        }
        return ExitStatus.success
    }
}
