import Foundation
import SotaRunRecord
import SotaSupport
import SotaTestSupport
import Testing

/// Rankings follow the metrics a project declares: `--metric accuracy` never ranks 0.62 above 0.91.
@Suite struct DeclaredMetricsCommandTests {
    /// A project whose three runs report `accuracy` and `loss`, ingested into its index.
    private func project(_ projectFile: String, gates: [RunManifest.GateRecord] = []) throws -> TemporaryDirectory {
        let folder = TemporaryDirectory()
        folder.write("sota.yaml", projectFile)
        for (index, (accuracy, loss)) in [(0.62, 0.9), (0.91, 0.3), (0.75, 0.5)].enumerated() {
            let id = "20260101-00000\(index)-0000000\(index)"
            let manifest = RunManifestFactory.make(id, experiment: "cls", minute: index,
                                                   metrics: ["full_eval": ["accuracy": accuracy, "loss": loss]], passed: true, gates: gates)
            try RunManifestFactory.write(manifest, into: folder.url("runs/\(id)"))
        }
        let ingest = CommandRun(["ingest", "runs"], in: folder.path)
        #expect(ingest.status == 0, "\(ingest.err)")
        return folder
    }

    private func ranked(_ run: CommandRun) -> [String] {
        run.out.split(separator: "\n").dropFirst().compactMap { line in line.split(separator: " ").first { $0.hasPrefix("2026") }.map(String.init) }
    }

    @Test func theDeclaredPrimaryMetricAndItsDirectionRankByDefault() throws {
        let folder = try project("project: cls\nmetrics:\n  accuracy: {direction: higher}\n  loss: lower\n")
        let run = CommandRun(["leaderboard"], in: folder.path)
        #expect(run.status == 0 && run.err.isEmpty, "\(run.err)")
        #expect(run.out.contains("accuracy"))
        #expect(ranked(run) == ["20260101-000001-00000001", "20260101-000002-00000002", "20260101-000000-00000000"], "\(run.out)")
        // Another declared metric takes its own direction; a flag still wins.
        let loss = CommandRun(["leaderboard", "--metric", "loss", "--csv"], in: folder.path)
        #expect(loss.out.split(separator: "\r\n").dropFirst().first?.contains("20260101-000001-00000001") == true, "\(loss.out)")
        let flipped = CommandRun(["leaderboard", "--direction", "lower"], in: folder.path)
        #expect(ranked(flipped).first == "20260101-000000-00000000", "\(flipped.out)")
        let named = try project("project: cls\nmetrics:\n  loss: lower\n  accuracy: higher\nprimary_metric: accuracy\n")
        let primary = CommandRun(["leaderboard"], in: named.path)
        #expect(ranked(primary).first == "20260101-000001-00000001", "\(primary.out)")
    }

    @Test func withoutADeclarationTheGatesDirectionRanks() throws {
        let gate = RunManifest.GateRecord(name: "accuracy", phase: "full_eval", metric: "accuracy", direction: "higher", threshold: 0.5,
                                          value: 0.9, baseline: nil, baselineRun: nil, requiredImprovement: nil, passed: true, reason: "")
        let folder = try project("project: cls\n", gates: [gate])
        let run = CommandRun(["leaderboard"], in: folder.path)
        #expect(run.err.isEmpty, "\(run.err)")
        #expect(ranked(run).first == "20260101-000001-00000001", "\(run.out)")
        let named = CommandRun(["leaderboard", "--metric", "accuracy"], in: folder.path)
        #expect(ranked(named).first == "20260101-000001-00000001", "\(named.out)")
    }

    @Test func aGuessedDirectionIsSaid() throws {
        let folder = try project("project: cls\n")
        let run = CommandRun(["leaderboard", "--metric", "accuracy"], in: folder.path)
        #expect(run.status == 0)
        #expect(run.err.contains("warning: `accuracy` is not declared in sota.yaml `metrics:` nor gated by any run; ranking lower-is-better"), "\(run.err)")
    }

    @Test func schemaListsAndExportsTheProjectsKeys() throws {
        let folder = TemporaryDirectory()
        folder.copy(Paths.join(Repository.root, "sota.yaml"), to: "sota.yaml")
        let listing = CommandRun(["schema"], in: folder.path)
        #expect(listing.status == 0, "\(listing.err)")
        let lines = listing.out.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        #expect(lines.contains("latent.dim integer ≥ 1 required project latent dimension"), "\(listing.out)")
        #expect(lines.contains("training.command command required sota the train program and its arguments"), "\(listing.out)")
        #expect(lines.contains("metric nrmse lower is better primary project normalized RMSE of rollouts on held-out trajectories"), "\(listing.out)")
        let export = CommandRun(["schema", "--json-schema", "--output", ".vscode/sota.schema.json"], in: folder.path)
        #expect(export.status == 0 && export.err == "wrote .vscode/sota.schema.json\n", "\(export.err)")
        let written = try String(contentsOfFile: folder.url(".vscode/sota.schema.json"), encoding: .utf8)
        #expect(written == CommandRun(["schema", "--json-schema"], in: folder.path).out)
        #expect(CommandRun(["schema", "--output", "x.json"], in: folder.path).status == 64)
        let broken = TemporaryDirectory()
        broken.write("sota.yaml", "schema:\n  fields:\n    model.depth: {type: integr}\n")
        let refused = CommandRun(["schema", "--json-schema"], in: broken.path)
        #expect(refused.status == 1 && refused.out.isEmpty)
        #expect(refused.err.contains("sota.yaml:3:25: error: unknown type `integr`"), "\(refused.err)")
    }
}
