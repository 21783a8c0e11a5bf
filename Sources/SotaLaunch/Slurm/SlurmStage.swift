/// One Slurm job of a launched run: a pipeline phase, or the final gate decision.
package enum SlurmStage: String, Sendable, CaseIterable, Codable {
    /// Every training stage of the config, in order.
    case train
    /// The proxy-gate evaluation.
    case smallEval = "small_eval"
    /// The full evaluation.
    case fullEval = "full_eval"
    /// Gate decision and the final manifest (no child program; the leaderboard is updated by the submitting machine).
    case gate

    /// The READY marker a finished task of this stage leaves, relative to its run directory.
    package var readyMarker: String { "markers/\(rawValue).READY" }
}

extension SlurmStage {
    /// Whether the stage's job runs a program that may use a GPU: the gate only reads files and decides.
    package var usesGPU: Bool { self != .gate }
}
