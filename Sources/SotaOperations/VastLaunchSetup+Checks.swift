import SotaSupport
import SotaConfig
import SotaGit
import SotaLaunch

extension VastLaunchSetup {
    /// What the checks found so far: errors stop the launch, warnings are shown and let it go ahead.
    struct Findings {
        /// Reasons the launch cannot go ahead.
        var errors: [Diagnostic] = []
        /// Things worth knowing that do not stop it.
        var warnings: [Diagnostic] = []
    }

    /// Where the instance gets the code: the commit, where it is published, and the remote to clone.
    struct Source {
        /// The work tree's state: commit, branch, uncommitted files.
        var git: GitProvenance
        /// The commit the instance checks out ("" when there is none).
        var commit = ""
        /// Where the commit is published (remote-tracking refs, the origin remote), when it is.
        var publication: GitPublication?
        /// The repository URL, with any credential taken out of it.
        var remote: RemoteURL?
    }

    /// Provenance: the instance can only run what a remote can hand it, so the work tree must be clean and the commit
    /// pushed (`--allow-dirty` turns both into warnings), and there must be a URL to clone.
    static func source(_ request: VastLaunch.Request, findings: inout Findings) -> Source {
        let project = request.project
        var source = Source(git: GitReader().provenance(at: project.root))
        let dirty = source.git.dirtyFiles.filter { !$0.hasPrefix(".vast/") }
        func problem(_ message: String, hint: String) {
            if request.options.allowDirty { findings.warnings.append(.warning(at: nil, message)) } else {
                findings.errors.append(.error(at: nil, message, hint: hint))
            }
        }
        switch source.git.state {
        case .noRepository:
            findings.errors.append(.error(at: nil, "\(request.display(project.root)) is not in a git repository; an instance can only run committed code"))
        case .noCommits:
            findings.errors.append(.error(at: nil, "the repository has no commits yet; commit and push before launching"))
        case .commit(let id):
            source.commit = id
            source.publication = GitReader().publication(of: id, at: project.root)
            let files = dirty.prefix(3).joined(separator: ", ") + (dirty.count > 3 ? ", …" : "")
            if !dirty.isEmpty {
                problem("the work tree has uncommitted changes (\(files)); the instance would run commit \(id.prefix(12)) without them",
                        hint: "commit and push them, or pass --allow-dirty")
            }
            if source.publication?.isPushed != true {
                problem("commit \(id.prefix(12)) is on no remote-tracking branch, so the instance cannot fetch it",
                        hint: "git push (then git fetch if you pushed from elsewhere), or pass --allow-dirty")
            }
        }
        // A credential in the URL never reaches the script, the record, the output or the request's onstart: it is
        // taken out where the URL is read and travels as SOTA_GIT_USERNAME / SOTA_GIT_PASSWORD (see instanceEnvironment).
        source.remote = project.launch.repository.map { RemoteURL($0.value) } ?? source.publication?.origin
        if source.remote?.url == nil, source.git.commit != nil {
            findings.errors.append(.error(at: project.file.map { SourceLocation(file: request.display($0)) }, keyPath: "launch.repository",
                                          "no repository URL for the instance to clone: no `origin` remote and no `launch.repository`"))
        }
        return source
    }

    /// Where results go (`--results`, else launch.results, which must be uploadable) and where the dataset comes from
    /// (`--data-url`, else launch.data_url, for the config's `data` file).
    static func locations(_ request: VastLaunch.Request, training: RunConfig, findings: inout Findings) -> (StorageURL?, [OnstartSpec.DatasetFetch]) {
        let project = request.project
        let settings = project.launch
        let command = request.options
        func storage(_ flag: String?, flagName: String, _ setting: Located<String>?, key: String) -> StorageURL? {
            guard let text = flag ?? setting?.value else { return nil }
            switch StorageURL.parse(text) {
            case .success(let url): return url
            case .failure(let error):
                findings.errors.append(flag != nil ? .error(at: nil, "\(flagName): \(error)") : .error(at: setting?.location, keyPath: key, error.description))
                return nil
            }
        }
        let results = storage(command.results, flagName: "--results", settings.results, key: "launch.results")
        if results == nil, command.results == nil, settings.results == nil {
            findings.errors.append(.error(at: project.file.map { SourceLocation(file: request.display($0)) }, keyPath: "launch.results",
                                          "no results location: the instance would have nowhere to upload the run",
                                          hint: "add `launch: {results: s3://bucket/runs}` to sota.yaml, or pass --results URL"))
        } else if let results, !results.isWritable {
            findings.errors.append(.error(at: command.results == nil ? settings.results?.location : nil, keyPath: "launch.results",
                                          "results cannot be uploaded to \(results.scheme.rawValue):// URLs; use file://, s3:// or b2://"))
        }
        var datasets: [OnstartSpec.DatasetFetch] = []
        if let dataFolder = storage(command.dataURL, flagName: "--data-url", settings.dataURL, key: "launch.data_url") {
            if let data = training.data {
                let destination = Paths.relative(project.resolve(data.path.value), to: project.root)
                datasets.append(.init(source: dataFolder.appending(Paths.lastComponent(of: destination)), destination: destination))
            } else {
                findings.warnings.append(.warning(at: SourceLocation(file: training.displayPath), "the config declares no `data` section; launch.data_url is not used"))
            }
        }
        return (results, datasets)
    }

    /// The Vast API server: launch.vast.api_url, else Vast's. It is recorded in launch.json and passed as VAST_API_URL,
    /// so a credential has no place in it.
    static func apiURL(_ settings: LaunchSettings, findings: inout Findings) -> String {
        let apiURL = settings.vastAPIURL?.value ?? VastClient.defaultBaseURL
        if URLUserinfo.isPresent(in: apiURL) {
            findings.errors.append(.error(at: settings.vastAPIURL?.location, keyPath: "launch.vast.api_url",
                                          "`\(URLUserinfo.masked(apiURL))` carries a credential (`user:password@`), which would be recorded in launch.json",
                                          hint: "the Vast API key goes in VAST_API_KEY or ~/.config/vastai/vast_api_key"))
        } else if !(apiURL.hasPrefix("https://") || apiURL.hasPrefix("http://")) {
            findings.errors.append(.error(at: settings.vastAPIURL?.location, keyPath: "launch.vast.api_url", "`\(apiURL)` is not an http(s) URL"))
        }
        return apiURL
    }

    /// The instance environment: names from fixed rules and the project, values from this process (secrets, never
    /// printed or recorded). Each name is passed once, and only with a value.
    static func instanceEnvironment(_ request: VastLaunch.Request, apiKey: String?, apiURL: String, shutdown: OnstartSpec.Shutdown,
                                    schemes: [StorageURL.Scheme], remote: RemoteURL?, findings: inout Findings) -> [(String, String)] {
        var environment: [(String, String)] = []
        func pass(_ name: String, _ value: String?) {
            guard let value, !value.isEmpty, !environment.contains(where: { $0.0 == name }) else { return }
            environment.append((name, value))
        }
        if shutdown != .none {
            if apiKey == nil, !request.options.dryRun { findings.errors.append(.error(at: nil, VastAPIError.missingAPIKey.description)) }
            pass("VAST_API_KEY", apiKey)
        }
        if apiURL != VastClient.defaultBaseURL { pass("VAST_API_URL", apiURL) }
        for scheme in schemes {
            for name in storageVariables[scheme] ?? [] { pass(name, request.environment[name]) }
        }
        if let remote, remote.hadCredential {
            pass("SOTA_GIT_USERNAME", remote.username)
            pass("SOTA_GIT_PASSWORD", remote.password)
        }
        for name in request.project.launch.environment {
            if !isVariableName(name.value) {
                findings.errors.append(.error(at: name.location, keyPath: "launch.environment", "`\(name.value)` is not an environment variable name",
                                              hint: "names are letters, digits and `_`, not starting with a digit"))
                continue
            }
            if request.environment[name.value]?.isEmpty == false {
                pass(name.value, request.environment[name.value])
            } else {
                findings.warnings.append(.warning(at: name.location, keyPath: "launch.environment", "`\(name.value)` is not set here, so the instance does not get it"))
            }
        }
        return environment
    }
}
