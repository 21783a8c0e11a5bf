import ArgumentParser
import SotaSupport
import SotaConfig
import SotaGit
import SotaIndex
import SotaPlan
import SotaOperations
import SotaRunRecord

/// `sota dry-run CONFIG`: the whole plan and its cost, with nothing run.
struct DryRun: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "dry-run",
        abstract: "Show what a run would do and cost, without running anything.",
        discussion: """
        Validates the training config and its evaluation configs, checks that programs exist and output folders are writable, then prints every step with its exact command and environment, the gates, the outputs, and a cost estimate per stage. Every number in the estimate names where it came from: a declared `estimate`, or the stage's work (epochs × samples, or the project's `cost.work` in sota.yaml) ÷ throughput, and the price table.

        Examples:
          sota dry-run configs/train_burgers_golden.yaml
          sota dry-run configs/train_burgers_golden.yaml --estimate-only
          sota dry-run configs/train_burgers_golden.yaml --gpu H100-80GB
          sota dry-run configs/train_burgers_golden.yaml --price 2.10 --json
        """
    )

    @Argument(help: ArgumentHelp("The training config.", valueName: "file"), completion: CompletionCandidates.config)
    var file: String

    @Option(help: ArgumentHelp("Proxy-gate evaluation config (default: the config's pipeline.small_eval).", valueName: "file"), completion: CompletionCandidates.config)
    var smallEvalConfig: String?

    @Option(help: ArgumentHelp("Full evaluation config (default: the config's pipeline.full_eval).", valueName: "file"), completion: CompletionCandidates.config)
    var fullEvalConfig: String?

    @OptionGroup var overrides: OverrideOptions
    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print only the cost estimate.")
    var estimateOnly = false

    @Option(help: ArgumentHelp("Price the run on this GPU type instead of resources.gpu.", valueName: "name"))
    var gpu: String?

    @Option(help: ArgumentHelp("Price per GPU-hour instead of the price table's.", valueName: "amount"))
    var price: Double?

    @Flag(help: "Print the plan as JSON.")
    var json = false

    func validate() throws {
        if let price, !(price.isFinite && price >= 0) {
            throw ValidationError("--price must be a non-negative number, found \(price)")
        }
    }

    func run(in context: CommandContext) throws -> Int32 {
        let parsedOverrides = try OverrideParsing.parse(overrides.assignments)
        let (project, projectProblems) = context.project(explicit: global.project, near: file)
        var diagnostics = projectProblems
        func fail() -> Int32 {
            // With --json, standard output still gets a document: no plan, only why.
            if json { context.console.out(JSONOutput.document([("valid", .bool(false)), ("diagnostics", .array(diagnostics.map(\.jsonValue)))]).rendered(pretty: true)) }
            context.console.report(diagnostics)
            context.console.err("dry-run stopped: \(DiagnosticRenderer.summary(errors: diagnostics.filter { $0.severity == .error }.count, warnings: diagnostics.filter { $0.severity == .warning }.count))")
            return ExitStatus.checkFailed
        }
        if diagnostics.hasErrors { return fail() }
        guard let configs = PipelineConfigs.load(
            trainPath: context.absolute(file), overrides: parsedOverrides, smallEvalPath: smallEvalConfig.map(context.absolute),
            fullEvalPath: fullEvalConfig.map(context.absolute), project: project, context: context, diagnostics: &diagnostics
        ) else { return fail() }
        let (trainConfig, small, full) = (configs.training, configs.smallEval, configs.fullEval)

        let plan = RunPlanner.plan(training: trainConfig, smallEval: small, fullEval: full, project: project, runID: RunID.make().text)
        let pricesPath = project.resolve(project.pricesPath)
        var prices: PriceTable?
        // No price table is not an error: the estimate then says the price is unknown and how to give one.
        if Paths.kind(of: pricesPath) != .missing {
            let loaded = PriceTable.load(path: pricesPath, displayPath: context.display(pricesPath))
            prices = loaded.0
            if price == nil { diagnostics += loaded.1 }
        }
        let estimate = CostEstimator.estimate(plan: plan, prices: prices, overrides: .init(gpu: gpu, price: price),
                                              history: Self.pastRuns(project: project, context: context))
        let checks = estimateOnly ? [] : PlanChecks(searchPath: context.environment["PATH"]).run(plan, project: project)
        diagnostics += checks.compactMap(\.diagnostic)
        let git = GitReader().provenance(at: project.root)
        let failed = diagnostics.hasErrors

        let view = PlanView(plan: plan, estimate: estimate, checks: checks, git: git, project: project, context: context)
        if json {
            context.console.out(JSONOutput.document(view.json(diagnostics: diagnostics, estimateOnly: estimateOnly), wrappingAs: "plan").rendered(pretty: true))
        } else {
            context.console.report(diagnostics)
            context.console.out(estimateOnly ? view.estimateText() : view.text())
            if failed { context.console.err("dry-run found problems; fix them before running") }
        }
        return failed ? ExitStatus.checkFailed : ExitStatus.success
    }

    /// A stage's past runs on a GPU from the leaderboard, for calibrating estimates (none when there is no
    /// leaderboard: an estimate never creates one).
    static func pastRuns(project: Project, context: CommandContext) -> (_ stage: String, _ gpu: String) -> [CostEstimator.PastStage] {
        let boardPath = LeaderboardIndex.path(project: project, environment: context.environment)
        let board = Paths.kind(of: boardPath) == .file ? try? Leaderboard(path: boardPath) : nil
        return { stage, gpu in (try? board?.stageDurations(stage: stage, onHardware: gpu)) ?? [] }
    }
}
