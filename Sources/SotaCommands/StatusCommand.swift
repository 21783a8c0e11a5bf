import ArgumentParser
import Foundation
import SotaBasics
import SotaLaunch
import SotaPlan

/// `sota status RUN`: a launched run's instance state, cost so far and, once uploaded, its results.
struct StatusCommand: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a launched run: instance state, elapsed cost, and the uploaded results' status and last log lines.",
        discussion: """
        Reads runs/RUN/launch.json, asks the Vast API for the instance, and prices the time since it started at the instance's hourly price. When the results folder is a file:// URL and the run has been uploaded, shows the run's status and the last lines of its onstart log.

        Exit status: 0 shown, 1 the run or the API could not be read.

        Examples:
          sota status 20261123-141503-9f3a2b1c
          sota status 20261123 --json
        """
    )

    @Argument(help: ArgumentHelp("The run id (a unique prefix is enough).", valueName: "run"))
    var run: String

    @Option(help: ArgumentHelp("Log lines to show.", valueName: "n"))
    var lines: Int = 10

    @Flag(help: "Print the status as JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func run(in context: CommandContext) throws -> Int32 {
        let (project, problems) = context.project(explicit: global.project)
        if problems.hasErrors { return Standalone.report(problems, context) }
        guard let launched = LaunchedRun.find(run, project: project, console: context.console) else { return ExitStatus.checkFailed }
        let record = launched.record
        let now = Date()
        var apiError: String?
        var instance: VastInstance?
        do {
            instance = try launched.client(environment: context.environment).instance(record.instanceID)
        } catch {
            apiError = "\(error)"
        }
        let state: String
        if let instance {
            state = [instance.actualStatus ?? "scheduling", instance.currentState.map { "(asked: \($0))" }].compactMap { $0 }.joined(separator: " ")
        } else if apiError != nil {
            state = "unknown"
        } else {
            state = record.cancelled != nil ? "gone (cancelled)" : "gone (destroyed)"
        }
        let uploaded = StorageURL.parse(record.results).map { $0.appending(record.runID) }
        let resultsFolder = (try? uploaded.get())?.filePath
        let manifestStatus = resultsFolder.flatMap { try? RunManifest.read(path: Paths.join($0, "manifest.json")) }?.status.rawValue
        let logTail = resultsFolder.flatMap { try? String(contentsOfFile: Paths.join($0, "onstart.log"), encoding: .utf8) }
            .map { $0.split(separator: "\n").suffix(max(0, lines)).joined(separator: "\n") }

        if json {
            var fields: [(String, JSONValue)] = [
                ("run_id", .string(record.runID)), ("backend", .string(record.backend)), ("instance_id", .int(record.instanceID)),
                ("state", .string(state)), ("dph_total", .double(instance?.pricePerHour ?? record.pricePerHour)),
            ]
            if let hours = instance?.hours(at: now) { fields.append(("hours", .double(hours))) }
            if let cost = instance?.cost(at: now) { fields.append(("cost", .double(cost))) }
            fields.append(("results", .string((try? uploaded.get())?.text ?? record.results)))
            fields.append(("run_status", manifestStatus.map(JSONValue.string) ?? .null))
            if let apiError { fields.append(("error", .string(apiError))) }
            context.console.out(JSONValue.object(fields).rendered(pretty: true))
        } else {
            let console = context.console
            func out(_ text: String) { console.out(text) }
            out("run       \(record.runID) (\(record.config), commit \(record.commit.prefix(12)))")
            out("instance  \(record.instanceID) on Vast: \(state)\(instance?.statusMessage.flatMap { $0.isEmpty ? nil : " — \($0)" } ?? "")")
            let price = instance?.pricePerHour ?? record.pricePerHour
            if let hours = instance?.hours(at: now), let cost = instance?.cost(at: now) {
                out(String(format: "cost      $%.2f so far (%.2f h at $%.4f/h)", cost, hours, price))
            }
            out("results   \((try? uploaded.get())?.text ?? record.results)/" + (manifestStatus.map { " — uploaded, run \($0)" } ?? ""))
            if let resultsFolder, manifestStatus != nil { out("ingest    sota ingest \(context.display(resultsFolder))") }
            if let logTail {
                out("onstart.log (last \(lines) lines):")
                out(logTail.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n"))
            }
            if let apiError { context.console.err("error: \(apiError)") }
        }
        return apiError == nil ? ExitStatus.success : ExitStatus.checkFailed
    }
}
