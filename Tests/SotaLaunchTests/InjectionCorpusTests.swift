import Foundation
import SotaSupport
import SotaLaunch
import SotaTestSupport
import Testing

/// Issue 13, item 7 and its "Done when": every configurable value that reaches a generated script, with each hostile
/// spelling, is either refused with a ``ScriptValueError`` (or a ``StorageURLError``) or the generated script is run
/// by bash against stub commands, and nothing injected runs: no `PWNED` file anywhere, and the stubs receive the
/// value as one intact argument. (`launch.install` is left out: it is a shell command by design, run by `eval`.)
@Suite struct InjectionCorpusTests {
    static let payloads: [(kind: String, text: String)] = [
        ("newline", "x\ntouch PWNED"), ("space", "x y"), ("single quote", "x'touch PWNED'"), ("double quote", "x\"$(touch PWNED)\""),
        ("command substitution", "$(touch PWNED)"), ("backquote", "`touch PWNED`"), ("semicolon", "x;touch PWNED;"), ("glob", "*"),
        ("leading dash", "--upload-pack=touch PWNED"),
    ]

    /// What one case ended as.
    enum Outcome: Equatable { case refused, executed }

    // MARK: - onstart

    static let onstartFields = ["run id", "repository", "commit", "results", "project folder", "runs folder", "config", "override",
                                "dataset destination", "dataset source", "sota download url", "uploaded sota"]

    static func onstartCase(_ field: String, _ payload: String) async throws -> Outcome {
        let folder = TemporaryDirectory()
        let stubs = StubCommands(in: folder, real: StubCommands.bashAndCoreutils + ["sha256sum", "tar"])
        stubs.stub("git", """
        for arg in "$@"; do last=$arg; done
        case " $* " in *" clone "*) mkdir -p "$last/.git" "$last/${STUB_PROJECT:-.}" ;; esac
        """)
        stubs.stub("sota", #"if [ "$1" = run ]; then mkdir -p "$STUB_RUN_DIR" && echo '{}' >"$STUB_RUN_DIR/manifest.json"; fi"#)
        // The sota a verified fetch gets is the stub itself, so it records its calls the same way.
        let stubSota = try #require(FileManager.default.contents(atPath: Paths.join(stubs.bin, "sota")))
        let stubHash = SHA256.hex(of: Array(stubSota))
        var downloadURL: String?
        let data = folder.write("data/burgers.npz", "data")
        var spec = OnstartSpec(runID: "r1", repository: "https://example.com/repo.git", commit: OnstartVariants.commit, configPath: "train.yaml",
                               datasets: [.init(source: OnstartVariants.url("file://" + data), destination: "data/burgers.npz")],
                               results: OnstartVariants.url("file://" + folder.url("results")), shutdown: .none)
        var resultsFolder = folder.url("results")
        do {
            switch field {
            case "run id": spec.runID = payload
            case "repository": spec.repository = payload
            case "commit": spec.commit = payload
            case "results":
                resultsFolder = folder.url("results/" + payload)
                spec.results = try StorageURL.parse("file://" + resultsFolder).get()
            case "project folder": spec.projectDirectory = payload
            case "runs folder": spec.runsDirectory = payload
            case "config": spec.configPath = payload
            case "override": spec.overrides = [payload]
            case "dataset destination": spec.datasets[0].destination = payload
            case "dataset source":
                let source = folder.write("sources/" + payload, "data")
                spec.datasets[0].source = try StorageURL.parse("file://" + source).get()
            case "sota download url":
                let release = folder.write("release/sota", Array(stubSota))
                let url = "https://releases.example.com/v1/" + payload
                downloadURL = url
                spec.install = .download(url: url, sha256: stubHash)
                stubs.stub("curl", "for arg in \"$@\"; do [ \"${prev:-}\" = -o ] && out=$arg; prev=$arg; done; cp -- \(ShellWord.printable(release)) \"$out\"")
            case "uploaded sota":
                let stored = folder.write("store/.sota-binaries/" + payload + "/sota", Array(stubSota))
                spec.install = .uploaded(try StorageURL.parse("file://" + stored).get(), sha256: stubHash)
            default: Issue.record("unknown field \(field)")
            }
        } catch {
            return .refused
        }
        let text: String
        do { text = try OnstartScript(spec).text } catch { return .refused }

        let work = folder.url("instance")
        let project = Paths.join(work + "/repo", spec.projectDirectory)
        let script = folder.write("onstart.sh", text)
        let run = try await ProgramRun.run(stubs.bashCommand(script), in: folder.path, environment: [
            "PATH": stubs.bin, "HOME": folder.path, "SOTA_WORK_DIR": work, "STUB_PROJECT": spec.projectDirectory,
            "STUB_RUN_DIR": project + "/" + spec.runsDirectory + "/r1",
        ])
        let context = "\(field) = \(payload.debugDescription): \(run.err)"
        #expect(run.status == 0, "\(context)")
        #expect(StubCommands.files(named: "PWNED", under: folder.path).isEmpty, "\(context)")
        #expect(Paths.kind(of: Paths.join(resultsFolder, "r1/onstart.log")) == .file, "\(context)")
        #expect(Paths.kind(of: Paths.join(resultsFolder, "r1/manifest.json")) == .file, "the run directory was uploaded: \(context)")
        let sota = stubs.calls(of: "sota")
        let config = spec.configPath.hasPrefix("-") ? "./" + spec.configPath : spec.configPath
        let sets = spec.overrides.map { "--set=" + $0 }
        #expect(sota.contains(["validate", "data"] + sets + [config]), "\(context)\n\(sota)")
        #expect(sota.contains(["run", "--train-config=" + spec.configPath, "--run-id=r1"] + sets), "\(context)\n\(sota)")
        #expect(stubs.calls(of: "git").contains { $0.suffix(3) == ["--", spec.repository, work + "/repo.part"] }, "\(context)")
        let destination = Paths.join(project, spec.datasets[0].destination.hasPrefix("-") ? "./" + spec.datasets[0].destination : spec.datasets[0].destination)
        #expect(Paths.kind(of: destination) == .file, "the dataset landed where it was meant to: \(context)")
        if let downloadURL { #expect(stubs.calls(of: "curl").contains { $0.last == downloadURL }, "\(context)") }
        if spec.install.isVerifiedFetch { #expect(run.out.contains("sota onstart: sota from "), "the fetched sota was verified: \(context)") }
        return .executed
    }

    // MARK: - sbatch

    static let sbatchFields = ["project folder", "runs folder", "sota binary", "partition", "account", "qos", "mem", "extra line", "run id",
                               "sweep run id", "launch id"]

    static func sbatchCase(_ field: String, _ payload: String) async throws -> Outcome {
        let folder = TemporaryDirectory()
        let stubs = StubCommands(in: folder)
        var plan = SlurmStagePlan(stage: .train, launchID: "20260301-120000-0badcafe", runs: .single(runID: "20260301-120000-0badcafe"),
                                  projectRoot: folder.url("project"), runsDirectory: folder.url("project/runs"), sota: Paths.join(stubs.bin, "sota"),
                                  resources: SlurmResources(gpus: 1))
        var directive: String?
        do throws(ScriptValueError) {
            switch field {
            case "project folder": plan.projectRoot = folder.url("projects/" + payload)
            case "runs folder": plan.runsDirectory = folder.url("runs/" + payload)
            case "sota binary": plan.sota = folder.url("sota-bin/" + payload)
            case "partition": plan.resources.partition = try SbatchValue(payload, role: "--partition"); directive = "--partition=" + payload
            case "account": plan.resources.account = try SbatchValue(payload, role: "--account"); directive = "--account=" + payload
            case "qos": plan.resources.qos = try SbatchValue(payload, role: "--qos"); directive = "--qos=" + payload
            case "mem": plan.resources.memory = try SlurmResources.memory(payload, role: "--mem"); directive = "--mem=" + payload
            case "extra line":
                plan.resources.extra = [try SbatchDirective(parsing: "--comment=" + payload, role: "launch.slurm.extra")]
                directive = "--comment=" + payload
            case "run id": plan.runs = .single(runID: payload)
            case "sweep run id": plan.runs = .array(base: payload, tasks: [0, 1])
            case "launch id": plan.launchID = payload
            default: Issue.record("unknown field \(field)")
            }
        } catch {
            return .refused
        }
        let text: String
        do { text = try SbatchScript(plan).text } catch { return .refused }

        let runID: String = switch plan.runs {
        case .single(let id): id
        case .array(let base, _): SlurmStagePlan.taskRunID(base: base, index: 1)
        }
        try FileManager.default.createDirectory(atPath: plan.projectRoot, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: Paths.join(plan.runsDirectory, runID + "/markers"), withIntermediateDirectories: true)
        let sotaStub = "printf '%s\\0' \"$@\" >\"\(stubs.calls)/sota.$$\""
        try FileManager.default.createDirectory(atPath: Paths.parent(of: plan.sota), withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: plan.sota, contents: Data("#!/bin/bash\n\(sotaStub)\n".utf8))
        chmod(plan.sota, 0o755)
        let script = folder.write("stage.sbatch", text)
        let run = try await ProgramRun.run(stubs.bashCommand(script), in: folder.path, environment: ["PATH": stubs.bin, "SLURM_ARRAY_TASK_ID": "1"])
        let context = "\(field) = \(payload.debugDescription): \(run.err)"
        #expect(run.status == 0, "\(context)")
        #expect(StubCommands.files(named: "PWNED", under: folder.path).isEmpty, "\(context)")
        #expect(stubs.calls(of: "sota") == [["run", "--project=" + plan.projectRoot, "--resume=" + runID, "--step=train", "--gpus=0"]], "\(context)")
        #expect(Paths.kind(of: Paths.join(plan.runsDirectory, runID + "/markers/train.READY")) == .file, "\(context)")
        // sbatch reads each directive as the words after `#SBATCH`: exactly one, the value whole.
        let directives = text.split(separator: "\n").filter { $0.hasPrefix("#SBATCH ") }.map { $0.dropFirst(8).split(separator: " ", omittingEmptySubsequences: true) }
        #expect(directives.allSatisfy { $0.count == 1 }, "\(context)")
        if let directive { #expect(directives.contains { $0 == [Substring(directive)] }, "\(context)") }
        return .executed
    }

    /// The payloads tried for the field at `index`: all of them with `SOTA_FULL_CORPUS=1` (as CI runs), otherwise
    /// three, chosen so that the fields together still try every payload (a third of the bash runs keeps
    /// `swift test` quick).
    static func payloads(forFieldAt index: Int) -> [(kind: String, text: String)] {
        if ProcessInfo.processInfo.environment["SOTA_FULL_CORPUS"] == "1" { return payloads }
        return payloads.indices.filter { ($0 + index) % 3 == 0 }.map { payloads[$0] }
    }

    @Test func everyHostileValueIsRefusedOrRunsAsData() async throws {
        var outcomes: [String: Outcome] = [:]
        var tried: [String: [String]] = [:]
        for (index, field) in Self.onstartFields.enumerated() {
            let chosen = Self.payloads(forFieldAt: index)
            tried["onstart \(field)"] = chosen.map(\.kind)
            for payload in chosen { outcomes["onstart \(field) \(payload.kind)"] = try await Self.onstartCase(field, payload.text) }
        }
        for (index, field) in Self.sbatchFields.enumerated() {
            let chosen = Self.payloads(forFieldAt: index + Self.onstartFields.count)
            tried["sbatch \(field)"] = chosen.map(\.kind)
            for payload in chosen { outcomes["sbatch \(field) \(payload.kind)"] = try await Self.sbatchCase(field, payload.text) }
        }
        let executed = outcomes.values.filter { $0 == .executed }.count
        print("injection corpus: \(outcomes.count) cases, \(executed) scripts executed with bash, \(outcomes.count - executed) values refused")
        #expect(outcomes.count == tried.values.map(\.count).reduce(0, +))
        #expect(Set(tried.values.joined()) == Set(Self.payloads.map(\.kind)), "every payload is tried")
        // Values that name paths, URLs and overrides in commands reach bash as data; only directive values, run ids and
        // commits are refused outright.
        for field in ["repository", "override", "config", "project folder", "dataset destination"] {
            #expect(tried["onstart \(field)", default: []].allSatisfy { outcomes["onstart \(field) \($0)"] == .executed }, "\(field)")
        }
        #expect(tried["sbatch project folder", default: []].allSatisfy { outcomes["sbatch project folder \($0)"] == .executed })
        for kind in ["newline", "space"] where tried["sbatch runs folder", default: []].contains(kind) {
            #expect(outcomes["sbatch runs folder \(kind)"] == .refused)
        }
        for field in ["run id", "commit"] {
            #expect(tried["onstart \(field)", default: []].allSatisfy { outcomes["onstart \(field) \($0)"] == .refused }, "\(field)")
        }
    }
}
