import Foundation
import SotaSupport
import SotaTestSupport
import Testing

/// Seed 004's whole workflow through the built binary, in a git repository holding a copy of the demo project:
/// new → run → document → promote (committed) → weekly report, which archives and catalogs.
@Suite(.serialized) struct SeedWorkflowTests {
    private func git(_ arguments: String..., in folder: String) throws -> String {
        let process = Process()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        process.arguments = ["-C", folder, "-c", "user.name=Ada", "-c", "user.email=ada@example.com"] + arguments
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text
    }

    @Test func newRunDocumentPromoteReport() throws {
        let folder = TemporaryDirectory()
        for item in ["sota.yaml", "configs", "scripts", "data", "experiments", "experiments-archive"] {
            folder.copy(Paths.join(Repository.root, item), to: item)
        }
        folder.write(".gitignore", "runs/\n.sota/\nreports/\n")
        _ = try git("init", "-q", "-b", "main", in: folder.path)
        _ = try git("config", "user.name", "Ada", in: folder.path)
        _ = try git("config", "user.email", "ada@example.com", in: folder.path)
        _ = try git("add", "-A", in: folder.path)
        _ = try git("commit", "-q", "-m", "demo", in: folder.path)

        // 1. A new experiment from the golden config.
        let created = try BinaryRun(["experiment", "new", "wider-latent", "--set", "latent.dim=32", "--set", "operator.pdet.input_dim=32"],
                                    in: folder.path)
        #expect(created.status == 0, "\(created.err)")
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.url("experiments")).first { $0.hasSuffix("-wider-latent") })
        let config = "experiments/\(name)/config.yaml"
        _ = try git("add", "-A", in: folder.path)
        _ = try git("commit", "-q", "-m", "experiment wider-latent", in: folder.path)

        // 2. Run it through the gates: the work tree is clean, so no dirty warning.
        let run = try BinaryRun(["run", "--train-config", config], in: folder.path)
        #expect(run.status == 0, "\(run.err)")
        #expect(!run.err.contains("uncommitted changes"), "\(run.err)")

        // 3. Document: the hypothesis and the decision in notes.md.
        let notes = try String(contentsOfFile: folder.url("experiments/\(name)/notes.md"), encoding: .utf8)
        #expect(notes.contains("`latent.dim`: 16 -> 32"))
        let placeholder = "[What should change, by how much, and why? `sota experiment show` prints this paragraph.]"
        #expect(notes.contains(placeholder))
        folder.write("experiments/\(name)/notes.md", notes.replacingOccurrences(of: placeholder, with: "A wider latent space lowers NRMSE."))
        let shown = try BinaryRun(["experiment", "show", "wider-latent"], in: folder.path)
        #expect(shown.out.contains("A wider latent space lowers NRMSE."), "\(shown.out)")

        // 4. Promote it, committed through libgit2.
        let promoted = try BinaryRun(["promote", config, "--rename", "train_burgers_32dim", "--commit"], in: folder.path)
        #expect(promoted.status == 0, "\(promoted.err)")
        #expect(promoted.out.contains("promoted \(config) to configs/train_burgers_32dim.yaml (run "), "\(promoted.out)")
        let head = try git("log", "-1", "--format=%s%n%an", "--name-only", in: folder.path)
        #expect(head.contains("Promote wider-latent to configs/train_burgers_32dim.yaml") && head.contains("Ada"), "\(head)")
        #expect(try BinaryRun(["experiment", "show", "wider-latent"], in: folder.path).out.contains("promoted"))

        // 5. The weekly maintenance: the promoted experiment is finished and is archived; the catalog and report follow.
        let report = try BinaryRun(["report", "--weekly", "--apply"], in: folder.path)
        #expect(report.status == 0, "\(report.err)")
        #expect(report.out.contains("archived experiments/\(name) -> experiments-archive/\(name)"), "\(report.out)")
        let week = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.url("reports")).first { !$0.hasPrefix(".") })
        let html = try String(contentsOfFile: folder.url("reports/\(week)/report.html"), encoding: .utf8)
        #expect(html.contains("wider-latent") && html.contains("<svg"))
        #expect(!html.contains("http://") && !html.contains("https://"))
        let catalog = try String(contentsOfFile: folder.url("reports/\(week)/catalog.csv"), encoding: .utf8)
        #expect(catalog.contains("configs/train_burgers_32dim.yaml,production,"), "\(catalog)")
        #expect(catalog.contains("experiments-archive/\(name)/config.yaml,archived,wider-latent,"), "\(catalog)")
        #expect(catalog.contains("configs/train_burgers_32dim.yaml"))
        let leaderboard = try BinaryRun(["leaderboard"], in: folder.path)
        #expect(leaderboard.out.contains("wider-latent"), "\(leaderboard.out)")
    }
}
