import FoundationEssentials
import SotaReport
import SotaRunRecord
import SotaSupport

extension WeeklyReport {
    /// Every run of the period, oldest first, as CSV (``runsFileName``): machine-readable values (ISO 8601 UTC
    /// times, seconds, the metric's full precision, empty for none) so a spreadsheet or pandas reads it as it is.
    package func runsCSV() -> String {
        let header = ["run_id", "experiment", "status", "started", "finished", "gpu_seconds", "cost_\(currency.lowercased())",
                      "\(metric.phase).\(metric.name)", "passed"]
        let rows = weekRuns.map { run in
            [run.runID, run.experiment, run.status, Timestamp.string(run.started), Timestamp.string(run.finished),
             String(run.duration), run.cost.map { String($0) } ?? "", run.value.map { String($0) } ?? "",
             run.passed.map { $0 ? "true" : "false" } ?? ""]
        }
        return CSV.render(header: header, rows: rows)
    }
}
