import SotaSupport
import SotaConfig
import SotaOperations

extension PipelineConfigs {
    /// Loads a pipeline's configs with paths shown relative to the command's working directory (see
    /// ``PipelineConfigs/load(trainPath:overrides:smallEvalPath:fullEvalPath:project:searchPath:display:diagnostics:)``).
    static func load(trainPath: String, overrides: [ConfigOverride], smallEvalPath: String?, fullEvalPath: String?,
                     project: Project, context: CommandContext, diagnostics: inout [Diagnostic]) -> PipelineConfigs? {
        load(trainPath: trainPath, overrides: overrides, smallEvalPath: smallEvalPath, fullEvalPath: fullEvalPath, project: project,
             searchPath: context.environment["PATH"], display: context.display, diagnostics: &diagnostics)
    }
}
