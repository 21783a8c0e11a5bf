import SotaSupport
import SotaConfig

/// Why a workspace operation (create, list, archive, restore, catalog) refused or failed.
///
/// Each case names the file or flag involved and reads well on its own; ``diagnostic`` places it for the
/// compiler-style renderer.
package enum WorkspaceError: Error, Sendable, CustomStringConvertible {
    /// An experiment name outside the safe alphabet.
    case invalidName(String, reason: String)
    /// An experiment of that name exists already (active or archived).
    case experimentExists(name: String, folder: String)
    /// No experiment has that name.
    case experimentNotFound(name: String, suggestion: String?)
    /// `metadata.json` is missing, malformed, mistyped or from a newer sota.
    case badMetadata(file: String, line: Int?, column: Int?, problem: String)
    /// An experiment folder without `config.yaml`.
    case missingConfig(folder: String)
    /// `config.yaml` is a symbolic link that leaves the project.
    case configOutsideProject(file: String, target: String)
    /// Something sits where an experiment folder or the experiments folder should be.
    case notAFolder(path: String)
    /// The folder an experiment would move to exists already.
    case targetExists(path: String)
    /// The experiment has a run in progress.
    case runInProgress(name: String, runID: String)
    /// No `--from` was given and the project has no single training config to start from.
    case noBaseConfig(candidates: [String])
    /// The base config with the overrides applied does not validate.
    case invalidConfig([Diagnostic])
    /// `experiments-archive/.archive-journal.json` asks for a move sota never makes; nothing was moved.
    /// `entry` is the index of the move in `moves` (nil when the journal as a whole is refused).
    case damagedJournal(file: String, entry: Int?, problem: String)
    /// A file operation failed.
    case file(FileError)

    /// The problem in one sentence.
    package var description: String {
        switch self {
        case .invalidName(let name, let reason):
            "invalid experiment name \(Self.shown(name)): \(reason)"
        case .experimentExists(let name, let folder):
            "an experiment named `\(name)` exists already: \(folder)"
        case .experimentNotFound(let name, _):
            "no experiment named \(Self.shown(name)) in experiments/ or experiments-archive/"
        case .badMetadata(let file, let line, let column, let problem):
            SourceLocation(file: file, line: line, column: column).description + ": " + problem
        case .missingConfig(let folder):
            "\(folder) has no config.yaml"
        case .configOutsideProject(let file, let target):
            "\(file) is a symbolic link to \(target), outside the project"
        case .notAFolder(let path):
            "\(path) is not a folder"
        case .targetExists(let path):
            "\(path) exists already; nothing was moved"
        case .runInProgress(let name, let runID):
            "experiment `\(name)` has a run in progress (\(runID))"
        case .noBaseConfig(let candidates):
            candidates.isEmpty
                ? "no training config in configs/ to start from"
                : "configs/ holds \(candidates.count) training configs (\(candidates.joined(separator: ", "))); say which with --from"
        case .invalidConfig(let diagnostics):
            "the experiment's config is invalid (\(diagnostics.filter { $0.severity == .error }.count) error\(diagnostics.filter { $0.severity == .error }.count == 1 ? "" : "s"))"
        case .damagedJournal(let file, let entry, let problem):
            "\(file): damaged journal\(entry.map { ", moves[\($0)]" } ?? ""): \(problem); nothing was moved"
        case .file(let error):
            error.description
        }
    }

    /// What to do about it, when there is something to say.
    package var hint: String? {
        switch self {
        case .invalidName:
            ExperimentNameRule.summary
        case .experimentExists:
            "pick another name, or `sota experiment restore` an archived one"
        case .experimentNotFound(_, let suggestion):
            suggestion.map { "did you mean `\($0)`?" } ?? "`sota experiment list` shows every experiment"
        case .badMetadata:
            "metadata.json is written by sota; restore it from git (`git checkout -- <file>`) or recreate the experiment"
        case .missingConfig:
            "every experiment holds the config.yaml its runs use; restore it from git"
        case .configOutsideProject:
            "copy the config into the experiment folder instead of linking to it"
        case .notAFolder:
            "move the file out of the way"
        case .targetExists:
            "rename or remove the existing folder, then run the command again"
        case .runInProgress:
            "wait for the run to finish (or stop it), then try again"
        case .noBaseConfig:
            "for example: --from configs/train_burgers_golden.yaml"
        case .damagedJournal:
            "sota writes this journal only while it archives or restores; check the experiment folders, then delete the journal"
        case .invalidConfig, .file:
            nil
        }
    }

    /// The error as a located diagnostic.
    package var diagnostic: Diagnostic {
        switch self {
        case .badMetadata(let file, let line, let column, let problem):
            .error(at: SourceLocation(file: file, line: line, column: column), problem, hint: hint)
        default:
            .error(at: nil, description, hint: hint)
        }
    }

    /// Every diagnostic to print: the config's own for an invalid config, else this error's.
    package var diagnostics: [Diagnostic] {
        if case .invalidConfig(let diagnostics) = self { return diagnostics + [.error(at: nil, description)] }
        return [diagnostic]
    }

    /// A name quoted with control characters made visible.
    static func shown(_ name: String) -> String {
        var out = "`"
        for scalar in name.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out + "`"
    }
}
