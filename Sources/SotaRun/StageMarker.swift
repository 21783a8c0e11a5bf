import FoundationEssentials
import SotaSupport
import SotaPlan
import SotaRunRecord

/// The DONE marker a finished step leaves in `markers/`: what it produced and what it was computed from.
///
/// Resume trusts a step only when its marker exists, its inputs are unchanged and its outputs still match.
package struct StageMarker: Codable, Sendable, Equatable {
    /// What a step's result depends on.
    package struct Inputs: Codable, Sendable, Equatable {
        /// SHA-256 of the argument vector and the step's own environment.
        package var command: String
        /// SHA-256 of the resolved config the step reads.
        package var config: String
        /// SHA-256 over the outputs of the steps before it.
        package var upstream: String

        /// Creates inputs.
        package init(command: String, config: String, upstream: String) {
            self.command = command
            self.config = config
            self.upstream = upstream
        }

        /// Why a step with these recorded inputs must rerun under `current`, or nil when nothing changed.
        package func changes(to current: Inputs) -> String? {
            var reasons: [String] = []
            if command != current.command { reasons.append("its command or environment changed") }
            if config != current.config { reasons.append("its config changed") }
            if upstream != current.upstream { reasons.append("an earlier step's outputs changed") }
            return reasons.isEmpty ? nil : reasons.joined(separator: ", ")
        }
    }

    /// The step name.
    package var stage: String
    /// The inputs it was computed from.
    package var inputs: Inputs
    /// Its outputs with checksums, relative to the run directory.
    package var outputs: [RunManifest.FileRecord]
    /// When it finished.
    package var finished: String

    /// The marker file of `stage` in `runDirectory`.
    package static func path(for stage: String, in runDirectory: String) -> String {
        Paths.join(runDirectory, RunLayout.doneMarker(stage: stage))
    }

    /// Reads a marker; nil when absent or unreadable (an unreadable marker means "not done").
    package static func read(stage: String, in runDirectory: String) -> StageMarker? {
        // FileStream rather than FileManager: a fresh run asks for every step's marker, and FileManager builds a
        // Foundation error for each missing one.
        guard let bytes = try? FileStream.readAll(path(for: stage, in: runDirectory), limit: 1 << 20) else { return nil }
        return try? JSONDecoder().decode(StageMarker.self, from: Data(bytes))
    }

    /// Writes the marker atomically.
    package func write(in runDirectory: String) throws {
        try AtomicFile.write(encoded(), to: Self.path(for: stage, in: runDirectory))
    }

    /// Why the recorded outputs no longer hold (missing, empty or changed), or nil when they all match.
    package func outputProblem(in runDirectory: String) -> String? {
        for output in outputs {
            let path = Paths.join(runDirectory, output.path)
            guard let digest = try? FileStream.sha256(of: path) else { return "output \(output.path) is missing" }
            if digest.hex != output.sha256 { return "output \(output.path) changed since the step finished" }
        }
        return nil
    }
}

extension StageMarker {
    /// The marker as `JSONEncoder.forFiles()` writes it, byte for byte, written by hand: every step of every run
    /// writes one, and the encoder's reflection costs more than the write itself.
    func encoded() -> [UInt8] {
        var writer = FoundationStyleJSON()
        let inputs: JSONValue = .object([("command", .string(inputs.command)), ("config", .string(inputs.config)), ("upstream", .string(inputs.upstream))])
        // Sizes are integers and hashes strings, so no member can be a non-finite number.
        _ = writer.write(.object([("finished", .string(finished)), ("inputs", inputs), ("outputs", .array(outputs.map(\.jsonValue))), ("stage", .string(stage))]))
        return writer.bytes
    }
}
