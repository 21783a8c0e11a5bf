import SotaSupport
import SotaConfig

/// A training config with its two evaluation configs, loaded and kind-checked together, as `dry-run` and `run` need them.
struct PipelineConfigs {
    /// The training config.
    var training: RunConfig
    /// The proxy-gate evaluation config.
    var smallEval: RunConfig?
    /// The full evaluation config.
    var fullEval: RunConfig?

    /// Loads `trainPath` with `overrides`, then the evaluation configs: the given paths, else the training
    /// config's `pipeline:` entries. Every problem is appended to `diagnostics`; nil when there are errors.
    static func load(trainPath: String, overrides: [ConfigOverride], smallEvalPath: String?, fullEvalPath: String?,
                     project: Project, context: CommandContext, diagnostics: inout [Diagnostic]) -> PipelineConfigs? {
        let loader = ConfigLoader(project: project, searchPath: context.environment["PATH"])
        let training = loader.load(path: trainPath, displayPath: context.display(trainPath), overrides: overrides)
        diagnostics += training.diagnostics
        guard let config = training.config else { return nil }
        guard config.kind == .training else {
            diagnostics.append(.error(at: SourceLocation(file: config.displayPath), "is an evaluation config; a training config is needed here",
                                      hint: "name evaluation configs with --small-eval-config / --full-eval-config or in `pipeline:`"))
            return nil
        }
        func evaluation(_ path: String?) -> RunConfig? {
            guard let path else { return nil }
            let outcome = loader.load(path: path, displayPath: context.display(path))
            diagnostics += outcome.diagnostics
            if let loaded = outcome.config, loaded.kind != .evaluation {
                diagnostics.append(.error(at: SourceLocation(file: loaded.displayPath), "is a training config; an evaluation config was expected"))
                return nil
            }
            return outcome.config
        }
        let smallPath = smallEvalPath ?? config.smallEvalConfig.map { project.resolve($0.value) }
        let fullPath = fullEvalPath ?? config.fullEvalConfig.map { project.resolve($0.value) }
        let small = evaluation(smallPath)
        // One file serving both evaluations is read, and its problems reported, once.
        let full = fullPath == smallPath ? small : evaluation(fullPath)
        return diagnostics.hasErrors ? nil : PipelineConfigs(training: config, smallEval: small, fullEval: full)
    }
}
