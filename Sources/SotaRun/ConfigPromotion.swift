import Foundation
import SotaBasics
import SotaConfig
import SotaPlan

/// Copies a gated config into the production folder, keeping the config it replaces so the change can be undone.
public enum ConfigPromotion {
    /// What a promotion did.
    public struct Outcome: Sendable, Equatable {
        /// The production config written, relative to the project root.
        public var destination: String
        /// Where the replaced production config was kept, relative to the project root; nil when there was none.
        public var previous: String?
        /// True when production already held exactly this config.
        public var unchanged: Bool
    }

    /// Why a promotion was refused.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        /// The explanation.
        public var description: String
    }

    /// Promotes `config` (run `runID`) to `<productionDirectory>/<experiment>.yaml`.
    ///
    /// Without overrides the file is copied byte for byte (comments kept); with overrides the resolved config is
    /// written with a header naming the run and the overrides. Both writes are atomic.
    public static func promote(_ config: RunConfig, runID: String, project: Project,
                               productionDirectory: String = "configs", at date: Date = Date()) throws -> Outcome {
        let name = config.experiment
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }), !name.hasPrefix(".") else {
            throw Refusal(description: "experiment name `\(name)` cannot name a production config (letters, digits, `.`, `_`, `-`)")
        }
        let folder = project.resolve(productionDirectory)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let destination = Paths.join(folder, "\(name).yaml")
        let content: [UInt8]
        if config.overrides.isEmpty, let original = FileManager.default.contents(atPath: config.path) {
            content = Array(original)
        } else {
            let header = "# Promoted from run \(runID): \(Paths.relative(config.path, to: project.root))"
                + (config.overrides.isEmpty ? "" : " with " + config.overrides.map { "\($0.keyPath)=\($0.valueText)" }.joined(separator: " "))
            content = Array((header + "\n" + YAMLEmitter.emit(config.tree)).utf8)
        }
        var previous: String?
        if let existing = FileManager.default.contents(atPath: destination) {
            if Array(existing) == content {
                return Outcome(destination: Paths.relative(destination, to: project.root), previous: nil, unchanged: true)
            }
            // The replaced config is kept, never overwritten silently: rollback restores it from here.
            let stamp = Timestamp.string(date).replacingOccurrences(of: ":", with: "").replacingOccurrences(of: ".", with: "")
            let kept = Paths.join(folder, ".previous/\(name)-\(stamp).yaml")
            try FileManager.default.createDirectory(atPath: Paths.parent(of: kept), withIntermediateDirectories: true)
            try AtomicFile.write(Array(existing), to: kept)
            previous = Paths.relative(kept, to: project.root)
        }
        try AtomicFile.write(content, to: destination)
        return Outcome(destination: Paths.relative(destination, to: project.root), previous: previous, unchanged: false)
    }
}
