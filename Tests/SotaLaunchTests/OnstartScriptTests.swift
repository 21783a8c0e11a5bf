import Foundation
import SotaSupport
import SotaLaunch
import SotaTestSupport
import Testing

/// Specs covering each upload scheme, fetch scheme, shutdown mode and install step.
enum OnstartVariants {
    static let commit = "0123456789abcdef0123456789abcdef01234567"
    static let sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

    static func url(_ text: String) -> StorageURL { try! StorageURL.parse(text).get() }

    static let all: [(name: String, spec: OnstartSpec)] = [
        ("file-destroy", OnstartSpec(
            runID: "20260301-120000-0badcafe", repository: "https://github.com/example/burgers.git", commit: commit,
            configPath: "configs/train_burgers_golden.yaml", overrides: ["latent.dim=32", "notes.text=it's $(not run) `ever`"],
            datasets: [.init(source: url("file:///mnt/datasets/burgers_1d.npz"), destination: "data/burgers_1d.npz")],
            results: url("file:///srv/sota results"), shutdown: .destroy,
            install: .download(url: "https://github.com/example/sota/releases/download/v1.2.3/sota-1.2.3-linux-x86_64.tar.gz", sha256: sha256))),
        ("s3-stop", OnstartSpec(
            runID: "20260301-120000-00000001", repository: "git@github.com:example/monorepo.git", commit: commit,
            projectDirectory: "ml/burgers", runsDirectory: "out/runs", configPath: "configs/train.yaml",
            datasets: [.init(source: url("s3://datasets/burgers/burgers_1d.npz"), destination: "data/burgers_1d.npz")],
            results: url("s3://team-results/sota"), shutdown: .stop,
            install: .uploaded(url("s3://team-results/sota/.sota-binaries/\(sha256)/sota"), sha256: sha256))),
        ("https-build", OnstartSpec(
            runID: "20260301-120000-00000003", repository: "https://github.com/example/sota.git", commit: commit,
            configPath: "configs/train_burgers_golden.yaml",
            datasets: [.init(source: url("https://data.example.com/burgers_1d.npz"), destination: "data/burgers_1d.npz")],
            results: url("file:///srv/results"), shutdown: .destroy, install: .buildFromRepository)),
        ("b2-none", OnstartSpec(
            runID: "20260301-120000-00000002", repository: "https://example.com/repo.git", commit: commit,
            configPath: "train.yaml", overrides: ["training.epochs=3"],
            datasets: [.init(source: url("https://data.example.com/burgers 1d.npz"), destination: "burgers_1d.npz")],
            results: url("b2://team-results/sota"), shutdown: .none,
            install: .command("curl -fsSL https://example.com/sota.tar.gz | tar -xz -C /usr/local/bin"))),
    ]

    /// A spec whose script is too long for Vast, so it ships compressed.
    static var long: OnstartSpec {
        var spec = all[0].spec
        spec.overrides = (0..<50).map { "notes.item_\($0)=a long note that makes the onstart script exceed the limit" }
        return spec
    }
}

@Suite struct OnstartScriptTests {
    @Test(arguments: OnstartVariants.all.map(\.name))
    func matchesItsGoldenFile(_ name: String) throws {
        let spec = OnstartVariants.all.first { $0.name == name }!.spec
        let script = try OnstartScript(spec)
        #expect(GoldenFile.mismatch(script.text, "Tests/SotaLaunchTests/Golden/onstart-\(name).sh") == nil)
        let payload = try script.payload()
        #expect(payload.count <= OnstartScript.vastLimit, "\(payload.count) characters")
        #expect(script.text.count > OnstartScript.vastLimit || payload == script.text, "a script under the limit ships as it is")
    }

    @Test(arguments: OnstartVariants.all.map(\.name) + ["long", "long-stub"])
    func passesBashSyntaxCheckAndShellcheck(_ name: String) throws {
        let text: String
        switch name {
        case "long": text = try OnstartScript(OnstartVariants.long).text
        case "long-stub": text = try OnstartScript(OnstartVariants.long).payload()
        default: text = try OnstartScript(OnstartVariants.all.first { $0.name == name }!.spec).text
        }
        let folder = TemporaryDirectory()
        let path = folder.write("onstart.sh", text)
        let syntax = try ProgramRun(["bash", "-n", path])
        #expect(syntax.status == 0, "bash -n: \(syntax.err)")
        guard ProgramRun.exists("shellcheck") else { return }
        let lint = try ProgramRun(["shellcheck", "--shell=bash", "--severity=style", path])
        #expect(lint.status == 0, "shellcheck findings:\n\(lint.out)\(lint.err)")
    }

    @Test func quotesEveryValueFromTheSpec() throws {
        let text = try OnstartScript(OnstartVariants.all[0].spec).text
        #expect(text.contains(#"sets=(--set=latent.dim=32 --set='notes.text=it'\''s $(not run) `ever`')"#))
        #expect(text.contains("results='file:///srv/sota results'"))
        #expect(text.contains("mkdir -p -- '/srv/sota results'/\"$run_id\""))
        #expect(!text.contains("not run) `ever`\n"), "no override text outside quotes")
    }

    @Test func namesSecretsOnlyAsVariables() throws {
        for (_, spec) in OnstartVariants.all {
            let text = try OnstartScript(spec).text
            #expect(text.contains("\"$VAST_API_KEY\"") || spec.shutdown == .none)
            #expect(!text.contains("AWS_SECRET_ACCESS_KEY="))
        }
    }

    /// The clone's credential comes from SOTA_GIT_USERNAME / SOTA_GIT_PASSWORD through git's credential helper: real
    /// git asked for a credential gets exactly those, and the script holds neither.
    @Test func gitGetsTheCredentialFromTheEnvironmentOnly() throws {
        let text = try OnstartScript(OnstartVariants.all[0].spec).text
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("  git_auth=(-c ") })
        let snippet = "\(line)\nprintf 'protocol=https\\nhost=git.example.invalid\\n\\n' | git \"${git_auth[@]}\" credential fill"
        let run = try ProgramRun(["bash", "-c", snippet], environment: [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": TemporaryDirectory().path,
            "SOTA_GIT_USERNAME": "oauth2", "SOTA_GIT_PASSWORD": "tok'en $x", "GIT_TERMINAL_PROMPT": "0",
        ])
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.contains("username=oauth2\n") && run.out.contains("password=tok'en $x\n"), "\(run.out)")
    }

    @Test func destroyOnlyAfterAnUploadElseStop() throws {
        let text = try OnstartScript(OnstartVariants.all[0].spec).text
        #expect(text.contains("""
          if upload; then
            echo "sota onstart: uploaded to $results/$run_id"
            vast_instance DELETE '{}' destroyed || stop_container
          else
            echo "sota onstart: upload failed" >&2
            vast_instance PUT '{"state": "stopped"}' "stopped (not destroyed: the results are still on its disk)" || stop_container
          fi
        """))
        #expect(text.contains("trap finish EXIT"))
    }

    @Test func aLongScriptShipsAsASelfExtractingStubThatRunsTheSameText() throws {
        let script = try OnstartScript(OnstartVariants.long)
        #expect(script.text.count > OnstartScript.vastLimit)
        let stub = try script.payload()
        #expect(stub.count <= OnstartScript.vastLimit)
        #expect(stub.hasPrefix("#!/bin/bash\n"))
        // Run the stub with a `bash` on PATH that prints the script it is given instead of running it.
        let folder = TemporaryDirectory()
        folder.write("bin/bash", "#!/bin/sh\ncat \"$1\"\n")
        chmod(folder.url("bin/bash"), 0o755)
        let stubPath = folder.write("stub.sh", stub)
        let run = try ProgramRun(["/bin/bash", stubPath], environment: ["PATH": folder.url("bin") + ":/usr/bin:/bin"])
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out == script.text)
    }

    @Test func refusesAScriptTooLongEvenCompressed() {
        do {
            _ = try OnstartScript(OnstartVariants.long).payload(limit: 200)
            Issue.record("a 200-character limit accepted the stub")
        } catch {
            #expect("\(error)".contains("Vast accepts at most 200"))
        }
    }
}
