import Foundation
import SotaReport

/// Reports with fixed contents and dates, so their HTML is byte-for-byte stable.
enum ReportSamples {
    /// 2026-W02 is Monday 5 January to Sunday 11 January 2026.
    static let week = ISOWeek(year: 2026, week: 2)

    /// `day` days after 1 January 2026, at `hour`:`minute` UTC.
    static func date(day: Int, hour: Int = 12, minute: Int = 0) -> Date {
        Date(timeIntervalSince1970: 1_767_225_600 + Double(day * 86_400 + hour * 3600 + minute * 60))
    }

    static let metric = WeeklyReport.Metric(name: "nrmse", phase: "full_eval", direction: .lower)

    /// A busy week: runs of three experiments (one with a hostile name), a new record, a run without a price,
    /// archive candidates and a catalog.
    static var busy: WeeklyReport {
        let hostile = "<script>alert('x')</script> & \"friends\""
        let weekRuns = [
            WeeklyReport.WeekRun(runID: "20260105-091500-1a2b3c4d", experiment: "burgers-golden", status: "succeeded",
                                 started: date(day: 4, hour: 9, minute: 15), finished: date(day: 4, hour: 9, minute: 40),
                                 duration: 1490, cost: 0.6622, value: 0.0612, passed: true),
            WeeklyReport.WeekRun(runID: "20260106-140000-5e6f7a8b", experiment: "latent-8", status: "rejected",
                                 started: date(day: 5, hour: 14), finished: date(day: 5, hour: 14, minute: 20),
                                 duration: 1180, cost: 0.5244, value: 0.3141, passed: false),
            WeeklyReport.WeekRun(runID: "20260107-080000-9c0d1e2f", experiment: hostile, status: "failed",
                                 started: date(day: 6, hour: 8), finished: date(day: 6, hour: 8, minute: 3),
                                 duration: 175, cost: nil, value: nil, passed: nil),
            WeeklyReport.WeekRun(runID: "20260109-173000-3a4b5c6d", experiment: "burgers-golden", status: "succeeded",
                                 started: date(day: 8, hour: 17, minute: 30), finished: date(day: 8, hour: 18, minute: 5),
                                 duration: 2080, cost: 0.9244, value: 0.0433, passed: true),
        ]
        let leaderboard = [
            WeeklyReport.LeaderboardEntry(rank: 1, runID: "20260109-173000-3a4b5c6d", experiment: "burgers-golden", value: 0.0433,
                                          passed: true, gpu: "A100-80GB", gpuCount: 1, cost: 0.9244, finished: date(day: 8, hour: 18, minute: 5)),
            WeeklyReport.LeaderboardEntry(rank: 2, runID: "20251230-101010-77777777", experiment: "burgers-golden", value: 0.0518,
                                          passed: true, gpu: "H100-80GB", gpuCount: 2, cost: 3.15, finished: date(day: -2, hour: 11)),
            WeeklyReport.LeaderboardEntry(rank: 3, runID: "20260105-091500-1a2b3c4d", experiment: "burgers-golden", value: 0.0612,
                                          passed: true, gpu: "A100-80GB", gpuCount: 1, cost: 0.6622, finished: date(day: 4, hour: 9, minute: 40)),
            WeeklyReport.LeaderboardEntry(rank: 4, runID: "20251222-120000-88888888", experiment: "latent-16", value: 0.0950,
                                          passed: nil, gpu: nil, gpuCount: 0, cost: nil, finished: date(day: -10, hour: 13)),
        ]
        let series = WeeklyReport.Series(
            bestByDay: [
                .init(day: date(day: -10, hour: 0), value: 0.0950, runID: "20251222-120000-88888888"),
                .init(day: date(day: -6, hour: 0), value: 0.2100, runID: "20251226-090000-99999999"),
                .init(day: date(day: -2, hour: 0), value: 0.0518, runID: "20251230-101010-77777777"),
                .init(day: date(day: 4, hour: 0), value: 0.0612, runID: "20260105-091500-1a2b3c4d"),
                .init(day: date(day: 5, hour: 0), value: 0.3141, runID: "20260106-140000-5e6f7a8b"),
                .init(day: date(day: 8, hour: 0), value: 0.0433, runID: "20260109-173000-3a4b5c6d"),
            ],
            bestByExperiment: [
                .init(experiment: "burgers-golden", value: 0.0433, runID: "20260109-173000-3a4b5c6d", runs: 3),
                .init(experiment: "latent-16", value: 0.0950, runID: "20251222-120000-88888888", runs: 1),
                .init(experiment: "latent-8", value: 0.3141, runID: "20260106-140000-5e6f7a8b", runs: 1),
                .init(experiment: hostile, value: 0.5, runID: "x", runs: 1),
            ],
            costByWeek: [
                .init(week: ISOWeek(year: 2025, week: 52), cost: 1.2, runs: 2, unpricedRuns: 1),
                .init(week: ISOWeek(year: 2026, week: 1), cost: 3.15, runs: 1, unpricedRuns: 0),
                .init(week: ISOWeek(year: 2026, week: 2), cost: 2.111, runs: 4, unpricedRuns: 1),
            ]
        )
        var report = WeeklyReport(
            projectName: "burgers-demo", metric: metric, period: .init(week: week), generatedAt: date(day: 11, hour: 8, minute: 30),
            currency: "USD", leaderboard: leaderboard, weekRuns: weekRuns, series: series,
            archiveCandidates: [
                ArchiveCandidateRow(experiment: "2025-12-01-wide-latent", status: "failed", reason: "failed, untouched for 30 days",
                                    lastActivity: date(day: -31), applied: false),
                ArchiveCandidateRow(experiment: hostile, status: "success", reason: "promoted <config>", lastActivity: nil, applied: false),
            ],
            catalogSummary: [
                CatalogSummaryRow(location: "production", name: "train_burgers_golden", status: "promoted", bestMetric: 0.0433, runs: 3),
                CatalogSummaryRow(location: "active", name: "2026-01-06-latent-8", status: "failed", bestMetric: 0.3141, runs: 1),
                CatalogSummaryRow(location: "archived", name: "2025-11-02-baseline", status: "archived", bestMetric: nil, runs: 0),
            ],
            notes: ["1 run used GPU type `TPU-v9`, which has no price in configs/prices.yaml <check>"]
        )
        report.curves = [WeeklyReport.Curve(metric: "loss", lines: [
            .init(runID: "20260109-173000-3a4b5c6d", rank: 1, points: [[0, 1.9], [50, 0.61], [100, 0.22], [150, 0.12]]),
            .init(runID: hostile, rank: 2, points: [[0, 2.1], [50, 0.9], [100, 0.5]]),
        ])]
        return report
    }

    /// A project with no runs at all.
    static var empty: WeeklyReport {
        WeeklyReport(
            projectName: "fresh", metric: metric, period: .init(week: week), generatedAt: date(day: 11, hour: 8, minute: 30),
            currency: "EUR", leaderboard: [], weekRuns: [], series: .init(), archiveCandidates: [], catalogSummary: []
        )
    }
}
