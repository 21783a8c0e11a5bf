import FoundationEssentials
import SotaSupport
import SotaRunRecord
import SotaConfig
import SotaLaunch
import SotaPlan

/// Loads the launched training config with `--set` assignments, and its evaluation configs, appending every problem
/// to `diagnostics`; nil when there are errors. Throws only for a malformed assignment (a usage error).
package typealias LaunchPipelineLoader = (_ assignments: [String], _ diagnostics: inout [Diagnostic]) throws -> PipelineConfigs?

/// A stage's past runs on a GPU, for calibrating the cost estimate (the leaderboard's, or none).
package typealias StageHistory = (_ stage: String, _ gpu: String) -> [CostEstimator.PastStage]

/// Runs a config on a rented Vast.ai instance: checks the launch, picks the cheapest fitting offer, prices the run,
/// and (unless it is a dry run) creates the instance with the onstart script and records it in the run folder.
package struct VastLaunch {
    /// What the user asked for: the `sota launch --backend vast` flags.
    package struct Options: Sendable {
        /// `--set` assignments, as typed.
        package var overrides: [String] = []
        /// `--gpu`.
        package var gpu: String?
        /// `--max-price`, USD per hour.
        package var maxPrice: Double?
        /// `--disk`, GB.
        package var disk: Double?
        /// `--results`.
        package var results: String?
        /// `--data-url`.
        package var dataURL: String?
        /// `--auto-shutdown`.
        package var autoShutdown = false
        /// `--shutdown-action`: destroy or stop.
        package var shutdownAction = "destroy"
        /// `--allow-dirty`.
        package var allowDirty = false
        /// `--dry-run`: rent nothing, write nothing.
        package var dryRun = false

        /// Options with every flag at its default.
        package init() {}
    }

    /// One launch.
    package struct Request: Sendable {
        /// The project.
        package var project: Project
        /// The flags.
        package var options: Options
        /// This process's environment (the API key and the variables the instance is given).
        package var environment: [String: String]
        /// The folder paths are shown relative to.
        package var workingDirectory: String

        /// Creates a request.
        package init(project: Project, options: Options, environment: [String: String], workingDirectory: String) {
            self.project = project
            self.options = options
            self.environment = environment
            self.workingDirectory = workingDirectory
        }

        /// `path` as the user would type it from the working directory.
        func display(_ path: String) -> String { Paths.relative(path, to: workingDirectory) }
    }

    /// How a launch ended.
    package enum Ending: Sendable {
        /// Stopped before anything was rented (``Outcome/diagnostics`` says why).
        case refused
        /// A dry run: what would be rented and the script.
        case dryRun(summary: String, script: String)
        /// An instance is running the script.
        case launched(runID: String, instanceID: Int, summary: String, runDirectory: String)
        /// The instance was created but its record could not be written; it was destroyed again unless `destroyed` is false.
        case unrecorded(reason: String, instanceID: Int, destroyed: Bool)
    }

    /// What a launch did.
    package struct Outcome: Sendable {
        /// Problems and warnings in the order they were found: errors stop the launch.
        package var diagnostics: [Diagnostic]
        /// How it ended.
        package var ending: Ending
    }

    /// Loads the launched configs.
    package var loadPipeline: LaunchPipelineLoader
    /// Past stage times for the estimate.
    package var history: StageHistory

    /// This machine's sota, uploaded for the instance when `launch.vast.sota_binary` names no download.
    package var executable: () throws -> String

    /// Creates the use case with its collaborators.
    package init(loadPipeline: @escaping LaunchPipelineLoader, history: @escaping StageHistory, executable: @escaping () throws -> String) {
        self.loadPipeline = loadPipeline
        self.history = history
        self.executable = executable
    }

    /// Launches (or, with `--dry-run`, shows) the run.
    ///
    /// - Throws: the pipeline loader's usage error for a malformed `--set` assignment.
    package func run(_ request: Request) throws -> Outcome {
        var diagnostics: [Diagnostic] = []
        func refused(_ problems: [Diagnostic]) -> Outcome { Outcome(diagnostics: diagnostics + problems, ending: .refused) }
        guard let configs = try loadPipeline(request.options.overrides, &diagnostics) else { return refused([]) }
        let setup: VastLaunchSetup
        switch VastLaunchSetup.prepare(request, training: configs.training, executable: executable) {
        case .success(let prepared): setup = prepared
        case .failure(let problems): return refused(problems.diagnostics)
        }
        diagnostics += setup.warnings

        // Offers: the only network call a dry run makes.
        let client = VastClient(baseURL: setup.apiURL, apiKey: setup.apiKey)
        let offers: [VastOffer]
        do {
            offers = try client.searchOffers(setup.query)
        } catch {
            return refused([.error(at: nil, "\(error)")])
        }
        let query = setup.query
        guard let offer = query.choose(from: offers) else {
            let price = query.maxPricePerHour.map { " at most $" + NumberFormat.fixed($0, decimals: 4) + "/h," } ?? ""
            return refused([.error(at: nil, "no Vast offer for \(query.gpuCount)× \(query.gpuName),\(price) reliability ≥ \(query.minReliability), disk ≥ \(JSONValue.shortNumber(query.diskGB)) GB (\(offers.count) offer\(offers.count == 1 ? "" : "s") returned)",
                                   hint: "try another --gpu, a higher --max-price or a smaller --disk")])
        }
        let plan = RunPlanner.plan(training: configs.training, smallEval: configs.smallEval, fullEval: configs.fullEval,
                                   project: request.project, runID: setup.spec.runID)
        // The offer's GPU (Vast spells it `RTX 4090`) finds the config's throughput and past runs however they spell it.
        let estimate = CostEstimator.estimate(plan: plan, prices: nil,
                                              overrides: .init(gpu: offer.gpuName, price: offer.pricePerHour / Double(max(1, offer.gpuCount))),
                                              history: history)
        let payload: String
        do {
            payload = try setup.script.payload()
        } catch {
            return refused([.error(at: nil, error.description)])
        }
        let summary = setup.summary(offer: offer, estimate: estimate, payload: payload)
        if request.options.dryRun { return Outcome(diagnostics: diagnostics, ending: .dryRun(summary: summary, script: setup.script.text)) }
        guard setup.apiKey != nil else { return refused([.error(at: nil, VastAPIError.missingAPIKey.description)]) }
        // The binary is in place before the instance exists, so the script never waits for it.
        if let upload = setup.binaryUpload {
            do {
                try upload.upload(environment: request.environment)
            } catch {
                return refused([.error(at: nil, error.message, hint: error.hint)])
            }
        }
        let instanceID: Int
        do {
            instanceID = try client.createInstance(offerID: offer.id, VastInstanceRequest(
                image: setup.image, diskGB: query.diskGB, environment: setup.environment, onstart: payload, label: "sota \(setup.spec.runID)"))
        } catch {
            return refused([.error(at: nil, "\(error)")])
        }
        let runDirectory = request.project.resolve(Paths.join(request.project.runsDirectory, setup.spec.runID))
        do {
            try record(setup, offer: offer, instanceID: instanceID, payload: payload, runDirectory: runDirectory, project: request.project)
        } catch {
            // An instance nobody can find again would bill until someone notices: give it back.
            let destroyed = (try? client.destroyInstance(instanceID)) != nil
            return Outcome(diagnostics: diagnostics, ending: .unrecorded(reason: "\(error)", instanceID: instanceID, destroyed: destroyed))
        }
        return Outcome(diagnostics: diagnostics, ending: .launched(runID: setup.spec.runID, instanceID: instanceID, summary: summary, runDirectory: runDirectory))
    }

    /// Writes the run folder's onstart.sh and launch.json, and the project's .vast/onstart.sh.
    private func record(_ setup: VastLaunchSetup, offer: VastOffer, instanceID: Int, payload: String, runDirectory: String, project: Project) throws {
        let spec = setup.spec
        var record = LaunchRecord(
            runID: spec.runID, created: Timestamp.string(Date()), config: spec.configPath, overrides: spec.overrides,
            repository: spec.repository, commit: spec.commit, results: spec.results.text, apiURL: setup.apiURL,
            instanceID: instanceID, offer: offer, shutdown: spec.shutdown.rawValue, script: RunLayout.onstartScript,
            scriptEncoding: payload == setup.script.text ? "plain" : "gzip+base64", environment: setup.environment.map(\.0)
        )
        switch spec.install {
        case .download(let url, let sha256): (record.sotaBinary, record.sotaBinarySHA256) = (url, sha256)
        case .uploaded(let url, let sha256): (record.sotaBinary, record.sotaBinarySHA256) = (url.text, sha256)
        case .buildFromRepository, .command: break
        }
        try FileManager.default.createDirectory(atPath: runDirectory, withIntermediateDirectories: true)
        try AtomicFile.write(setup.script.text, to: Paths.join(runDirectory, RunLayout.onstartScript), mode: 0o755)
        try record.write(to: Paths.join(runDirectory, LaunchRecord.fileName))
        try FileManager.default.createDirectory(atPath: project.resolve(".vast"), withIntermediateDirectories: true)
        try AtomicFile.write(setup.script.text, to: project.resolve(".vast/onstart.sh"), mode: 0o755)
    }
}
