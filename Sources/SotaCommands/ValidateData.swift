import ArgumentParser
import SotaSupport
import SotaConfig
import SotaData

/// `sota validate data CONFIG`: the dataset a config names, against its manifest and declared arrays.
struct ValidateData: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Check a config's dataset: presence, size, sha256 against the manifest, array dtypes and shapes.",
        discussion: """
        Streams the data file once for its checksum and reads only array headers, so a large dataset is never loaded into memory. Given an .npz or .npy file instead of a config, lists its arrays (and checks it against --manifest when given).

        Examples:
          sota validate data configs/train_burgers_golden.yaml
          sota validate data configs/train_burgers_golden.yaml --write-manifest
          sota validate data data/burgers_1d.npz --manifest data/SHA256SUMS
        """
    )

    @Argument(help: ArgumentHelp("A config naming its dataset, or an .npz/.npy file.", valueName: "file"), completion: .file(extensions: ["yaml", "yml", "npz", "npy"]))
    var file: String

    @OptionGroup var overrides: OverrideOptions
    @OptionGroup var global: GlobalOptions

    @Flag(help: "Record the data file's checksum in the manifest instead of comparing it.")
    var writeManifest = false

    @Option(help: ArgumentHelp("Checksum manifest, when FILE is a data file.", valueName: "file"), completion: .file())
    var manifest: String?

    @Flag(help: "Print the report as JSON.")
    var json = false

    func run(in context: CommandContext) throws -> Int32 {
        let parsedOverrides = try OverrideParsing.parse(overrides.assignments)
        let (project, projectProblems) = context.project(explicit: global.project, near: file)
        if projectProblems.hasErrors { return report(projectProblems, nil, context) }
        let path = context.absolute(file)
        let spec: DataSpec
        var diagnostics: [Diagnostic] = []
        if ArrayFile.isArrayFile(path) {
            let shown = context.display(path)
            spec = DataSpec(
                path: Located(path, SourceLocation(file: shown)),
                manifest: manifest.map { Located(context.absolute($0), SourceLocation(file: $0)) },
                samples: nil, arrays: []
            )
        } else {
            guard manifest == nil else { throw ValidationError("--manifest applies to a data file; a config names its manifest in `data.manifest`") }
            let outcome = ConfigLoader(project: project, checksReferencedFiles: false)
                .load(path: path, displayPath: context.display(path), overrides: parsedOverrides)
            diagnostics = outcome.diagnostics.filter { $0.severity == .error }
            guard let config = outcome.config else { return report(diagnostics, nil, context) }
            guard let data = config.data else {
                return report([.error(at: SourceLocation(file: config.displayPath), "config declares no `data` section")], nil, context)
            }
            spec = data
        }
        let validator = DatasetValidator(project: project, display: { [context] in context.display($0) })
        let result = validator.validate(spec, writeManifest: writeManifest)
        return report(diagnostics + result.diagnostics, result, context)
    }

    private func report(_ diagnostics: [Diagnostic], _ result: DatasetValidator.Report?, _ context: CommandContext) -> Int32 {
        let failed = diagnostics.hasErrors
        if json {
            var fields: [(String, JSONValue)] = [("valid", .bool(!failed))]
            if let result {
                fields.append(("file", .string(result.file)))
                fields.append(("size", result.size.map(JSONValue.int) ?? .null))
                fields.append(("sha256", result.sha256.map(JSONValue.string) ?? .null))
                fields.append(("expected_sha256", result.expectedSHA256.map(JSONValue.string) ?? .null))
                fields.append(("arrays", .array(result.arrays.map { member in
                    .object([
                        ("name", .string(member.name)),
                        ("dtype", member.header.map { .string($0.dtype.description) } ?? .null),
                        ("shape", member.header.map { .array($0.shape.map(JSONValue.int)) } ?? .null),
                        ("problem", member.problem.map(JSONValue.string) ?? .null),
                    ])
                })))
            }
            fields.append(("diagnostics", .array(diagnostics.map(\.jsonValue))))
            context.console.out(JSONOutput.document(fields).rendered(pretty: true))
            return failed ? ExitStatus.checkFailed : ExitStatus.success
        }
        context.console.report(diagnostics)
        if let result, let size = result.size, let sha = result.sha256 {
            let style = context.console.outStyle
            var line = "\(result.file)  \(ByteCount(size))  sha256 \(sha.prefix(16))…"
            if writeManifest {
                line += "  recorded in the manifest"
            } else if let expected = result.expectedSHA256 {
                line += expected == sha ? "  " + style.green("matches manifest") : "  " + style.red("MISMATCH")
            }
            context.console.out(line)
            let width = result.arrays.map(\.name.count).max() ?? 0
            for member in result.arrays {
                let name = member.name.rightPadded(width)
                let type = member.header.map { "\($0.dtype.description.rightPadded(8)) \($0.shapeDescription)" } ?? "?"
                context.console.out("  \(name)  \(type)\(member.problem == nil ? "" : "  " + style.red("damaged"))")
            }
        }
        let errors = diagnostics.filter { $0.severity == .error }.count, warnings = diagnostics.filter { $0.severity == .warning }.count
        if failed {
            context.console.err("data check failed (\(DiagnosticRenderer.summary(errors: errors, warnings: warnings)))")
        } else {
            context.console.out("data ok" + (warnings > 0 ? " (\(DiagnosticRenderer.summary(errors: 0, warnings: warnings)))" : ""))
        }
        return failed ? ExitStatus.checkFailed : ExitStatus.success
    }
}
