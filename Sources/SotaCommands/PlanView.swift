import FoundationEssentials
import SotaSupport
import SotaConfig
import SotaGit
import SotaLaunch
import SotaPlan

/// Renders a plan and its estimate for people (text) and programs (JSON).
struct PlanView {
    let plan: RunPlan
    let estimate: CostEstimate
    let checks: [PlanChecks.Result]
    let git: GitProvenance
    let project: Project
    let context: CommandContext

    private var style: TextStyle { context.console.outStyle }

    /// Paths inside the project shown relative to its root, so commands read as they will run there.
    private func local(_ text: String) -> String {
        let prefix = project.root.hasSuffix("/") ? project.root : project.root + "/"
        return text.replacing(prefix, with: "")
    }

    func text() -> String {
        var lines: [String] = []
        let training = plan.training
        lines.append(style.bold("Plan for \(training.displayPath)") + " (experiment \(training.experiment), config \(training.hash.prefix(12)))")
        lines.append("  project  \(project.root)" + (project.file == nil ? " (no sota.yaml; defaults)" : ""))
        lines.append("  git      \(git.summary)")
        lines.append("  run dir  \(plan.runDirectory)/  (the id is assigned when the run starts)")
        if !training.overrides.isEmpty {
            lines.append("  set      " + training.overrides.map { "\($0.keyPath)=\($0.valueText)" }.joined(separator: " "))
        }
        lines.append("")
        var dataLine = "config, programs, output folders"
        if let data = training.data {
            dataLine = "config, data \(data.path.value)" + (data.manifest.map { " against \($0.value)" } ?? "") + ", programs, output folders"
        }
        lines.append(style.bold("Stage 1  validate") + "     " + dataLine)
        let trainSteps = plan.steps.filter { $0.phase == .train }
        lines.append(style.bold("Stage 2  train") + "        \(trainSteps.count) stage\(trainSteps.count == 1 ? "" : "s"), one child each")
        for (index, step) in trainSteps.enumerated() {
            lines += stepLines(step, label: "2.\(index + 1) \(step.name)")
        }
        for (number, phase, title) in [(3, PlannedStep.Phase.smallEval, "small eval"), (4, .fullEval, "full eval")] {
            let config = phase == .smallEval ? plan.smallEval : plan.fullEval
            guard let step = plan.steps.first(where: { $0.phase == phase }), let config else {
                lines.append(style.bold("Stage \(number)  \(title)") + "   " + style.dim("none (no evaluation config)"))
                continue
            }
            let gates = step.gates.isEmpty ? "no gates" : "gate " + step.gates.map(\.summary).joined(separator: ", ")
            let role = phase == .smallEval ? "proxy gate: failing stops the run here" : gates
            lines.append(style.bold("Stage \(number)  \(title)") + "   \(config.displayPath); \(phase == .smallEval ? gates + "; " + role : role)")
            lines += stepLines(step, label: nil)
        }
        let finalGates = plan.steps.last { $0.phase == .fullEval }?.gates ?? []
        lines.append(style.bold("Stage 5  gate") + "         " + (finalGates.isEmpty ? "no gates declared" : finalGates.map(\.summary).joined(separator: ", "))
                     + "; then the leaderboard is updated")
        lines.append("")
        lines.append(style.bold("Environment") + " (on top of the inherited one)")
        for variable in plan.sharedEnvironment { lines.append("  \(variable.name)=\(ShellWord.printable(local(variable.value)))") }
        lines.append("  plus per child: SOTA_STAGE, SOTA_CONFIG, and SOTA_EPOCHS (training) or SOTA_METRICS (evaluation)")
        lines.append("  and, unless already set: WANDB_RUN_GROUP (the run id), WANDB_JOB_TYPE (the stage), MLFLOW_EXPERIMENT_NAME")
        if !checks.isEmpty {
            lines.append("")
            lines.append(style.bold("Checks"))
            for check in checks {
                let mark = check.diagnostic == nil ? style.green("ok  ") : check.passed ? style.yellow("warn") : style.red("FAIL")
                lines.append("  \(mark) \(check.subject): \(check.detail)")
            }
        }
        lines.append("")
        lines.append(estimateText())
        return lines.joined(separator: "\n")
    }

    private func stepLines(_ step: PlannedStep, label: String?) -> [String] {
        var lines: [String] = []
        if let label {
            lines.append("  " + style.bold(label) + (step.timeout.map { "  timeout \($0)" } ?? ""))
        } else if let timeout = step.timeout {
            lines.append("  timeout \(timeout)")
        }
        lines.append("      $ " + step.arguments.map { ShellWord.printable(local($0)) }.joined(separator: " "))
        lines.append("      env SOTA_STAGE=\(step.name)  log \(Paths.join(plan.runDirectory, step.logFile))")
        lines.append("      outputs " + step.outputs.map { Paths.join(plan.runDirectory, $0) }.joined(separator: ", "))
        return lines
    }

    func estimateText() -> String {
        var lines: [String] = []
        let gpuText: String
        if let gpu = estimate.gpu {
            let from: String
            switch estimate.gpuSource {
            case .config(let location)?: from = "resources.gpu at \(location)"
            case .flag?: from = "--gpu"
            case nil: from = "?"
            }
            gpuText = "\(gpu) × \(estimate.gpus)\(estimate.gpusDeclared ? "" : " (resources.gpus not set: 1 assumed)") [\(from)]"
        } else {
            gpuText = "no GPU type"
        }
        lines.append(style.bold("Estimate") + "  " + gpuText)
        if let price = estimate.pricePerGPUHour {
            let from: String
            switch estimate.priceSource {
            case .table(let location)?: from = location.description
            case .flag?: from = "--price"
            case nil: from = "?"
            }
            lines.append("  price    \(money(price)) per GPU-hour [\(from)]")
        } else {
            lines.append("  price    unknown: \(estimate.priceProblem ?? "no price")")
        }
        let width = max(5, estimate.lines.map(\.stage.count).max() ?? 0)
        lines.append("  " + "stage".rightPadded(width) + "  " + "time".leftPadded(7) + "  " + "cost".leftPadded(9) + "  from")
        for line in estimate.lines {
            let time = line.duration.map(\.description) ?? "?"
            let cost = line.cost.map(money) ?? "?"
            lines.append("  " + line.stage.rightPadded(width) + "  " + time.leftPadded(7) + "  " + cost.leftPadded(9) + "  " + source(line.source))
        }
        let total = estimate.totalCost.map(money) ?? "?"
        lines.append("  " + style.bold("total".rightPadded(width)) + "  " + estimate.totalDuration.description.leftPadded(7)
                     + "  " + total.leftPadded(9) + (estimate.isComplete ? "" : "  (incomplete: see the `?` lines)"))
        return lines.joined(separator: "\n")
    }

    private func source(_ source: CostEstimate.RuntimeSource) -> String {
        switch source {
        case .declared(let location): "declared estimate at \(location)"
        case .throughput(let factors, let unit, let rate, let gpus):
            factors.map { "\(JSONValue.shortNumber($0.value)) \($0.name) [\($0.location)]" }.joined(separator: " × ")
                + " ÷ \(JSONValue.shortNumber(rate.value)) \(unit)/s/GPU [\(rate.location)]"
                + (gpus > 1 ? " ÷ \(gpus) GPUs" : "")
        case .calibrated(let runs, let gpu, let basis):
            "median of \(runs) past runs\(gpu.map { " on \($0)" } ?? "")"
                + (basis == .similarSize ? " of similar size, scaled to this one" : basis == .scaled ? " of other sizes, scaled to this one" : "")
                + " (leaderboard)"
        case .unknown(let reason): "unknown: \(reason)"
        }
    }

    private func money(_ amount: Double) -> String {
        let symbol = estimate.currency == "USD" ? "$" : estimate.currency + " "
        return symbol + NumberFormat.fixed(amount, decimals: 2)
    }

    func json(diagnostics: [Diagnostic], estimateOnly: Bool) -> JSONValue {
        var fields: [(String, JSONValue)] = [("valid", .bool(!diagnostics.hasErrors))]
        if !estimateOnly {
            fields += [
                ("config", .string(plan.training.displayPath)),
                ("config_hash", .string(plan.training.hash)),
                ("experiment", .string(plan.training.experiment)),
                ("project_root", .string(project.root)),
                ("run_dir", .string(plan.runDirectory)),
                ("git", .object([
                    ("commit", git.commit.map(JSONValue.string) ?? .null),
                    ("branch", git.branch.map(JSONValue.string) ?? .null),
                    ("dirty_files", .array(git.dirtyFiles.map(JSONValue.string))),
                ])),
                ("environment", .object(plan.sharedEnvironment.map { ($0.name, .string($0.value)) })),
                ("steps", .array(plan.steps.map { step in
                    .object([
                        ("phase", .string(step.phase.rawValue)),
                        ("name", .string(step.name)),
                        ("argv", .array(step.arguments.map(JSONValue.string))),
                        ("environment", .object(step.environment.map { ($0.name, .string($0.value)) })),
                        ("outputs", .array(step.outputs.map(JSONValue.string))),
                        ("log", .string(step.logFile)),
                        ("timeout_seconds", step.timeout.map { .double($0.seconds) } ?? .null),
                        ("gates", .array(step.gates.map { gate in
                            .object([("name", .string(gate.name)), ("metric", .string(gate.metric)),
                                     ("direction", .string(gate.direction.rawValue)), ("threshold", .double(gate.threshold))])
                        })),
                    ])
                })),
                ("checks", .array(checks.map { .object([("subject", .string($0.subject)), ("detail", .string($0.detail)), ("passed", .bool($0.passed))]) })),
            ]
        }
        fields.append(("estimate", .object([
            ("gpu", estimate.gpu.map(JSONValue.string) ?? .null),
            ("gpus", .int(estimate.gpus)),
            ("price_per_gpu_hour", estimate.pricePerGPUHour.map(JSONValue.double) ?? .null),
            ("currency", .string(estimate.currency)),
            ("stages", .array(estimate.lines.map { line in
                .object([
                    ("stage", .string(line.stage)),
                    ("seconds", line.duration.map { .double($0.seconds) } ?? .null),
                    ("cost", line.cost.map(JSONValue.double) ?? .null),
                    ("source", .string(source(line.source))),
                ])
            })),
            ("total_seconds", .double(estimate.totalDuration.seconds)),
            ("total_cost", estimate.totalCost.map(JSONValue.double) ?? .null),
            ("complete", .bool(estimate.isComplete)),
        ])))
        fields.append(("diagnostics", .array(diagnostics.map(\.jsonValue))))
        return .object(fields)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
