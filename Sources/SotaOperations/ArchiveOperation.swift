import FoundationEssentials
import SotaSupport
import SotaConfig
import SotaWorkspace

/// `sota archive`: which active experiments the selection picks, and (unless only listing or dry-running) moving
/// them to `experiments-archive/`.
package struct ArchiveOperation: Sendable {
    /// What to do with the picked experiments.
    package enum Mode: Sendable {
        /// List every active experiment and whether it would be archived.
        case listOnly
        /// Say which moves would be made.
        case dryRun
        /// Make the moves.
        case apply
    }

    /// What to archive.
    package struct Request: Sendable {
        /// The workspace to inspect (project, index, time).
        package var inspection: WorkspaceInspection.Request
        /// The states whose experiments are archived.
        package var states: Set<LifecycleState>
        /// What to do.
        package var mode: Mode

        /// Creates a request.
        package init(inspection: WorkspaceInspection.Request, states: Set<LifecycleState>, mode: Mode) {
            self.inspection = inspection
            self.states = states
            self.mode = mode
        }
    }

    /// What was found and done.
    package struct Result: Sendable {
        /// The inspection the choice was made from (its warnings and problems are the caller's to print).
        package var inspection: WorkspaceInspection.Result
        /// Every active experiment, in survey order.
        package var active: [ExperimentSummary]
        /// The folders (as displayed) of the experiments picked.
        package var chosen: Set<String>
        /// The moves made, or that would be made; empty when listing or refused.
        package var moves: [ArchiveJournal.Move]
        /// The state of each picked experiment, by folder.
        package var states: [String: String]
        /// True when nothing moved because some experiment could not be read.
        package var refused: Bool
    }

    /// Creates the use case.
    package init() {}

    /// Inspects the workspace, picks the experiments and, in ``Mode/apply``, moves them.
    ///
    /// - Throws: ``WorkspaceError`` when the inspection or a move fails (a target exists, a run is in progress, ...).
    package func callAsFunction(_ request: Request) throws(WorkspaceError) -> Result {
        var inspection = try WorkspaceInspection()(request.inspection)
        let active = inspection.survey.experiments.filter { $0.folder.location == .active }
        var selected = active.filter { $0.isHealthy && request.states.contains($0.decision.state) }
        let chosen = Set(selected.map(\.folder.display))
        let states = Dictionary(selected.map { ($0.folder.display, $0.decision.state.rawValue) }) { first, _ in first }
        var result = Result(inspection: inspection, active: active, chosen: chosen, moves: [], states: states, refused: false)
        switch request.mode {
        case .listOnly:
            return result
        case _ where inspection.broken:
            result.refused = true
            return result
        case .dryRun:
            result.moves = selected.map { ArchiveJournal.Move(name: $0.name, from: $0.folder.display, to: "experiments-archive/\($0.folder.name)") }
        case .apply:
            guard !selected.isEmpty else { return result }
            // The metadata snapshot lists every run of each moved experiment, so their runs are read in full.
            var detailed = request.inspection
            detailed.detailing = Set(selected.map(\.name))
            detailed.git = true
            inspection = try WorkspaceInspection()(detailed)
            let refreshed = Dictionary(inspection.survey.experiments.map { ($0.folder.display, $0) }) { first, _ in first }
            selected = selected.map { refreshed[$0.folder.display] ?? $0 }
            result.moves = try ExperimentMover(workspace: inspection.workspace, environment: request.inspection.environment)
                .archive(selected, now: request.inspection.now)
        }
        return result
    }
}
