import Foundation
import SotaSupport
import SotaIndex
import SotaWorkspace
import SotaOperations
import SotaTestSupport
import Testing

@Suite struct PromotionTests {
    @Test func aConfigWithoutAPassingRunIsRefusedUnlessForcedAndForcedIsRecorded() throws {
        let project = OperationProject()
        let promotion = Promotion(project: project.project, board: try project.board(), environment: project.environment)
        let request = Promotion.Request(config: .file(path: project.folder.url("bad.yaml"), display: "bad.yaml"))
        #expect(throws: ConfigPromotion.Refusal.self) { try promotion(request) }
        #expect(!project.exists("configs/bad-exp.yaml"))

        var forced = request
        forced.force = true
        let result = try promotion(forced)
        #expect(result.runID == nil)
        #expect(result.outcome.destination == "configs/bad-exp.yaml")
        #expect(project.read("configs/bad-exp.yaml") == project.read("bad.yaml"))
        let entries = try ProductionHistory(productionFolder: project.folder.url("configs"), projectRoot: project.root).entries()
        #expect(entries.map(\.forced) == [true])
        #expect(entries.first?.by == Promotion.person(in: project.project, environment: project.environment))
        #expect(try project.board().promotions().map(\.forced) == [true])
    }

    @Test func aPassingRunIsFoundByTheConfigsHashAndIndexingFirstCountsCopiedRuns() throws {
        let project = OperationProject()
        _ = try project.run(project.runRequest("good.yaml", runID: "20260101-000000-0000000c"))
        // A leaderboard that lost the run: --update-leaderboard indexes the runs folder first.
        try project.dropLeaderboard()
        var indexed: [Int] = []
        let promotion = Promotion(project: project.project, board: try project.board(), environment: project.environment)
        let result = try promotion(Promotion.Request(config: .file(path: project.folder.url("good.yaml"), display: "good.yaml"),
                                                     updateLeaderboard: true, rename: "train_good")) { progress in
            if case .indexed(let count, _) = progress { indexed.append(count) }
        }
        #expect(indexed == [1])
        #expect(result.runID == "20260101-000000-0000000c")
        #expect(result.metricSummary == "nrmse[full_eval] 0.1")
        #expect(project.read("configs/train_good.yaml") == project.read("good.yaml"))
        #expect(try project.board().promotions().map(\.runID) == ["20260101-000000-0000000c"])
    }

    @Test func anInvalidOrEvaluationConfigChangesNothing() throws {
        let project = OperationProject()
        let promotion = Promotion(project: project.project, board: try project.board(), environment: project.environment)
        project.folder.write("broken.yaml", "experiment: [unclosed\n")
        #expect(throws: Promotion.InvalidConfig.self) {
            try promotion(Promotion.Request(config: .file(path: project.folder.url("broken.yaml"), display: "broken.yaml"), force: true))
        }
        #expect(throws: ConfigPromotion.Refusal.self) {
            try promotion(Promotion.Request(config: .file(path: project.folder.url("eval-good.yaml"), display: "eval-good.yaml"), force: true))
        }
        #expect(!project.exists("configs"))
    }
}

@Suite struct RollbackTests {
    @Test func aRollbackRestoresTheReplacedConfigAndMarksThePromotionEverywhere() throws {
        let project = OperationProject()
        let board = try project.board()
        let promotion = Promotion(project: project.project, board: board, environment: project.environment)
        let request = Promotion.Request(config: .file(path: project.folder.url("good.yaml"), display: "good.yaml"), force: true)
        _ = try promotion(request)
        let first = project.read("configs/good-exp.yaml")
        project.folder.write("good.yaml", (project.read("good.yaml") ?? "").replacingOccurrences(of: "learning_rate: 0.1", with: "learning_rate: 0.2"))
        let second = try promotion(request)
        #expect(second.outcome.previous != nil)

        let rollback = Rollback(project: project.project, board: board, environment: project.environment)
        let result = try rollback(Rollback.Request(name: "good-exp"))
        #expect(result.productionPath == "configs/good-exp.yaml")
        #expect(result.restored == second.outcome.previous)
        #expect(project.read("configs/good-exp.yaml") == first)
        let entries = try ProductionHistory(productionFolder: project.folder.url("configs"), projectRoot: project.root).entries()
        #expect(entries.map { $0.rolledBackAt != nil } == [false, true])
        #expect(entries.last?.rolledBackBy == Promotion.person(in: project.project, environment: project.environment))
        #expect(try board.promotions(productionPath: "configs/good-exp.yaml").filter(\.isCurrent).count == 1)

        // The first promotion replaced nothing, so there is nothing further to roll back to.
        #expect(throws: ConfigPromotion.Refusal.self) { try rollback(Rollback.Request(name: "good-exp")) }
        #expect(throws: ConfigPromotion.Refusal.self) { try rollback(Rollback.Request(name: "../escape")) }
    }
}
