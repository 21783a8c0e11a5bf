import Foundation
import SotaSupport
import SotaIndex
import SotaTestSupport
import Testing

/// A project whose children are one-line shell commands: `good.yaml` passes its gate, `bad.yaml` fails it.
private struct PromotionProject {
    let folder = TemporaryDirectory()
    var root: String { folder.path }

    init() {
        write("sota.yaml", "project: promotions\n")
        for (name, gate) in [("good", 0.5), ("bad", 0.05)] {
            write("\(name).yaml", """
                experiment: \(name)-exp
                seed: 1
                training:
                  command: [sh, -c, 'echo done > "$SOTA_CHECKPOINT_DIR/model.out"']
                  epochs: 1
                  learning_rate: 0.1
                  checkpoint: model.out
                  stages: [{name: fit, outputs: [model.out]}]
                resources: {platform: cpu}
                pipeline: {full_eval: eval-\(name).yaml}

                """)
            write("eval-\(name).yaml", """
                evaluation:
                  command: [sh, -c, 'echo "{\\"nrmse\\": 0.1}" > "$SOTA_METRICS"']
                  metrics: metrics.json
                gates: [{metric: nrmse, direction: lower, threshold: \(gate)}]

                """)
        }
    }

    func write(_ path: String, _ text: String) {
        let full = Paths.join(root, path)
        try? FileManager.default.createDirectory(atPath: Paths.parent(of: full), withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: full, contents: Data(text.utf8))
    }

    func read(_ path: String) -> String? {
        FileManager.default.contents(atPath: Paths.join(root, path)).map { String(decoding: $0, as: UTF8.self) }
    }

    func sota(_ arguments: String...) -> CommandRun {
        CommandRun(arguments, in: root)
    }

    @discardableResult
    func git(_ arguments: String...) throws -> String {
        let process = Process()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        process.arguments = ["-C", root] + arguments
        process.environment = ["GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.com", "GIT_COMMITTER_NAME": "Ada",
                               "GIT_COMMITTER_EMAIL": "ada@example.com", "HOME": root]
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }
}

@Suite struct PromoteCommandTests {
    /// `sota run --promote` and `sota promote` are one promotion: the same production file, history, experiment
    /// metadata and leaderboard rows, times and row ids aside. (They once differed in who a promotion names when git
    /// names no author: `promote` wrote "unknown", `run --promote` nothing; now neither invents a name.)
    @Test func runPromoteAndPromoteLeaveTheSameFilesAndRows() throws {
        func promotedState(viaRun: Bool) throws -> [String] {
            let project = PromotionProject()
            #expect(project.sota("experiment", "new", "wide", "--from", "good.yaml").status == 0)
            let folder = try #require(try FileManager.default.contentsOfDirectory(atPath: Paths.join(project.root, "experiments")).first { $0.hasSuffix("-wide") })
            let config = "experiments/\(folder)/config.yaml", runID = "20260101-000000-0000000d"
            // An earlier production config of the experiment, so both paths also keep the replaced one.
            project.write("configs/wide.yaml", "experiment: wide\n# the config before\n")
            if viaRun {
                let run = project.sota("run", "--train-config", config, "--run-id", runID, "--promote")
                #expect(run.status == 0, "\(run.err)")
            } else {
                #expect(project.sota("run", "--train-config", config, "--run-id", runID).status == 0)
                let promoted = project.sota("promote", config)
                #expect(promoted.status == 0, "\(promoted.err)")
            }
            // Times and the kept file's time-stamped name differ between the two projects; everything else may not.
            func timeless(_ text: String?) -> String {
                (text ?? "<missing>").replacingOccurrences(of: #""(at|rolled_back_at|last_activity|created)" : "[^"]*""#, with: "\"$1\" : \"T\"",
                                                           options: .regularExpression)
                    .replacingOccurrences(of: #"wide-[0-9TZ-]+\.yaml"#, with: "wide-T.yaml", options: .regularExpression)
            }
            let board = try Leaderboard(path: Paths.join(project.root, ".sota/leaderboard.sqlite"))
            let rows = try board.promotions().map { row in
                [row.runID, row.experiment, row.configPath, row.productionPath, row.promotedBy ?? "-", "\(row.forced)",
                 timeless(row.previousPath.map { "\"\($0)\"" }), row.gitCommit ?? "-", row.rolledBackAt ?? "-"].joined(separator: "|")
            }
            return [project.read("configs/wide.yaml") ?? "<missing>", timeless(project.read("configs/.previous/promotions.json")),
                    timeless(project.read("experiments/\(folder)/metadata.json"))] + rows
        }
        let viaRun = try promotedState(viaRun: true), viaPromote = try promotedState(viaRun: false)
        #expect(viaRun == viaPromote)
        #expect(viaRun.count == 4, "one promotion row")
        #expect(viaRun[1].contains("\"run_id\" : \"20260101-000000-0000000d\""))
        #expect(viaRun[2].contains("\"status\" : \"promoted\""))
    }

    @Test func aConfigWithoutAPassingRunIsRefusedUnlessForced() throws {
        let project = PromotionProject()
        let early = project.sota("promote", "good.yaml")
        #expect(early.status == 1)
        #expect(early.err.contains("no run of good.yaml (config sha256 "), "\(early.err)")
        #expect(early.err.contains("--force"))
        #expect(project.read("configs/good-exp.yaml") == nil)

        #expect(project.sota("run", "--train-config", "bad.yaml").status == 3)
        #expect(project.sota("promote", "bad.yaml").status == 1)
        let forced = project.sota("promote", "bad.yaml", "--force")
        #expect(forced.status == 0, "\(forced.err)")
        #expect(forced.out.contains("promoted bad.yaml to configs/bad-exp.yaml (forced: no run passed every gate)"), "\(forced.out)")
        #expect(project.read("configs/bad-exp.yaml") == project.read("bad.yaml"))
    }

    @Test func aPassingRunPromotesTheExactConfigAndRecordsWhoAndWhich() throws {
        let project = PromotionProject()
        let run = project.sota("run", "--train-config", "good.yaml")
        #expect(run.status == 0, "\(run.err)")
        let promoted = project.sota("promote", "good.yaml", "--rename", "train_good.yaml")
        #expect(promoted.status == 0, "\(promoted.err)")
        #expect(promoted.out.contains("promoted good.yaml to configs/train_good.yaml (run "), "\(promoted.out)")
        #expect(promoted.out.contains("nrmse[full_eval] 0.1"))
        #expect(project.read("configs/train_good.yaml") == project.read("good.yaml"))
        #expect(project.sota("promote", "good.yaml", "--rename", "train_good").out.contains("already holds this config"))

        // A changed config is a different config: its run no longer vouches for it.
        project.write("good.yaml", project.read("good.yaml")!.replacingOccurrences(of: "learning_rate: 0.1", with: "learning_rate: 0.2"))
        let edited = project.sota("promote", "good.yaml", "--rename", "train_good")
        #expect(edited.status == 1)
        #expect(edited.err.contains("passed every gate"))
        #expect(project.read("configs/train_good.yaml")!.contains("learning_rate: 0.1"))
    }

    @Test func anotherExperimentsProductionConfigIsNeverReplaced() throws {
        let project = PromotionProject()
        #expect(project.sota("run", "--train-config", "good.yaml").status == 0)
        project.write("configs/taken.yaml", "experiment: someone-else\n")
        let clash = project.sota("promote", "good.yaml", "--rename", "taken")
        #expect(clash.status == 1)
        #expect(clash.err.contains("configs/taken.yaml is the production config of experiment `someone-else`"), "\(clash.err)")
        #expect(clash.err.contains("--rename"))
        #expect(project.read("configs/taken.yaml") == "experiment: someone-else\n")
    }

    @Test func badNamesAndFoldersOutsideTheProjectAreRefused() throws {
        let project = PromotionProject()
        #expect(project.sota("run", "--train-config", "good.yaml").status == 0)
        for name in ["../escape", "a/b", "-dash", ".hidden", "semi;colon", "tab\tname"] {
            let run = project.sota("promote", "good.yaml", "--rename=\(name)")
            #expect(run.status == 1, "\(name)")
            #expect(run.err.contains("cannot name a production config"), "\(name): \(run.err)")
        }
        let outside = project.sota("promote", "good.yaml", "--production-dir", "../elsewhere")
        #expect(outside.status == 1)
        #expect(outside.err.contains("is outside the project"), "\(outside.err)")
        try FileManager.default.createSymbolicLink(atPath: Paths.join(project.root, "linked"), withDestinationPath: "/tmp")
        let linked = project.sota("promote", "good.yaml", "--production-dir", "linked/configs")
        #expect(linked.status == 1)
        #expect(linked.err.contains("is outside the project"), "\(linked.err)")
        let broken = project.sota("promote", "good.yaml", "--production-dir", "conf\nigs")
        #expect(broken.status == 1 && broken.err.contains(#"--production-dir "conf\nigs" contains a control character"#), "\(broken.err)")
        #expect(Paths.kind(of: Paths.join(project.root, "conf\nigs")) == .missing)
        #expect(project.sota("promote", "--rollback", "x", "--force").status == 64)
        #expect(project.sota("promote").status == 64)
    }

    @Test func rollbackRestoresThePreviousConfigAndKeepsTheRolledBackOne() throws {
        let project = PromotionProject()
        let first = project.read("good.yaml")!
        #expect(project.sota("run", "--train-config", "good.yaml").status == 0)
        #expect(project.sota("promote", "good.yaml").status == 0)
        let second = first.replacingOccurrences(of: "epochs: 1", with: "epochs: 2")
        project.write("good.yaml", second)
        #expect(project.sota("run", "--train-config", "good.yaml").status == 0)
        let replaced = project.sota("promote", "good.yaml")
        #expect(replaced.status == 0, "\(replaced.err)")
        #expect(replaced.out.contains("the config it replaced is kept in configs/.previous/good-exp-"), "\(replaced.out)")
        #expect(project.read("configs/good-exp.yaml") == second)

        let rolled = project.sota("promote", "--rollback", "good-exp")
        #expect(rolled.status == 0, "\(rolled.err)")
        #expect(rolled.out.contains("rolled back configs/good-exp.yaml: restored configs/.previous/good-exp-"), "\(rolled.out)")
        #expect(project.read("configs/good-exp.yaml") == first)
        let kept = try FileManager.default.contentsOfDirectory(atPath: Paths.join(project.root, "configs/.previous"))
        #expect(kept.contains { $0.hasSuffix("-rolled-back.yaml") })

        // The first promotion replaced nothing, so there is nothing further back to restore.
        let again = project.sota("promote", "--rollback", "good-exp")
        #expect(again.status == 1)
        #expect(again.err.contains("had no production config before"), "\(again.err)")
        #expect(project.sota("promote", "--rollback", "never-promoted").err.contains("no promotion to configs/never-promoted.yaml"))
    }

    @Test func commitRecordsOnlyTheProductionConfig() throws {
        let project = PromotionProject()
        try project.git("init", "-q", "-b", "main")
        project.write(".gitignore", "runs/\n.sota/\n")
        try project.git("add", "-A")
        try project.git("commit", "-q", "-m", "start")
        #expect(project.sota("run", "--train-config", "good.yaml").status == 0)
        // Something the user staged for another reason stays staged and out of the promotion's commit.
        project.write("unrelated.txt", "work in progress\n")
        try project.git("add", "unrelated.txt")
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = project.root
        try project.git("config", "user.name", "Ada")
        try project.git("config", "user.email", "ada@example.com")
        let promoted = CommandRun(["promote", "good.yaml", "--commit"], in: project.root, environment: environment)
        #expect(promoted.status == 0, "\(promoted.err)")
        #expect(promoted.out.contains("committed "))
        let log = try project.git("log", "-1", "--format=%an <%ae>%n%s%n%b", "--name-only")
        #expect(log.contains("Ada <ada@example.com>"))
        #expect(log.contains("Promote good-exp to configs/good-exp.yaml"))
        #expect(log.contains("Metrics: nrmse[full_eval] 0.1"))
        #expect(log.contains("configs/good-exp.yaml"))
        #expect(!log.contains("unrelated.txt"))
        let status = try project.git("status", "--porcelain")
        #expect(status.contains("A  unrelated.txt"), "\(status)")
        #expect(!status.contains("good-exp"), "\(status)")
    }

    @Test func anExperimentsPromotionAndRollbackAreRecordedInItsMetadata() throws {
        let project = PromotionProject()
        let created = project.sota("experiment", "new", "wide", "--from", "good.yaml", "--set", "training.epochs=2")
        #expect(created.status == 0, "\(created.err)")
        let folder = try #require(try FileManager.default.contentsOfDirectory(atPath: Paths.join(project.root, "experiments")).first { $0.hasSuffix("-wide") })
        let config = "experiments/\(folder)/config.yaml"
        #expect(project.sota("run", "--train-config", config).status == 0)
        let promoted = project.sota("promote", config)
        #expect(promoted.status == 0, "\(promoted.err)")
        #expect(promoted.out.contains("promoted \(config) to configs/wide.yaml"), "\(promoted.out)")
        #expect(promoted.out.contains("recorded in experiments/\(folder)/metadata.json"))
        var metadata = try #require(project.read("experiments/\(folder)/metadata.json"))
        #expect(metadata.contains("\"destination\" : \"configs/wide.yaml\""), "\(metadata)")
        #expect(project.sota("experiment", "show", "wide").out.contains("promoted"))

        // A second version replaces the first; rolling back marks the second promotion in the metadata.
        project.write(config, project.read(config)!.replacingOccurrences(of: "learning_rate: 0.1", with: "learning_rate: 0.3"))
        #expect(project.sota("run", "--train-config", config).status == 0)
        #expect(project.sota("promote", config).status == 0)
        let rolled = project.sota("promote", "--rollback", "wide")
        #expect(rolled.status == 0, "\(rolled.err)")
        #expect(rolled.out.contains("recorded in experiments/\(folder)/metadata.json"), "\(rolled.out)")
        metadata = try #require(project.read("experiments/\(folder)/metadata.json"))
        #expect(metadata.components(separatedBy: "\"rolled_back_at\"").count == 2, "\(metadata)")
    }

    @Test func brokenExperimentMetadataStopsThePromotionBeforeAnythingChanges() throws {
        let project = PromotionProject()
        #expect(project.sota("experiment", "new", "wide", "--from", "good.yaml").status == 0)
        let folder = try #require(try FileManager.default.contentsOfDirectory(atPath: Paths.join(project.root, "experiments")).first { $0.hasSuffix("-wide") })
        let config = "experiments/\(folder)/config.yaml"
        #expect(project.sota("run", "--train-config", config).status == 0)
        project.write("experiments/\(folder)/metadata.json", "{ broken")
        let refused = project.sota("promote", config)
        #expect(refused.status == 1)
        #expect(refused.err.contains("experiments/\(folder)/metadata.json"), "\(refused.err)")
        #expect(project.read("configs/wide.yaml") == nil)
        #expect(project.read("experiments/\(folder)/metadata.json") == "{ broken")
    }

    @Test func commitOutsideARepositoryIsAClearRefusalAndPromotesNothing() throws {
        let project = PromotionProject()
        #expect(project.sota("run", "--train-config", "good.yaml").status == 0)
        let run = project.sota("promote", "good.yaml", "--commit")
        #expect(run.status == 1)
        #expect(run.err.contains("the commit was not made"), "\(run.err)")
    }
}

@Suite struct CalibratedDryRunTests {
    @Test func dryRunRestsOnPastRunsOfSimilarSize() throws {
        let project = PromotionProject()
        // The runs happen on this machine's CPU (no nvidia-smi), which is what they record and what calibrates.
        let config = project.read("good.yaml")!.replacingOccurrences(of: "resources: {platform: cpu}", with: "resources: {platform: cpu, gpu: CPU}")
        project.write("good.yaml", config)
        project.write("configs/prices.yaml", "currency: USD\ngpus:\n  A100-80GB: 2.0\n  CPU: 0.1\n")
        for _ in 0..<3 { #expect(project.sota("run", "--train-config", "good.yaml").status == 0) }
        let similar = project.sota("dry-run", "good.yaml", "--estimate-only")
        #expect(similar.status == 0, "\(similar.err)")
        #expect(similar.out.contains("median of 3 past runs on CPU of similar size, scaled to this one (leaderboard)"), "\(similar.out)")
        // Ten times the epochs: the same runs, now scaled up from another size.
        let bigger = project.sota("dry-run", "good.yaml", "--estimate-only", "--set", "training.epochs=10")
        #expect(bigger.out.contains("median of 3 past runs on CPU of other sizes, scaled to this one"), "\(bigger.out)")
        // Issue 13 item 18: runs on a CPU never calibrate a GPU's estimate.
        let a100 = project.sota("dry-run", "good.yaml", "--estimate-only", "--gpu", "A100-80GB")
        #expect(!a100.out.contains("past runs"), "\(a100.out)")
    }
}
