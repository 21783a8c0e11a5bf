import FoundationEssentials
import Glibc
import SotaPlan
import SotaSupport

/// The variables experiment trackers read by themselves, set for every child so that the stages of one sota run land
/// together in the team's tracker without a code change. A value already in the environment wins: the user chose it.
///
/// Names as the trackers define them: W&B's `wandb/env.py` (`WANDB_RUN_GROUP`, `WANDB_JOB_TYPE`) and MLflow's
/// `mlflow/environment_variables.py` (`MLFLOW_EXPERIMENT_NAME`).
package enum TrackerEnvironment {
    /// What a child of stage `stage` in run `runID` of `experiment` gets on top of `environment`.
    ///
    /// - Parameter urlFile: where the child may write its tracker run's URL (`SOTA_TRACKER_URL_FILE`), when the
    ///   project declares `tracker_url_file`.
    package static func variables(runID: String, experiment: String, stage: String, environment: [String: String],
                                  urlFile: String? = nil) -> [EnvironmentVariable] {
        var variables = [EnvironmentVariable("WANDB_RUN_GROUP", runID), EnvironmentVariable("WANDB_JOB_TYPE", stage)]
        if let urlFile { variables.append(EnvironmentVariable("SOTA_TRACKER_URL_FILE", urlFile)) }
        // MLflow refuses a name and an id that disagree; an id the user set picks the experiment alone.
        if environment["MLFLOW_EXPERIMENT_ID"] == nil, !experiment.isEmpty {
            variables.append(EnvironmentVariable("MLFLOW_EXPERIMENT_NAME", experiment))
        }
        return variables.filter { environment[$0.name] == nil }
    }
}

/// The URL a child wrote for its tracker run (a W&B or MLflow run page), as the manifest records it.
package enum TrackerURL {
    /// The most of the file read.
    static let maximumBytes = 4096

    /// The file's first line when it is one http(s) URL of printable text (at most 2,048 characters), its user and
    /// password removed so no credential reaches the manifest, the index or a report; nil otherwise.
    package static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: maximumBytes)
        let count = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, maximumBytes) }
        guard count > 0 else { return nil }
        let text = String(decoding: bytes[..<count], as: UTF8.self)
        let line = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).first.map { String($0).trimmingSpaces() } ?? ""
        return cleaned(line)
    }

    /// `line` as a recordable URL, or nil.
    package static func cleaned(_ line: String) -> String? {
        guard line.count <= 2048, line.hasPrefix("https://") || line.hasPrefix("http://"),
              line.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F && !(0x80...0x9F).contains($0.value) }) else { return nil }
        guard let scheme = line.firstRange(of: "://") else { return nil }
        let rest = line[scheme.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return line }
        return String(line[..<scheme.upperBound]) + String(rest[rest.index(after: at)...])
    }
}
