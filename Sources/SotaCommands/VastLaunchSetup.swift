import Foundation
import SotaSupport
import SotaConfig
import SotaGit
import SotaLaunch
import SotaPlan
import SotaRunRecord

/// Everything `sota launch --backend vast` decides before it talks to Vast: provenance, URLs, the offer query,
/// the instance environment and the onstart script.
struct VastLaunchSetup {
    /// Problems that stop a launch before anything is rented.
    struct Problems: Error {
        var diagnostics: [Diagnostic]
    }

    /// The script's inputs.
    var spec: OnstartSpec
    /// The script.
    var script: OnstartScript
    /// What to rent.
    var query: VastOfferQuery
    /// The Vast API server.
    var apiURL: String
    /// The API key, when there is one.
    var apiKey: String?
    /// The image.
    var image: String
    /// Instance environment variables, names with values (values are secrets: never printed or recorded).
    var environment: [(String, String)]
    /// Things worth knowing that do not stop the launch.
    var warnings: [Diagnostic]
    /// The branch or remote ref the commit is on, for the summary.
    var commitWhere: String

    /// The image used when `launch.vast.image` is not set: it has Swift to build sota and Python 3 for the demo.
    static let defaultImage = "swift:6.2-noble"
    /// Environment variables the storage tools read, by URL scheme.
    static let storageVariables: [StorageURL.Scheme: [String]] = [
        .s3: ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_ENDPOINT_URL"],
        .b2: ["B2_APPLICATION_KEY_ID", "B2_APPLICATION_KEY"],
    ]

    /// Checks the launch and builds the setup, or lists every reason it cannot go ahead.
    static func prepare(command: LaunchCommand, project: Project, training: RunConfig, context: CommandContext) -> Result<VastLaunchSetup, Problems> {
        var errors: [Diagnostic] = []
        var warnings: [Diagnostic] = []
        let settings = project.launch
        let projectFile = project.file.map { SourceLocation(file: context.display($0)) }

        // Provenance: the instance can only run what a remote can hand it.
        let git = GitReader().provenance(at: project.root)
        let dirty = git.dirtyFiles.filter { !$0.hasPrefix(".vast/") }
        var commit = ""
        var publication: GitPublication?
        switch git.state {
        case .noRepository:
            errors.append(.error(at: nil, "\(context.display(project.root)) is not in a git repository; an instance can only run committed code"))
        case .noCommits:
            errors.append(.error(at: nil, "the repository has no commits yet; commit and push before launching"))
        case .commit(let id):
            commit = id
            publication = GitReader().publication(of: id, at: project.root)
            let files = dirty.prefix(3).joined(separator: ", ") + (dirty.count > 3 ? ", …" : "")
            if !dirty.isEmpty {
                let message = "the work tree has uncommitted changes (\(files)); the instance would run commit \(id.prefix(12)) without them"
                if command.allowDirty { warnings.append(.warning(at: nil, message)) } else {
                    errors.append(.error(at: nil, message, hint: "commit and push them, or pass --allow-dirty"))
                }
            }
            if publication?.isPushed != true {
                let message = "commit \(id.prefix(12)) is on no remote-tracking branch, so the instance cannot fetch it"
                if command.allowDirty { warnings.append(.warning(at: nil, message)) } else {
                    errors.append(.error(at: nil, message, hint: "git push (then git fetch if you pushed from elsewhere), or pass --allow-dirty"))
                }
            }
        }
        // A credential in the URL never reaches the script, the record, the output or the request's onstart: it is
        // taken out where the URL is read and travels as SOTA_GIT_USERNAME / SOTA_GIT_PASSWORD (see below).
        let remote = settings.repository.map { RemoteURL($0.value) } ?? publication?.origin
        let repository = remote?.url
        if repository == nil, git.commit != nil {
            errors.append(.error(at: projectFile, keyPath: "launch.repository", "no repository URL for the instance to clone: no `origin` remote and no `launch.repository`"))
        }

        // Where the code, data and results are.
        let repositoryRoot = publication?.root ?? project.root
        let projectDirectory = Paths.relative(project.root, to: repositoryRoot)
        let configPath = Paths.relative(training.path, to: project.root)
        if configPath.hasPrefix("/") {
            errors.append(.error(at: SourceLocation(file: training.displayPath), "the config is outside the project \(context.display(project.root)); the instance could not find it"))
        }
        func storage(_ flag: String?, flagName: String, _ setting: Located<String>?, key: String) -> StorageURL? {
            guard let text = flag ?? setting?.value else { return nil }
            switch StorageURL.parse(text) {
            case .success(let url): return url
            case .failure(let error):
                errors.append(flag != nil ? .error(at: nil, "\(flagName): \(error)") : .error(at: setting?.location, keyPath: key, error.description))
                return nil
            }
        }
        let results = storage(command.results, flagName: "--results", settings.results, key: "launch.results")
        if results == nil, command.results == nil, settings.results == nil {
            errors.append(.error(at: projectFile, keyPath: "launch.results", "no results location: the instance would have nowhere to upload the run",
                                 hint: "add `launch: {results: s3://bucket/runs}` to sota.yaml, or pass --results URL"))
        } else if let results, !results.isWritable {
            errors.append(.error(at: command.results == nil ? settings.results?.location : nil, keyPath: "launch.results",
                                 "results cannot be uploaded to \(results.scheme.rawValue):// URLs; use file://, s3:// or b2://"))
        }
        var datasets: [OnstartSpec.DatasetFetch] = []
        if let dataFolder = storage(command.dataURL, flagName: "--data-url", settings.dataURL, key: "launch.data_url") {
            if let data = training.data {
                let destination = Paths.relative(project.resolve(data.path.value), to: project.root)
                datasets.append(.init(source: dataFolder.appending(Paths.lastComponent(of: destination)), destination: destination))
            } else {
                warnings.append(.warning(at: SourceLocation(file: training.displayPath), "the config declares no `data` section; launch.data_url is not used"))
            }
        }
        let apiURL = settings.vastAPIURL?.value ?? VastClient.defaultBaseURL
        // The API URL is recorded in launch.json and passed as VAST_API_URL: a credential has no place in it.
        if URLUserinfo.isPresent(in: apiURL) {
            errors.append(.error(at: settings.vastAPIURL?.location, keyPath: "launch.vast.api_url",
                                 "`\(URLUserinfo.masked(apiURL))` carries a credential (`user:password@`), which would be recorded in launch.json",
                                 hint: "the Vast API key goes in VAST_API_KEY or ~/.config/vastai/vast_api_key"))
        } else if !(apiURL.hasPrefix("https://") || apiURL.hasPrefix("http://")) {
            errors.append(.error(at: settings.vastAPIURL?.location, keyPath: "launch.vast.api_url", "`\(apiURL)` is not an http(s) URL"))
        }

        // What to rent.
        let gpuName = command.gpu ?? settings.vastGPU ?? training.resources.gpu.map { VastOfferQuery.vastGPUName($0.value) }
        if gpuName == nil {
            errors.append(.error(at: SourceLocation(file: training.displayPath), keyPath: "resources.gpu", "no GPU type to rent",
                                 hint: "set resources.gpu in the config, launch.vast.gpu in sota.yaml, or pass --gpu"))
        }
        let query = VastOfferQuery(gpuName: gpuName ?? "", gpuCount: training.resources.gpus?.value ?? 1,
                                   maxPricePerHour: command.maxPrice ?? settings.vastMaxPrice,
                                   minReliability: settings.vastMinReliability ?? 0.95, diskGB: command.disk ?? settings.vastDiskGB ?? 32)

        // The instance environment: names from fixed rules and the project, values from this process.
        let apiKey = VastClient.apiKey(environment: context.environment)
        let shutdown: OnstartSpec.Shutdown = command.autoShutdown ? (OnstartSpec.Shutdown(rawValue: command.shutdownAction) ?? .destroy) : .none
        var environment: [(String, String)] = []
        func pass(_ name: String, _ value: String?) {
            guard let value, !value.isEmpty, !environment.contains(where: { $0.0 == name }) else { return }
            environment.append((name, value))
        }
        if shutdown != .none {
            if apiKey == nil, !command.dryRun { errors.append(.error(at: nil, VastAPIError.missingAPIKey.description)) }
            pass("VAST_API_KEY", apiKey)
        }
        if apiURL != VastClient.defaultBaseURL { pass("VAST_API_URL", apiURL) }
        for scheme in Set([results?.scheme] + datasets.map { Optional($0.source.scheme) }).compactMap({ $0 }) {
            for name in storageVariables[scheme] ?? [] { pass(name, context.environment[name]) }
        }
        if let remote, remote.hadCredential {
            pass("SOTA_GIT_USERNAME", remote.username)
            pass("SOTA_GIT_PASSWORD", remote.password)
        }
        for name in settings.environment {
            if !Self.isVariableName(name.value) {
                errors.append(.error(at: name.location, keyPath: "launch.environment", "`\(name.value)` is not an environment variable name",
                                     hint: "names are letters, digits and `_`, not starting with a digit"))
                continue
            }
            if context.environment[name.value]?.isEmpty == false {
                pass(name.value, context.environment[name.value])
            } else {
                warnings.append(.warning(at: name.location, keyPath: "launch.environment", "`\(name.value)` is not set here, so the instance does not get it"))
            }
        }
        if !errors.isEmpty { return .failure(Problems(diagnostics: errors + warnings)) }

        let spec = OnstartSpec(
            runID: RunID.make().text, repository: repository ?? "", commit: commit, projectDirectory: projectDirectory,
            runsDirectory: project.runsDirectory, configPath: configPath, overrides: command.overrides.assignments,
            datasets: datasets, results: results!, shutdown: shutdown,
            install: settings.install.map { .command($0.value) } ?? .buildFromRepository
        )
        let commitWhere = publication?.remoteRefs.first ?? git.branch ?? "detached HEAD"
        let script: OnstartScript
        do {
            script = try OnstartScript(spec)
        } catch {
            return .failure(Problems(diagnostics: [.error(at: nil, error.description)] + warnings))
        }
        return .success(VastLaunchSetup(
            spec: spec, script: script, query: query, apiURL: apiURL, apiKey: apiKey,
            image: settings.vastImage ?? defaultImage, environment: environment, warnings: warnings, commitWhere: commitWhere
        ))
    }

    /// Whether `name` can name an environment variable: `[A-Za-z_][A-Za-z0-9_]*`.
    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    /// The lines `--dry-run` and a launch print: run, offer, price, estimate, results, shutdown, environment names.
    func summary(offer: VastOffer, estimate: CostEstimate, payload: String, context: CommandContext) -> String {
        func money(_ amount: Double) -> String { String(format: "$%.2f", amount) }
        let hours = estimate.totalDuration.seconds / 3600
        let partial = estimate.lines.contains { $0.duration == nil }
        var lines = [
            "run       \(spec.runID): \(spec.configPath)\(spec.overrides.isEmpty ? "" : " " + spec.overrides.map { "--set \($0)" }.joined(separator: " "))",
            "commit    \(spec.commit.prefix(12)) (\(commitWhere)) from \(spec.repository)",
            "offer     \(offer.id): \(offer.gpuCount)× \(offer.gpuName), reliability \(offer.reliability.map { String(format: "%.1f%%", $0 * 100) } ?? "?"), disk \(offer.diskSpaceGB.map { JSONValue.shortNumber($0) } ?? "?") GB\(offer.geolocation.map { ", \($0)" } ?? "")",
            "price     \(String(format: "$%.4f", offer.pricePerHour)) per hour (the whole instance)",
            "estimate  \(partial ? "at least " : "")\(estimate.totalDuration) → \(partial ? "at least " : "")\(money(hours * offer.pricePerHour)) (stage times as `sota dry-run` estimates them)",
            "image     \(image), \(JSONValue.shortNumber(query.diskGB)) GB disk",
            "results   \(spec.results.appending(spec.runID).text)/",
        ]
        switch spec.shutdown {
        case .none: lines.append("shutdown  none: the instance keeps running (and billing) after the run; pass --auto-shutdown")
        case .stop: lines.append("shutdown  stop after the script ends, on success and on failure")
        case .destroy: lines.append("shutdown  destroy after the upload, on success and on failure (stop instead if the upload fails)")
        }
        lines.append("env       \(environment.isEmpty ? "none" : environment.map(\.0).joined(separator: ", ")) (values are never printed)")
        lines.append("onstart   \(script.text.count) characters\(payload == script.text ? "" : ", sent gzip+base64 as \(payload.count)") (Vast's limit: \(OnstartScript.vastLimit))")
        return lines.joined(separator: "\n")
    }
}
