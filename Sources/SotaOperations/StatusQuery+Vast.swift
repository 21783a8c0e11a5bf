import FoundationEssentials
import SotaSupport
import SotaRunRecord
import SotaLaunch
import SotaPlan

/// A Vast run as `sota status` shows it: the instance's state and price, and, once uploaded to a file:// results
/// folder, the run's status and the last lines of its onstart log.
package struct VastRunStatus: Sendable {
    /// The launch record.
    package var record: LaunchRecord
    /// When the instance was asked about (cost so far is priced to here).
    package var now: Date
    /// The instance, when the API answered with one.
    package var instance: VastInstance?
    /// Why the API gave no answer, when it did not.
    package var apiError: String?
    /// The instance's state in words: `running`, `stopped (exited)`, `gone (destroyed)`, `unknown`, ...
    package var state: String
    /// Where the run's results go (or went): the results URL with the run id.
    package var results: String
    /// The uploaded run folder, when the results URL is a local folder.
    package var resultsFolder: String?
    /// The uploaded manifest's status, once it is there.
    package var runStatus: String?
    /// The last lines of the uploaded onstart log.
    package var logTail: String?
    /// How many log lines were asked for.
    package var logLines: Int

    /// The hourly price: the instance's, else the offer's at launch.
    package var pricePerHour: Double { instance?.pricePerHour ?? record.pricePerHour }

    /// What is billed per hour now: the instance's figure, 0 once it is gone, unknown when the API did not answer.
    package var billedPerHour: Double? { instance?.billedPerHour ?? (instance == nil && apiError == nil ? 0 : nil) }

    /// Asks the record's Vast API server about the instance and reads whatever has been uploaded.
    static func look(_ record: LaunchRecord, environment: [String: String], logLines: Int) -> VastRunStatus {
        let now = Date()
        var apiError: String?
        var instance: VastInstance?
        do {
            instance = try LaunchedRun.client(record, environment: environment).instance(record.instanceID)
        } catch {
            apiError = "\(error)"
        }
        let state: String
        if let instance, instance.phase == .gone {
            state = "gone (destroyed)"
        } else if let instance, instance.phase == .stopped {
            state = "stopped" + (instance.actualStatus.map { $0 == "stopped" ? "" : " (\($0))" } ?? "")
        } else if let instance {
            state = [instance.actualStatus ?? "scheduling", instance.currentState.map { "(asked: \($0))" }].compactMap { $0 }.joined(separator: " ")
        } else if apiError != nil {
            state = "unknown"
        } else {
            state = record.cancelled != nil ? "gone (cancelled)" : "gone (destroyed)"
        }
        let uploaded = try? StorageURL.parse(record.results).map { $0.appending(record.runID) }.get()
        let resultsFolder = uploaded?.filePath
        let runStatus = resultsFolder.flatMap { try? RunManifest.read(path: Paths.join($0, RunLayout.manifest)) }?.status.rawValue
        let logTail = resultsFolder.flatMap { try? String(contentsOfFile: Paths.join($0, "onstart.log"), encoding: .utf8) }
            .map { $0.split(separator: "\n").suffix(max(0, logLines)).joined(separator: "\n") }
        return VastRunStatus(record: record, now: now, instance: instance, apiError: apiError, state: state, results: uploaded?.text ?? record.results,
                             resultsFolder: resultsFolder, runStatus: runStatus, logTail: logTail, logLines: logLines)
    }
}
