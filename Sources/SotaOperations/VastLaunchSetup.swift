import FoundationEssentials
import SotaSupport
import SotaRunRecord
import SotaConfig
import SotaGit
import SotaLaunch
import SotaPlan

/// Everything a Vast launch decides before it talks to Vast: provenance, URLs, the offer query, the instance
/// environment and the onstart script.
package struct VastLaunchSetup: Sendable {
    /// Problems that stop a launch before anything is rented.
    package struct Problems: Error {
        /// Every reason, errors first, then the warnings found on the way.
        package var diagnostics: [Diagnostic]
    }

    /// The script's inputs.
    package var spec: OnstartSpec
    /// The script.
    package var script: OnstartScript
    /// What to rent.
    package var query: VastOfferQuery
    /// The Vast API server.
    package var apiURL: String
    /// The API key, when there is one.
    package var apiKey: String?
    /// The image.
    package var image: String
    /// Instance environment variables, names with values (values are secrets: never printed or recorded).
    package var environment: [(String, String)]
    /// Things worth knowing that do not stop the launch.
    package var warnings: [Diagnostic]
    /// The branch or remote ref the commit is on, for the summary.
    package var commitWhere: String

    /// This machine's binary when the instance gets sota by upload (sent at launch, never in a dry run); nil for a
    /// download, a build or `launch.install`.
    package var binaryUpload: SotaBinaryUpload?

    /// The image used when `launch.vast.image` is not set: an ordinary CUDA + Python image, as the instance runs the
    /// release binary rather than building one (see ``LaunchSettings/defaultVastImage``).
    package static let defaultImage = LaunchSettings.defaultVastImage
    /// Environment variables the storage tools read, by URL scheme.
    package static let storageVariables: [StorageURL.Scheme: [String]] = [
        .s3: ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_ENDPOINT_URL"],
        .b2: ["B2_APPLICATION_KEY_ID", "B2_APPLICATION_KEY"],
    ]

    /// Checks the launch and builds the setup, or lists every reason it cannot go ahead.
    ///
    /// `executable` finds this machine's sota, uploaded for the instance unless `launch.vast.sota_binary` names a
    /// download or asks for a build.
    static func prepare(_ request: VastLaunch.Request, training: RunConfig, executable: () throws -> String) -> Result<VastLaunchSetup, Problems> {
        let project = request.project
        let command = request.options
        let settings = project.launch
        var findings = Findings()
        let source = Self.source(request, findings: &findings)

        // Where the code, data and results are.
        let repositoryRoot = source.publication?.root ?? project.root
        let projectDirectory = Paths.relative(project.root, to: repositoryRoot)
        let configPath = Paths.relative(training.path, to: project.root)
        if configPath.hasPrefix("/") {
            findings.errors.append(.error(at: SourceLocation(file: training.displayPath), "the config is outside the project \(request.display(project.root)); the instance could not find it"))
        }
        let (results, datasets) = locations(request, training: training, findings: &findings)
        let apiURL = Self.apiURL(settings, findings: &findings)

        // What to rent.
        let gpuName = command.gpu ?? settings.vastGPU ?? training.resources.gpu.map { VastOfferQuery.vastGPUName($0.value) }
        if gpuName == nil {
            findings.errors.append(.error(at: SourceLocation(file: training.displayPath), keyPath: "resources.gpu", "no GPU type to rent",
                                          hint: "set resources.gpu in the config, launch.vast.gpu in sota.yaml, or pass --gpu"))
        }
        let query = VastOfferQuery(gpuName: gpuName ?? "", gpuCount: training.resources.gpus?.value ?? 1,
                                   maxPricePerHour: command.maxPrice ?? settings.vastMaxPrice,
                                   minReliability: settings.vastMinReliability ?? 0.95, diskGB: command.disk ?? settings.vastDiskGB ?? 32)

        let apiKey = VastClient.apiKey(environment: request.environment)
        let shutdown: OnstartSpec.Shutdown = command.autoShutdown ? (OnstartSpec.Shutdown(rawValue: command.shutdownAction) ?? .destroy) : .none
        let schemes = Set([results?.scheme] + datasets.map { Optional($0.source.scheme) }).compactMap { $0 }
        let environment = instanceEnvironment(request, apiKey: apiKey, apiURL: apiURL, shutdown: shutdown, schemes: schemes, remote: source.remote,
                                              findings: &findings)
        let image = settings.vastImage ?? defaultImage
        let (install, upload) = results.map { sotaBinary(request, results: $0, image: image, executable: executable, findings: &findings) }
            ?? (.buildFromRepository, nil)
        guard findings.errors.isEmpty, let results else { return .failure(Problems(diagnostics: findings.errors + findings.warnings)) }

        let spec = OnstartSpec(
            runID: RunID.make().text, repository: source.remote?.url ?? "", commit: source.commit, projectDirectory: projectDirectory,
            runsDirectory: project.runsDirectory, configPath: configPath, overrides: command.overrides,
            datasets: datasets, results: results, shutdown: shutdown,
            install: install
        )
        let script: OnstartScript
        do {
            script = try OnstartScript(spec)
        } catch {
            return .failure(Problems(diagnostics: [.error(at: nil, error.description)] + findings.warnings))
        }
        return .success(VastLaunchSetup(
            spec: spec, script: script, query: query, apiURL: apiURL, apiKey: apiKey, image: image,
            environment: environment, warnings: findings.warnings,
            commitWhere: source.publication?.remoteRefs.first ?? source.git.branch ?? "detached HEAD", binaryUpload: upload
        ))
    }

    /// Whether `name` can name an environment variable: `[A-Za-z_][A-Za-z0-9_]*`.
    package static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    /// The lines `--dry-run` and a launch print: run, offer, price, estimate, results, shutdown, environment names.
    func summary(offer: VastOffer, estimate: CostEstimate, payload: String) -> String {
        func money(_ amount: Double) -> String { "$" + NumberFormat.fixed(amount, decimals: 2) }
        let hours = estimate.totalDuration.seconds / 3600
        let partial = estimate.lines.contains { $0.duration == nil }
        var lines = [
            "run       \(spec.runID): \(spec.configPath)\(spec.overrides.isEmpty ? "" : " " + spec.overrides.map { "--set \($0)" }.joined(separator: " "))",
            "commit    \(spec.commit.prefix(12)) (\(commitWhere)) from \(spec.repository)",
            "offer     \(offer.id): \(offer.gpuCount)× \(offer.gpuName), reliability \(offer.reliability.map { NumberFormat.fixed($0 * 100, decimals: 1) + "%" } ?? "?"), disk \(offer.diskSpaceGB.map { JSONValue.shortNumber($0) } ?? "?") GB\(offer.geolocation.map { ", \($0)" } ?? "")",
            "price     \("$" + NumberFormat.fixed(offer.pricePerHour, decimals: 4)) per hour (the whole instance)",
            "estimate  \(partial ? "at least " : "")\(estimate.totalDuration) → \(partial ? "at least " : "")\(money(hours * offer.pricePerHour)) (stage times as `sota dry-run` estimates them)",
            "image     \(image), \(JSONValue.shortNumber(query.diskGB)) GB disk",
            "results   \(spec.results.appending(spec.runID).text)/",
        ]
        switch spec.shutdown {
        case .none: lines.append("shutdown  none: the instance keeps running (and billing) after the run; pass --auto-shutdown")
        case .stop: lines.append("shutdown  stop after the script ends, on success and on failure")
        case .destroy: lines.append("shutdown  destroy after the upload, on success and on failure (stop instead if the upload fails)")
        }
        lines.append("sota      " + sotaBinaryDescription)
        lines.append("env       \(environment.isEmpty ? "none" : environment.map(\.0).joined(separator: ", ")) (values are never printed)")
        lines.append("onstart   \(script.text.count) characters\(payload == script.text ? "" : ", sent gzip+base64 as \(payload.count)") (Vast's limit: \(OnstartScript.vastLimit))")
        return lines.joined(separator: "\n")
    }
}

extension VastLaunchSetup {
    /// How the instance gets sota: `launch.install`'s command, else `launch.vast.sota_binary` (a verified download, a
    /// build from source), else an upload of this machine's binary to the results location.
    static func sotaBinary(_ request: VastLaunch.Request, results: StorageURL, image: String, executable: () throws -> String,
                           findings: inout Findings) -> (OnstartSpec.Install, SotaBinaryUpload?) {
        let settings = request.project.launch
        if let command = settings.install { return (.command(command.value), nil) }
        switch settings.vastSotaBinary {
        case .some(.download(let url, let sha256, _)):
            return (.download(url: url, sha256: sha256), nil)
        case .some(.build(let location)):
            if settings.vastImage == nil {
                findings.warnings.append(.warning(at: location, keyPath: SotaBinarySetting.keyPath,
                                                  "sota is built from source on the instance, but the default image \(image) has no Swift toolchain",
                                                  hint: "set launch.vast.image to a Swift image such as swift:6.2-noble"))
            }
            return (.buildFromRepository, nil)
        case .some(.upload(let location)):
            return uploadOwnBinary(results: results, location: location, executable: executable, findings: &findings)
        case .none:
            return uploadOwnBinary(results: results, location: nil, executable: executable, findings: &findings)
        }
    }

    /// This machine's binary, hashed and named under `results`; a problem (not a Linux x86-64 program, unreadable)
    /// stops the launch before anything is rented.
    private static func uploadOwnBinary(results: StorageURL, location: SourceLocation?, executable: () throws -> String,
                                        findings: inout Findings) -> (OnstartSpec.Install, SotaBinaryUpload?) {
        do {
            let upload = try SotaBinaryUpload.prepare(executable: try executable(), results: results)
            if upload.isDynamicallyLinked {
                findings.warnings.append(.warning(at: location, keyPath: SotaBinarySetting.keyPath,
                                                  "this machine's sota (\(upload.localPath)) is dynamically linked, so the instance's image must have the libraries it was built against (the Swift runtime, glibc)",
                                                  hint: "upload a fully static build (swift build -c release --static-swift-stdlib -Xswiftc -static-executable), or set launch.vast.sota_binary to the release tarball"))
            }
            return (.uploaded(upload.destination, sha256: upload.sha256), upload)
        } catch let problem as SotaBinaryProblem {
            findings.errors.append(.error(at: location, keyPath: SotaBinarySetting.keyPath, problem.message, hint: problem.hint))
        } catch {
            findings.errors.append(.error(at: location, keyPath: SotaBinarySetting.keyPath, "\(error)"))
        }
        return (.buildFromRepository, nil)
    }

    /// The dry run's and the launch's `sota` line: how the binary gets there.
    var sotaBinaryDescription: String {
        func short(_ hash: String) -> String { String(hash.prefix(12)) + "…" }
        switch spec.install {
        case .download(let url, let sha256):
            return "downloaded from \(url) (sha256 \(short(sha256))), verified before it runs"
        case .uploaded(let url, let sha256):
            let size = binaryUpload.map { " (\(NumberFormat.fixed(Double($0.size) / 1_000_000, decimals: 1)) MB, sha256 \(short(sha256)))" } ?? ""
            return "uploaded from this machine's binary\(size) to \(url.text), verified before it runs"
        case .buildFromRepository:
            return "built from source on the instance (asked for by launch.vast.sota_binary: build)"
        case .command:
            return "installed by launch.install's command (not verified by sota)"
        }
    }
}
