import Foundation
import SotaIndex
import SotaPlan
import SotaRunRecord
import SotaSupport
import SotaTestSupport
import Testing

/// Hyperparameters in the index: stored from manifests, shown beside the ranking, filtered by `--where` through
/// either plan with the same answer as a plain filter over every run.
@Suite struct ParameterQueryTests {
    private struct Run {
        var id: String
        var accuracy: Double
        var loss: Double
        var parameters: [String: RunManifest.ParameterValue]
    }

    /// `count` runs with seeded hyperparameters: lr of four values, depth of four, a backbone name, a flag, a seed.
    private func runs(_ count: Int) -> [Run] {
        var generator = SplitMix(state: 20261207)
        return (0..<count).map { index in
            let accuracy = Double(Int.random(in: 0..<1000, using: &generator)) / 1000
            return Run(id: String(format: "R%05d", index), accuracy: accuracy, loss: 1 - accuracy, parameters: [
                "optimizer.lr": .number([1e-4, 3e-4, 1e-3, 3e-3][index % 4]),
                "model.depth": .number([2, 4, 8, 16][(index / 4) % 4]),
                "model.name": .text(["resnet18", "resnet50", "vit_b16"][index % 3]),
                "model.pretrained": .flag(index % 5 == 0),
                "seed": .number(Double(index % 97)),
            ])
        }
    }

    private func board(_ runs: [Run]) throws -> Leaderboard {
        let board = try Leaderboard.inMemory()
        let manifests = runs.enumerated().map { index, run in
            var manifest = RunManifestFactory.make(run.id, experiment: index % 2 == 0 ? "even" : "odd", minute: index,
                                                   metrics: ["full_eval": ["accuracy": run.accuracy, "loss": run.loss]], passed: true)
            manifest.parameters = run.parameters
            return (manifest: manifest, manifestPath: "runs/\(run.id)/manifest.json")
        }
        _ = try board.ingest(manifests)
        return board
    }

    /// The ids a plain filter over `runs` ranks first: what any plan must return.
    private func expected(_ runs: [Run], limit: Int, _ keep: (Run) -> Bool) -> [String] {
        runs.enumerated().filter { keep($0.element) }
            .sorted { ($1.element.accuracy, $0.offset) < ($0.element.accuracy, $1.offset) }
            .prefix(limit).map(\.element.id)
    }

    @Test func rowsCarryTheirHyperparametersAndTheVaryingOnesAreColumns() throws {
        let board = try board(runs(12))
        let rows = try board.top(metric: "accuracy", phase: "full_eval", direction: .higher, limit: 3)
        #expect(rows.allSatisfy { $0.parameters.count == 5 })
        let all = runs(12)
        #expect(rows.allSatisfy { row in all.first { $0.id == row.runID }?.parameters == row.parameters })
        let varying = LeaderboardOutput.varyingParameters(rows)
        #expect(!varying.isEmpty && varying == varying.sorted())
        for key in varying { #expect(Set(rows.map { $0.parameters[key] }).count > 1) }
        let text = LeaderboardOutput.render(rows, format: .text, metric: "accuracy", phase: "full_eval", experiment: nil, parameters: ["optimizer.lr", "model.name"])
        #expect(text.split(separator: "\n").first?.split(separator: " ", omittingEmptySubsequences: true).prefix(6)
                .joined(separator: " ") == "# run experiment accuracy optimizer.lr model.name")
        let csv = LeaderboardOutput.render(rows, format: .csv, metric: "accuracy", phase: "full_eval", experiment: nil, parameters: ["model.pretrained"])
        #expect(csv.hasPrefix(LeaderboardOutput.columns.joined(separator: ",") + ",model.pretrained\r\n"))
        let json = LeaderboardOutput.render(rows, format: .json, metric: "accuracy", phase: "full_eval", experiment: nil)
        let parsed = (try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["runs"] as? [[String: Any]]
        #expect((parsed?.first?["parameters"] as? [String: Any])?["model.pretrained"] is Bool)
    }

    @Test func whereMatchesAPlainFilterThroughEitherPlan() throws {
        let all = runs(3000)
        let board = try board(all)
        func number(_ run: Run, _ key: String) -> Double? { run.parameters[key]?.number }
        let cases: [(String, (Run) -> Bool)] = [
            ("optimizer.lr < 1e-3 and model.depth = 4", { number($0, "optimizer.lr")! < 1e-3 && number($0, "model.depth") == 4 }),
            ("seed = 7", { number($0, "seed") == 7 }),
            ("seed = 7 and model.name = vit_b16", { number($0, "seed") == 7 && $0.parameters["model.name"] == .text("vit_b16") }),
            ("model.name != 'resnet18' AND seed >= 90", { $0.parameters["model.name"] != .text("resnet18") && number($0, "seed")! >= 90 }),
            ("model.pretrained = true and accuracy > 0.5", { $0.parameters["model.pretrained"] == .flag(true) && $0.accuracy > 0.5 }),
            ("metrics.loss <= 0.2", { $0.loss <= 0.2 }),
            ("seed = 1000", { _ in false }),
            ("optimizer.lr > 0", { _ in true }),
        ]
        for (text, keep) in cases {
            let filter = try LeaderboardFilter(parsing: text, metrics: ["accuracy"])
            let rows = try board.top(metric: "accuracy", phase: "full_eval", direction: .higher, limit: 10, conditions: filter)
            #expect(rows.map(\.runID) == expected(all, limit: 10, keep), "\(text)")
        }
    }

    @Test func aSelectiveConditionDrivesTheQueryAndABroadOneWalksTheRanking() throws {
        let board = try board(runs(3000))
        let selective = try board.topQueryPlan(metric: "accuracy", phase: "full_eval", direction: .higher, limit: 10,
                                               conditions: LeaderboardFilter(parsing: "seed = 7", metrics: []))
        #expect(selective.first?.contains("params_key_num (key=? AND num=?)") == true, "\(selective)")
        let broad = try board.topQueryPlan(metric: "accuracy", phase: "full_eval", direction: .higher, limit: 10,
                                           conditions: LeaderboardFilter(parsing: "optimizer.lr < 3e-3 and model.name != x", metrics: []))
        #expect(broad.first?.contains("metrics_phase_name_value") == true, "\(broad)")
        #expect(!broad.contains { $0.contains("USE TEMP B-TREE FOR ORDER BY") }, "\(broad)")
    }

    @Test func malformedConditionsAreNamed() {
        let cases: [(String, String)] = [
            ("", "--where is empty"),
            ("optimizer.lr", "has no comparison"),
            ("optimizer.lr <", "compares with nothing"),
            ("model.name < resnet", "text compares only with = or !="),
            ("lr = 'open", "has no closing quote"),
            ("x = 1e999", "is not a finite number"),
            ("drop table; = 1", "is not a parameter or metric name"),
            ("a = b c", "is not one value"),
        ]
        for (text, message) in cases {
            do {
                _ = try LeaderboardFilter(parsing: text, metrics: [])
                Issue.record("accepted `\(text)`")
            } catch {
                #expect(error.message.contains(message), "\(text): \(error.message)")
            }
        }
    }

    @Test func theRawReaderAgreesWithTheFullLeaderboard() throws {
        let folder = TemporaryDirectory()
        let path = folder.url("board.sqlite")
        let all = runs(500)
        do {
            let board = try Leaderboard(path: path)
            _ = try board.ingest(all.map { run in
                var manifest = RunManifestFactory.make(run.id, metrics: ["full_eval": ["accuracy": run.accuracy]], passed: true)
                manifest.parameters = run.parameters
                return (manifest: manifest, manifestPath: "runs/\(run.id)/manifest.json")
            })
        }
        for text in ["seed = 7", "optimizer.lr < 1e-3 and model.depth = 4"] {
            let filter = try LeaderboardFilter(parsing: text, metrics: [])
            let raw = LeaderboardReader.top(path: path) { count in
                LeaderboardTopQuery.choosingPlan(metric: "accuracy", phase: "full_eval", direction: .higher, limit: 10, experiment: nil,
                                                 conditions: filter, count: count)
            }
            let full = try Leaderboard(path: path).top(metric: "accuracy", phase: "full_eval", direction: .higher, limit: 10, conditions: filter)
            #expect(raw == full, "\(text)")
            #expect(raw?.first?.parameters.isEmpty == false)
        }
    }
}
