import ArgumentParser
import FoundationEssentials
import SotaSupport
import SotaWorkspace
import SotaOperations

/// `sota catalog`: every run config (production, active, archived) with status, key parameters and best metric.
struct CatalogCommand: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "Catalog every training config: production, active and archived experiments.",
        discussion: """
        One row per config, sorted by location (production, active, archived) then path: status, creation, last activity, runs, best metric and run (with the `--set` overrides or sweep values it ran with, so the row never pairs its values with a result they did not produce), promotions, key hyperparameters, config hash and git commit. The hyperparameter columns come from `catalog: {columns: [...]}` in sota.yaml (default: training.epochs, training.batch_size, resources.gpu). CSV is RFC 4180 (CRLF line ends).

        Examples:
          sota catalog > docs/config_catalog.csv
          sota catalog --format json
          sota catalog --output docs/config_catalog.csv

        Exit status: 0 success, 1 some config or experiment could not be read (it is listed with status `invalid`), 64 usage error.
        """
    )

    /// Output formats.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case csv, json
    }

    @Option(help: ArgumentHelp("csv or json.", valueName: "format"))
    var format: Format = .csv

    @Option(help: ArgumentHelp("Write to this file (atomically) instead of standard output.", valueName: "file"), completion: .file())
    var output: String?

    @OptionGroup var global: GlobalOptions

    func run(in context: CommandContext) throws -> Int32 {
        guard let request = WorkspaceCommandSupport.request(global, context, now: Date(), catalog: true),
              let catalog = WorkspaceCommandSupport.inspect(request, context)?.catalog else { return ExitStatus.checkFailed }
        for problem in catalog.problems { context.console.warning(problem) }
        let text = format == .csv ? catalog.csv() : catalog.json()
        guard let output else {
            context.console.out(text, terminator: "")
            return catalog.problems.isEmpty ? ExitStatus.success : ExitStatus.checkFailed
        }
        guard Standalone.writeOutput(text, to: output, context) else { return ExitStatus.checkFailed }
        context.console.err("wrote \(catalog.rows.count) row\(catalog.rows.count == 1 ? "" : "s") to \(output)")
        return catalog.problems.isEmpty ? ExitStatus.success : ExitStatus.checkFailed
    }
}
