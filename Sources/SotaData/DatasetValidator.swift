import FoundationEssentials
import SotaSupport
import SotaConfig

/// Checks the dataset a config names: presence, size, checksum against the manifest, and array headers
/// against the declared dtypes and shapes. Streams the file once for the checksum; reads only headers otherwise.
package struct DatasetValidator: Sendable {
    /// The project the config's paths are relative to.
    package var project: Project
    /// How to show project paths (relative to where the user stands).
    package var display: @Sendable (String) -> String

    /// Creates a validator.
    package init(project: Project, display: @escaping @Sendable (String) -> String) {
        self.project = project
        self.display = display
    }

    /// What validation found.
    package struct Report: Sendable {
        /// The data file as displayed.
        package var file: String
        /// Its size in bytes, when readable.
        package var size: Int?
        /// Its SHA-256, when readable.
        package var sha256: String?
        /// The manifest's expected checksum, when listed.
        package var expectedSHA256: String?
        /// The arrays found.
        package var arrays: [ArrayFile.Member]
        /// Every problem.
        package var diagnostics: [Diagnostic]
    }

    /// Validates `spec`; with `writeManifest`, records the checksum instead of comparing it.
    package func validate(_ spec: DataSpec, writeManifest: Bool = false) -> Report {
        let path = project.resolve(spec.path.value)
        let shown = display(path)
        var report = Report(file: shown, size: nil, sha256: nil, expectedSHA256: nil, arrays: [], diagnostics: [])
        switch Paths.kind(of: path) {
        case .file: break
        case .missing:
            report.diagnostics.append(.error(at: spec.path.location, keyPath: "data.path", "data file `\(shown)` not found"))
            return report
        case .brokenLink:
            report.diagnostics.append(.error(at: spec.path.location, keyPath: "data.path", "data file `\(shown)` is a broken symbolic link"))
            return report
        default:
            report.diagnostics.append(.error(at: spec.path.location, keyPath: "data.path", "data file `\(shown)` is not a regular file"))
            return report
        }
        do {
            let digest = try FileStream.sha256(of: path)
            report.sha256 = digest.hex
            report.size = digest.size
        } catch {
            report.diagnostics.append(.error(at: SourceLocation(file: shown), "cannot read: \(error)"))
            return report
        }
        if ArrayFile.isArrayFile(path) {
            report.diagnostics += checkArrays(spec, path: path, shown: shown, report: &report)
        } else if !spec.arrays.isEmpty {
            report.diagnostics.append(.warning(at: spec.path.location, keyPath: "data.arrays",
                                               "`data.arrays` is declared but `\(shown)` is not an .npy or .npz file; shapes not checked"))
        }
        if writeManifest, report.diagnostics.hasErrors {
            // A manifest vouches for data; never record the checksum of a dataset that fails its own checks.
            report.diagnostics.append(.error(at: spec.manifest?.location ?? spec.path.location, keyPath: "data.manifest",
                                             "checksum not recorded: the dataset fails the checks above"))
            return report
        }
        report.diagnostics += checkManifest(spec, dataPath: path, sha256: report.sha256!, write: writeManifest, report: &report)
        return report
    }

    private func checkManifest(_ spec: DataSpec, dataPath: String, sha256: String, write: Bool, report: inout Report) -> [Diagnostic] {
        let manifestPath = spec.manifest.map { project.resolve($0.value) } ?? dataPath + ".sha256"
        let shownManifest = display(manifestPath)
        let relative = Paths.relativePath(from: Paths.parent(of: manifestPath), to: dataPath)
        var manifest = ChecksumManifest(entries: [])
        var diagnostics: [Diagnostic] = []
        if Paths.kind(of: manifestPath) == .file {
            do {
                let text = try String(contentsOfFile: manifestPath, encoding: .utf8)
                let parsed = ChecksumManifest.parse(text, file: shownManifest)
                manifest = parsed.0
                diagnostics += parsed.1
            } catch {
                return [.error(at: SourceLocation(file: shownManifest), "cannot read checksum manifest: not UTF-8 text")]
            }
        } else if !write {
            if spec.manifest != nil {
                return [.error(at: spec.manifest!.location, keyPath: "data.manifest", "checksum manifest `\(shownManifest)` not found",
                               hint: "create it with `sota validate data CONFIG --write-manifest`")]
            }
            return [.warning(at: spec.path.location, keyPath: "data.manifest", "no checksum manifest; `\(report.file)` is not verified",
                             hint: "create one with `sota validate data CONFIG --write-manifest` and set `data.manifest`")]
        }
        if write {
            guard !diagnostics.hasErrors else { return diagnostics }
            do {
                try AtomicFile.write(manifest.setting(relative, sha256: sha256).text, to: manifestPath)
            } catch {
                return diagnostics + [.error(at: SourceLocation(file: shownManifest), "cannot write checksum manifest: \(error.reason)")]
            }
            report.expectedSHA256 = sha256
            return diagnostics
        }
        guard let entry = manifest.entry(for: relative) else {
            return diagnostics + [.error(at: SourceLocation(file: shownManifest), "`\(relative)` is not listed in the checksum manifest",
                                         hint: "add it with `sota validate data CONFIG --write-manifest`")]
        }
        report.expectedSHA256 = entry.sha256
        if entry.sha256 != sha256 {
            diagnostics.append(.error(
                at: SourceLocation(file: shownManifest, line: entry.line, column: 1),
                "checksum mismatch for `\(relative)`: manifest has \(entry.sha256.prefix(12))…, the file is \(sha256.prefix(12))…",
                hint: "the data changed or is corrupt; if the change is intended, rerun with --write-manifest"
            ))
        }
        return diagnostics
    }

    private func checkArrays(_ spec: DataSpec, path: String, shown: String, report: inout Report) -> [Diagnostic] {
        let file: ArrayFile
        do {
            file = try ArrayFile.inspect(path: path)
        } catch {
            return [.error(at: SourceLocation(file: shown), "cannot read arrays: \(error)")]
        }
        report.arrays = file.members
        var diagnostics: [Diagnostic] = []
        if let problem = file.problem {
            diagnostics.append(.error(at: SourceLocation(file: shown), problem))
        }
        for member in file.members {
            if let problem = member.problem {
                diagnostics.append(.error(at: SourceLocation(file: shown), "array `\(member.name)`: \(problem)"))
            }
        }
        for expected in spec.arrays {
            guard let member = file.members.first(where: { $0.name == expected.name }) else {
                if file.problem == nil {
                    let names = file.members.map(\.name)
                    let suggestion = Suggestions.closest(to: expected.name, in: names)
                    diagnostics.append(.error(at: expected.location, keyPath: "data.arrays.\(expected.name)",
                                              "array `\(expected.name)` is not in `\(shown)`",
                                              hint: suggestion.map { "did you mean `\($0)`?" } ?? "it holds: " + names.joined(separator: ", ")))
                }
                continue
            }
            guard let header = member.header else { continue }
            if !header.dtype.sameType(as: expected.dtype) {
                diagnostics.append(.error(at: expected.location, keyPath: "data.arrays.\(expected.name).dtype",
                                          "array `\(expected.name)` in `\(shown)` is \(header.dtype), the config declares \(expected.dtype)"))
            }
            let matches = header.shape.count == expected.shape.count
                && zip(header.shape, expected.shape).allSatisfy { actual, wanted in wanted == nil || wanted == actual }
            if !matches {
                diagnostics.append(.error(at: expected.location, keyPath: "data.arrays.\(expected.name).shape",
                                          "array `\(expected.name)` in `\(shown)` has shape \(header.shapeDescription), the config declares \(expected.shapeDescription)"))
            }
        }
        return diagnostics
    }
}
