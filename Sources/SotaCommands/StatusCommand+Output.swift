import FoundationEssentials
import SotaSupport
import SotaOperations

/// What `sota status` prints for each look at a launched run, as text or JSON.
extension StatusCommand {
    /// Prints one look.
    func show(_ report: StatusQuery.Report, _ context: CommandContext) {
        let console = context.console
        switch report {
        case .vast(let status):
            if json {
                console.out(Self.json(status).rendered(pretty: true))
            } else {
                console.out(Self.text(status, display: context.display))
                if let error = status.apiError { console.error(error) }
            }
        case .slurm(let slurm, let ingested):
            if json {
                console.out(JSONOutput.document(slurm.json(), wrappingAs: "runs").rendered(pretty: true))
                return
            }
            console.out(slurm.text(display: context.display, runsDirectory: slurm.runsDirectory))
            guard let ingested else { return }
            if let first = ingested.added.first {
                let count = ingested.added.count
                console.out("leaderboard added \(count) finished run\(count == 1 ? "" : "s") to \(context.display(ingested.leaderboard))"
                            + (count == 1 ? " (\(first))" : ""))
            }
            for problem in ingested.problems { console.out("warning   \(problem)") }
        }
    }

    /// A Vast run as JSON.
    static func json(_ status: VastRunStatus) -> JSONValue {
        let record = status.record
        var fields: [(String, JSONValue)] = [
            ("run_id", .string(record.runID)), ("backend", .string(record.backend)), ("instance_id", .int(record.instanceID)),
            ("state", .string(status.state)), ("dph_total", .double(status.pricePerHour)),
        ]
        if let instance = status.instance { fields.append(("phase", .string(instance.phase.rawValue))) }
        if let billed = status.billedPerHour { fields.append(("billed_per_hour", .double(billed))) }
        if let hours = status.instance?.hours(at: status.now) { fields.append(("hours", .double(hours))) }
        if let cost = status.instance?.cost(at: status.now) { fields.append(("cost", .double(cost))) }
        fields.append(("results", .string(status.results)))
        fields.append(("run_status", status.runStatus.map(JSONValue.string) ?? .null))
        if let error = status.apiError { fields.append(("error", .string(error))) }
        return JSONOutput.document(fields)
    }

    /// A Vast run as text: the instance, its cost so far, the results and the log's last lines.
    static func text(_ status: VastRunStatus, display: (String) -> String) -> String {
        let record = status.record
        let instance = status.instance
        var lines = [
            "run       \(record.runID) (\(record.config), commit \(record.commit.prefix(12)))",
            "instance  \(record.instanceID) on Vast: \(status.state)\(instance?.statusMessage.flatMap { $0.isEmpty ? nil : " — \($0)" } ?? "")",
        ]
        if let hours = instance?.hours(at: status.now), let cost = instance?.cost(at: status.now) {
            lines.append("cost      $\(NumberFormat.fixed(cost, decimals: 2)) so far (\(NumberFormat.fixed(hours, decimals: 2)) h at $\(NumberFormat.fixed(status.pricePerHour, decimals: 4))/h)")
        } else if let instance, instance.phase == .stopped {
            // Vast bills a stopped instance its storage only; when it stopped is not in the answer.
            lines.append("cost      stopped: the GPU is no longer billed; storage "
                         + (instance.storagePricePerHour.map { "$" + NumberFormat.fixed($0, decimals: 4) + "/h" } ?? "at Vast's storage price") + " until it is destroyed")
        }
        lines.append("results   \(status.results)/" + (status.runStatus.map { " — uploaded, run \($0)" } ?? ""))
        if let folder = status.resultsFolder, status.runStatus != nil { lines.append("ingest    sota ingest \(display(folder))") }
        if let tail = status.logTail {
            lines.append("onstart.log (last \(status.logLines) lines):")
            lines.append(tail.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n"))
        }
        return lines.joined(separator: "\n")
    }
}
