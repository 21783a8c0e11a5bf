import SotaSupport
import SotaConfig

/// A training config with its two evaluation configs, loaded and kind-checked together, as a run, a dry run and a
/// launch need them.
package struct PipelineConfigs: Sendable {
    /// The training config.
    package var training: RunConfig
    /// The proxy-gate evaluation config.
    package var smallEval: RunConfig?
    /// The full evaluation config.
    package var fullEval: RunConfig?

    /// Creates a pipeline from configs already loaded and kind-checked.
    package init(training: RunConfig, smallEval: RunConfig?, fullEval: RunConfig?) {
        self.training = training
        self.smallEval = smallEval
        self.fullEval = fullEval
    }

    /// Loads `trainPath` with `overrides`, then the evaluation configs: the given paths, else the training
    /// config's `pipeline:` entries. Every problem is appended to `diagnostics`; nil when there are errors.
    ///
    /// - Parameters:
    ///   - searchPath: the `PATH` the configs' programs are looked up in.
    ///   - display: how a path is shown to the user (relative to the working directory).
    package static func load(trainPath: String, overrides: [ConfigOverride], smallEvalPath: String?, fullEvalPath: String?,
                             project: Project, searchPath: String?, display: (String) -> String,
                             diagnostics: inout [Diagnostic]) -> PipelineConfigs? {
        let loader = ConfigLoader(project: project, searchPath: searchPath)
        let training = loader.load(path: trainPath, displayPath: display(trainPath), overrides: overrides)
        diagnostics += training.diagnostics
        guard let config = training.config else { return nil }
        guard config.kind == .training else {
            diagnostics.append(.error(at: SourceLocation(file: config.displayPath), "is an evaluation config; a training config is needed here",
                                      hint: "name evaluation configs with --small-eval-config / --full-eval-config or in `pipeline:`"))
            return nil
        }
        func evaluation(_ path: String?) -> RunConfig? {
            guard let path else { return nil }
            let outcome = loader.load(path: path, displayPath: display(path))
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
