import FoundationEssentials
import SotaSupport
import SotaRunRecord
import SotaConfig
import SotaGit
import SotaPlan
import SotaRun
import SotaWorkspace

/// `sota run` for one config: stage 1 validation, the orchestrated run (or the rest of a recorded one), and the
/// promotion when asked for. Sweeps and several configs are ``SweepOperation``'s.
package struct RunOperation {
    /// What to run.
    package struct Request: Sendable {
        /// The training config (absolute); nil when resuming.
        package var trainConfig: String?
        /// The proxy-gate evaluation config (absolute), when not the training config's `pipeline.small_eval`.
        package var smallEvalConfig: String?
        /// The full evaluation config (absolute), when not the training config's `pipeline.full_eval`.
        package var fullEvalConfig: String?
        /// The `--set` overrides.
        package var assignments: [String]
        /// The run id to use (sweeps and Slurm jobs name their runs); nil makes one.
        package var runID: String?
        /// A recorded run to continue (a unique prefix of its id).
        package var resume: String?
        /// With ``resume``: the last step to run (train, small_eval, full_eval, or gate to decide the run).
        package var step: String?
        /// Promote the config when every gate passes.
        package var promote: Bool
        /// Retries of a failed stage (nil: the config's `training.max_retries`).
        package var maxRetries: Int?
        /// Device ids for the children.
        package var devices: String
        /// Time a stopped child gets between SIGTERM and SIGKILL.
        package var gracePeriod: DurationValue
        /// The project.
        package var project: Project
        /// The environment children inherit.
        package var environment: [String: String]
        /// The folder paths are shown relative to.
        package var workingDirectory: String

        /// Creates a request.
        package init(trainConfig: String?, smallEvalConfig: String? = nil, fullEvalConfig: String? = nil, assignments: [String] = [],
                     runID: String? = nil, resume: String? = nil, step: String? = nil, promote: Bool = false, maxRetries: Int? = nil,
                     devices: String = "0", gracePeriod: DurationValue, project: Project, environment: [String: String],
                     workingDirectory: String) {
            self.trainConfig = trainConfig
            self.smallEvalConfig = smallEvalConfig
            self.fullEvalConfig = fullEvalConfig
            self.assignments = assignments
            self.runID = runID
            self.resume = resume
            self.step = step
            self.promote = promote
            self.maxRetries = maxRetries
            self.devices = devices
            self.gracePeriod = gracePeriod
            self.project = project
            self.environment = environment
            self.workingDirectory = workingDirectory
        }
    }

    /// What happens before and during the run, in order, for the console.
    package enum Event: Sendable {
        /// Warnings found before the run starts (stage 1, an uncommitted work tree).
        case warnings([Diagnostic])
        /// The run starts (or resumes) in `runDirectory` (as the project names it).
        case started(runID: String, config: String, runDirectory: String, resuming: Bool)
        /// The orchestrator's progress.
        case run(RunEvent)
    }

    /// What became of a promotion asked for with the run.
    package enum PromotionAttempt: Sendable {
        /// The run passed and the config was promoted.
        case promoted(Promotion.Result)
        /// The run passed but the promotion failed (the run itself is recorded).
        case failed(String)
        /// The run did not pass every gate.
        case notPassed
    }

    /// How the operation ended.
    package enum Result: Sendable {
        /// Stage 1 found errors (every diagnostic, warnings included); nothing ran.
        case notStarted([Diagnostic])
        /// The run to resume could not be found or read.
        case notFound(String)
        /// The run to resume was already decided; `recordProblem` when re-recording it in the leaderboard failed.
        case alreadyFinished(runID: String, status: RunManifest.Status, step: String?, recordProblem: String?)
        /// The run ran (to its end, or to the step asked for) in `runDirectory` (as the project names it).
        case finished(RunOutcome, runDirectory: String, promotion: PromotionAttempt?, step: String?)

        /// The process exit status this ending stands for.
        package var exitStatus: Int32 {
            switch self {
            case .notStarted, .notFound: return ExitStatus.checkFailed
            case .alreadyFinished(_, let status, let step, _):
                return step != nil || status == .succeeded ? ExitStatus.success : ExitStatus.gateRejected
            case .finished(let outcome, _, let promotion, let step):
                // A rejection in a step job is a decided run, not a failed job: later step jobs find it finished.
                if step != nil, outcome.exitStatus == ExitStatus.gateRejected { return ExitStatus.success }
                if case .failed = promotion { return ExitStatus.checkFailed }
                return outcome.exitStatus
            }
        }
    }

    /// How the leaderboard is opened.
    package var leaderboards: RunLeaderboards

    /// Creates the operation.
    package init(leaderboards: RunLeaderboards) {
        self.leaderboards = leaderboards
    }

    /// Validates, runs (or resumes) and gates one run, promoting it when asked and it passed.
    ///
    /// - Parameter observe: receives ``Event``s as they happen; the children's progress streams through it.
    /// - Throws: ``RunUsageError`` for a malformed `--set`, or a file error writing the run directory.
    package func callAsFunction(_ request: Request, observe: @escaping @Sendable (Event) -> Void) throws -> Result {
        let project = request.project
        let pendingGit = PendingProvenance(path: project.root)
        var existing: RunManifest?
        var runID = request.runID ?? RunID.make().text
        var trainPath = request.trainConfig, overrideTexts = request.assignments
        var smallPath = request.smallEvalConfig, fullPath = request.fullEvalConfig
        if let resume = request.resume {
            let manifest: RunManifest
            do {
                (runID, manifest) = try RunLookup.find(resume, project: project)
            } catch {
                return .notFound(error.description)
            }
            if manifest.status == .succeeded || manifest.status == .rejected {
                return finished(manifest, runID: runID, step: request.step, project: project)
            }
            existing = manifest
            trainPath = project.resolve(manifest.config.path)
            overrideTexts = manifest.config.overrides
            smallPath = manifest.evalConfigs["small_eval"].map { project.resolve($0.path) }
            fullPath = manifest.evalConfigs["full_eval"].map { project.resolve($0.path) }
        }
        let overrides = try RunOverrides.parse(overrideTexts)
        var diagnostics: [Diagnostic] = []
        guard let trainPath, let configs = PipelineConfigs.load(
            trainPath: trainPath, overrides: overrides, smallEvalPath: smallPath, fullEvalPath: fullPath, project: project,
            searchPath: request.environment["PATH"], display: { Paths.relative($0, to: request.workingDirectory) }, diagnostics: &diagnostics
        ) else { return .notStarted(diagnostics) }

        let index: (any RunLeaderboard)?
        do {
            // A step job only reads the leaderboard (baselineOnly), so it neither opens nor creates it here.
            index = request.step != nil ? nil : try leaderboards.open(true)
        } catch {
            return .notStarted(diagnostics + [.error(at: nil, "\(error)", hint: "move the file aside, or set SOTA_LEADERBOARD to another path")])
        }
        let runRequest = RunRequest(
            training: configs.training, smallEval: configs.smallEval, fullEval: configs.fullEval, project: project, runID: runID,
            devices: request.devices, maxRetries: request.maxRetries, gracePeriod: request.gracePeriod, environment: request.environment,
            lastPhase: request.step.flatMap(PlannedStep.Phase.init(rawValue:))
        )
        let orchestrator = RunOrchestrator(request: runRequest, index: index ?? leaderboards.baselineOnly(), observe: { observe(.run($0)) })
        let (problems, data) = orchestrator.validate()
        diagnostics += problems
        if request.promote {
            // Whatever would stop the promotion is found before the run, not after it.
            do {
                try Promotion.preflight(configs.training, project: project)
            } catch {
                diagnostics.append(.error(at: nil, "--promote: \(error)", hint: (error as? ConfigPromotion.Refusal)?.hint))
            }
        }
        if diagnostics.hasErrors { return .notStarted(diagnostics) }
        let git = pendingGit.wait()
        if git.isDirty {
            let files = git.dirtyFiles.prefix(3).joined(separator: ", ") + (git.dirtyFiles.count > 3 ? ", …" : "")
            diagnostics.append(.warning(at: nil, "the work tree has uncommitted changes (\(files)); the run records them but cannot be reproduced from a commit"))
        }
        if !diagnostics.isEmpty { observe(.warnings(diagnostics)) }

        try ChildProcess.prepareSignalHandling()
        let runDirectory = Paths.join(project.runsDirectory, runID)
        observe(.started(runID: runID, config: configs.training.displayPath, runDirectory: runDirectory, resuming: existing != nil))
        let outcome = try existing.map(orchestrator.resume) ?? orchestrator.start(data: data, git: git)
        guard request.promote else { return .finished(outcome, runDirectory: runDirectory, promotion: nil, step: request.step) }
        guard outcome.exitStatus == ExitStatus.success else { return .finished(outcome, runDirectory: runDirectory, promotion: .notPassed, step: request.step) }
        do {
            guard let board = try index?.board else { throw ConfigPromotion.Refusal("no leaderboard to record the promotion in") }
            let result = try Promotion(project: project, board: board, environment: request.environment)(
                Promotion.Request(config: .loaded(configs.training), runID: runID))
            return .finished(outcome, runDirectory: runDirectory, promotion: .promoted(result), step: request.step)
        } catch {
            return .finished(outcome, runDirectory: runDirectory, promotion: .failed("\(error)"), step: request.step)
        }
    }

    /// A run a gate already decided: a step job has nothing left to do; otherwise it is recorded again, since sota may
    /// have been killed after the manifest was final but before the leaderboard saw it.
    private func finished(_ manifest: RunManifest, runID: String, step: String?, project: Project) -> Result {
        var problem: String?
        if step == nil {
            do {
                let path = Paths.join(project.resolve(project.runsDirectory), RunLayout.manifest(ofRun: runID))
                try leaderboards.open(false).record(manifest, manifestPath: path)
            } catch {
                problem = "\(error)"
            }
        }
        return .alreadyFinished(runID: runID, status: manifest.status, step: step, recordProblem: problem)
    }
}
