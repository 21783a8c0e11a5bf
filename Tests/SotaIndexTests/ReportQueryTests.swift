import SotaIndex
import SotaPlan
import SotaTestSupport
import Testing
import SotaRunRecord

@Suite struct ReportQueryTests {
    private static let day = 1440

    /// Runs over two weeks of January 2026 (2026-W02 is 5–11 January): two experiments, a rejected and a failed run,
    /// a still-running one, a run on two GPUs and a CPU run without a GPU type. `finish` is the minute `updated`
    /// says the run ended.
    private func board(at path: String? = nil) throws -> Leaderboard {
        let board = try path.map { path throws(LeaderboardError) in try Leaderboard(path: path) } ?? Leaderboard.inMemory()
        let runs: [(id: String, experiment: String, start: Int, finish: Int, nrmse: Double?, passed: Bool?, status: RunManifest.Status,
                    gpu: String?, gpus: Int, seconds: Double)] = [
            ("a", "burgers", 1 * Self.day + 60, 1 * Self.day + 90, 0.30, true, .succeeded, "A100-80GB", 1, 1800),
            ("b", "burgers", 4 * Self.day + 600, 4 * Self.day + 630, 0.20, true, .succeeded, "A100-80GB", 1, 1800),
            ("c", "burgers", 4 * Self.day + 700, 4 * Self.day + 720, 0.20, true, .succeeded, "A100-80GB", 2, 1200),
            ("d", "latent-8", 6 * Self.day, 6 * Self.day + 10, 0.45, false, .rejected, "H100-80GB", 1, 600),
            ("e", "latent-8", 7 * Self.day, 7 * Self.day + 5, nil, nil, .failed, nil, 0, 300),
            ("f", "burgers", 10 * Self.day + 1439, 11 * Self.day, 0.10, true, .succeeded, "A100-80GB", 1, 3600),
            ("g", "burgers", 8 * Self.day, 8 * Self.day + 1, nil, nil, .running, "A100-80GB", 1, 60),
        ]
        for run in runs {
            var manifest = RunManifestFactory.make(
                run.id, experiment: run.experiment, minute: run.start,
                metrics: run.nrmse.map { ["full_eval": ["nrmse": $0], "small_eval": ["nrmse": $0 * 2]] } ?? [:],
                passed: run.passed, gpuType: run.gpu, stages: [("operator", "train", .succeeded, run.seconds)]
            )
            manifest.status = run.status
            manifest.updated = RunManifestFactory.timestamp(run.finish)
            manifest.hardware.gpuCount = run.gpus
            try board.ingest(manifest, manifestPath: "runs/\(run.id)/manifest.json")
        }
        return board
    }

    private let weekStart = RunManifestFactory.timestamp(4 * Self.day), weekEnd = RunManifestFactory.timestamp(11 * Self.day)

    @Test func finishedRunsOfAWeekInOrderWithTheirMetric() throws {
        let runs = try board().finishedRuns(from: weekStart, to: weekEnd, metric: "nrmse", phase: "full_eval")
        // a finished before the week, f exactly at its end (excluded), g is still running.
        #expect(runs.map(\.runID) == ["b", "c", "d", "e"])
        #expect(runs.map(\.value) == [0.20, 0.20, 0.45, nil])
        #expect(runs.map(\.status) == ["succeeded", "succeeded", "rejected", "failed"])
        #expect(runs[1].gpuCount == 2 && runs[1].gpuType == "A100-80GB" && runs[1].totalSeconds == 1200)
        #expect(runs[2].passed == false && runs[3].passed == nil && runs[3].gpuType == nil)
        #expect(runs[0].created == "2026-01-05T10:00:00.000Z" && runs[0].updated == "2026-01-05T10:30:00.000Z")
        let small = try board().finishedRuns(from: weekStart, to: weekEnd, metric: "nrmse", phase: "small_eval")
        #expect(small.map(\.value) == [0.40, 0.40, 0.90, nil])
        #expect(try board().finishedRuns(from: weekEnd, to: weekStart, metric: "nrmse", phase: "full_eval").isEmpty)
    }

    @Test func reportRunsKeepTheRequestedOrder() throws {
        let runs = try board().reportRuns(ids: ["f", "missing", "a"], metric: "nrmse", phase: "full_eval")
        #expect(runs.map(\.runID) == ["f", "a"])
        #expect(runs.map(\.value) == [0.10, 0.30])
        #expect(try board().reportRuns(ids: [], metric: "nrmse", phase: "full_eval").isEmpty)
    }

    @Test func dailyBestPerUTCDayWithTiesToTheEarlierRun() throws {
        let lower = try board().dailyBest(metric: "nrmse", phase: "full_eval", direction: .lower)
        #expect(lower == [
            Leaderboard.DailyBest(day: "2026-01-02", runID: "a", value: 0.30),
            Leaderboard.DailyBest(day: "2026-01-05", runID: "b", value: 0.20),
            Leaderboard.DailyBest(day: "2026-01-07", runID: "d", value: 0.45),
            Leaderboard.DailyBest(day: "2026-01-12", runID: "f", value: 0.10),
        ])
        let higher = try board().dailyBest(metric: "nrmse", phase: "full_eval", direction: .higher)
        #expect(higher.map(\.runID) == ["a", "b", "d", "f"], "b and c tie on 2026-01-05; b finished first")
        #expect(try board().dailyBest(metric: "missing", phase: "full_eval", direction: .lower).isEmpty)
    }

    @Test func experimentBestsAreSortedBestFirst() throws {
        let lower = try board().experimentBests(metric: "nrmse", phase: "full_eval", direction: .lower)
        #expect(lower.map(\.experiment) == ["burgers", "latent-8"])
        #expect(lower.map(\.runID) == ["f", "d"])
        #expect(lower.map(\.runs) == [4, 1], "runs without the metric are not counted")
        let higher = try board().experimentBests(metric: "nrmse", phase: "full_eval", direction: .higher)
        #expect(higher.map(\.experiment) == ["latent-8", "burgers"])
        #expect(higher.map(\.value) == [0.45, 0.30])
    }

    @Test func gpuTimePerDayAndGPUTypeForPricing() throws {
        let usage = try board().gpuTimeByDay(from: RunManifestFactory.timestamp(0), to: weekEnd)
        #expect(usage == [
            Leaderboard.GPUTime(day: "2026-01-02", gpuType: "A100-80GB", gpuSeconds: 1800, runs: 1),
            Leaderboard.GPUTime(day: "2026-01-05", gpuType: "A100-80GB", gpuSeconds: 1800 + 2 * 1200, runs: 2),
            Leaderboard.GPUTime(day: "2026-01-07", gpuType: "H100-80GB", gpuSeconds: 600, runs: 1),
            Leaderboard.GPUTime(day: "2026-01-08", gpuType: nil, gpuSeconds: 0, runs: 1),
        ])
        let later = try board().gpuTimeByDay(from: weekEnd, to: RunManifestFactory.timestamp(30 * Self.day))
        #expect(later.map(\.day) == ["2026-01-12"])
    }

    @Test func queriesWorkOnAnIndexFileReopened() throws {
        let folder = TemporaryDirectory()
        let path = folder.url(".sota/leaderboard.sqlite")
        _ = try board(at: path)
        let reopened = try Leaderboard(path: path)
        #expect(try reopened.finishedRuns(from: weekStart, to: weekEnd, metric: "nrmse", phase: "full_eval").count == 4)
        #expect(try reopened.dailyBest(metric: "nrmse", phase: "full_eval", direction: .lower).last?.runID == "f")
    }
}
