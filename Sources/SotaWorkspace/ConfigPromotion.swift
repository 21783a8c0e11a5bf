import FoundationEssentials
import SotaSupport
import SotaConfig
import SotaPlan
import SotaRunRecord

/// Copies a gated config into the production folder, keeping the config it replaces so the change can be undone.
package enum ConfigPromotion {
    /// What a promotion did.
    package struct Outcome: Sendable, Equatable {
        /// The production config written, relative to the project root.
        package var destination: String
        /// Where the replaced production config was kept, relative to the project root; nil when there was none.
        package var previous: String?
        /// True when production already held exactly this config.
        package var unchanged: Bool
    }

    /// Why a promotion or a rollback was refused.
    package struct Refusal: Error, Sendable, CustomStringConvertible {
        /// The explanation.
        package var description: String
        /// What to do about it, if anything.
        package var hint: String?

        /// Creates a refusal.
        package init(_ description: String, hint: String? = nil) {
            self.description = description
            self.hint = hint
        }
    }

    /// The production file name for `name` (the experiment, or `--rename`): `name.yaml`, `.yaml`/`.yml` kept.
    ///
    /// - Throws: ``Refusal`` for names that are not plain, safe file names.
    package static func fileName(for name: String) throws(Refusal) -> String {
        let stem = name.hasSuffix(".yaml") ? String(name.dropLast(5)) : name.hasSuffix(".yml") ? String(name.dropLast(4)) : name
        guard !stem.isEmpty, stem.count <= 128, !stem.hasPrefix("."), !stem.hasPrefix("-"),
              stem.unicodeScalars.allSatisfy({ $0.isASCII && (Character($0).isLetter || Character($0).isNumber || "._-".unicodeScalars.contains($0)) })
        else {
            throw Refusal("`\(name)` cannot name a production config: use letters, digits, `.`, `_` and `-`, not starting with `.` or `-`")
        }
        return name.hasSuffix(".yml") ? name : stem + ".yaml"
    }

    /// The production folder `directory` resolved against the project, refused when it leads outside the project.
    package static func productionFolder(_ directory: String, project: Project) throws(Refusal) -> String {
        // A line break or other control character in a path would end a line of every log and listing that shows it.
        if directory.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" }) {
            throw Refusal("--production-dir \(directory.debugDescription) contains a control character", hint: "a folder name is one line of printable text")
        }
        let folder = project.resolve(directory)
        let root = Paths.resolved(project.root) ?? project.root
        // Symbolic links are resolved as far as folders exist, so a link that leads out of the project is caught.
        var existing = folder, missing: [String] = []
        while Paths.resolved(existing) == nil, existing != "/" {
            missing.insert(Paths.lastComponent(of: existing), at: 0)
            existing = Paths.parent(of: existing)
        }
        let resolved = Paths.normalize(([Paths.resolved(existing) ?? existing] + missing).joined(separator: "/"))
        guard resolved == root || resolved.hasPrefix(root.hasSuffix("/") ? root : root + "/") else {
            throw Refusal("the production folder \(directory) is outside the project (it leads to \(resolved))",
                          hint: "production configs live inside the project, e.g. --production-dir configs")
        }
        return folder
    }

    /// Promotes `config` (run `runID`) to `<productionDirectory>/<name or experiment>.yaml`.
    ///
    /// Without overrides the file is copied byte for byte (comments kept); with overrides the resolved config is
    /// written with a header naming the run and the overrides. Both writes are atomic. A production file that holds
    /// another experiment's config is never replaced; one of the same experiment is replaced and kept in
    /// `<productionDirectory>/.previous/`, from where ``rollback(productionPath:previous:project:at:)`` restores it.
    package static func promote(_ config: RunConfig, runID: String, project: Project, productionDirectory: String = "configs",
                               rename: String? = nil, at date: Date = Date()) throws -> Outcome {
        let name = try fileName(for: rename ?? config.experiment)
        let folder = try productionFolder(productionDirectory, project: project)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let destination = Paths.join(folder, name)
        let content: [UInt8]
        if config.overrides.isEmpty, let original = FileManager.default.contents(atPath: config.path) {
            content = Array(original)
        } else {
            let header = "# Promoted from run \(runID): \(Paths.relative(config.path, to: project.root))"
                + (config.overrides.isEmpty ? "" : " with " + config.overrides.map { "\($0.keyPath)=\($0.valueText)" }.joined(separator: " "))
            content = Array((header + "\n" + YAMLEmitter.emit(config.tree)).utf8)
        }
        let shown = Paths.relative(destination, to: project.root)
        var previous: String?
        if let existing = FileManager.default.contents(atPath: destination) {
            if Array(existing) == content {
                return Outcome(destination: shown, previous: nil, unchanged: true)
            }
            if let other = experiment(inFile: destination), other != config.experiment {
                throw Refusal("\(shown) is the production config of experiment `\(other)`, not `\(config.experiment)`; it is left as it is",
                              hint: "promote under another name with --rename NAME")
            }
            previous = try keep(Array(existing), name: name, in: folder, project: project, date: date, suffix: "")
        }
        try AtomicFile.write(content, to: destination)
        return Outcome(destination: shown, previous: previous, unchanged: false)
    }

    /// Puts the config kept at `previous` back at `productionPath` (both relative to the project root); the config
    /// being rolled back is kept in `.previous/` too, so nothing is lost. Returns where it was kept.
    package static func rollback(productionPath: String, previous: String, project: Project, at date: Date = Date()) throws -> String? {
        let destination = project.resolve(productionPath)
        guard let restored = FileManager.default.contents(atPath: project.resolve(previous)) else {
            throw Refusal("the previous production config \(previous) is gone, so \(productionPath) cannot be rolled back",
                          hint: "restore it from git history, then run the rollback again")
        }
        var kept: String?
        if let current = FileManager.default.contents(atPath: destination) {
            if current == restored { return nil }
            kept = try keep(Array(current), name: Paths.lastComponent(of: destination), in: Paths.parent(of: destination), project: project,
                            date: date, suffix: "-rolled-back")
        }
        try AtomicFile.write(Array(restored), to: destination)
        return kept
    }

    /// The `experiment` a config file declares (else its file name), or nil when it cannot be read as YAML.
    static func experiment(inFile path: String) -> String? {
        guard let document = YAMLLoader().load(path: path, displayPath: path).root else { return nil }
        return document["experiment"]?.stringValue ?? Paths.lastComponent(of: path).split(separator: ".").first.map(String.init)
    }

    private static func keep(_ content: [UInt8], name: String, in folder: String, project: Project, date: Date, suffix: String) throws -> String {
        let stamp = Timestamp.string(date).replacing(":", with: "").replacing(".", with: "")
        let stem = name.split(separator: ".").dropLast().joined(separator: ".")
        let history = Paths.join(folder, ProductionHistory.folderName)
        try OwnedFolder.prepare(history, display: Paths.relative(history, to: project.root))
        let kept = Paths.join(history, "\(stem)-\(stamp)\(suffix).yaml")
        try AtomicFile.write(content, to: kept)
        return Paths.relative(kept, to: project.root)
    }
}
