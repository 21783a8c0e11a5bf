import SotaSupport
import Synchronization

/// Checks that files and programs a config references exist: data, manifests, scripts, evaluation configs.
struct ReferenceCheck {
    let project: Project
    let searchPath: String?
    let programs: ProgramLookup

    /// Interpreters whose first non-flag argument is a script that must exist.
    static let interpreters: Set<String> = ["python", "python3", "bash", "sh", "zsh", "Rscript", "julia", "node", "ruby", "perl", "torchrun"]

    func check(_ root: ConfigNode) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for (path, kind) in [("data.path", "data file"), ("data.manifest", "checksum manifest"),
                             ("pipeline.small_eval", "evaluation config"), ("pipeline.full_eval", "evaluation config")] {
            guard let node = root.node(at: path), let value = node.stringValue else { continue }
            let resolved = project.resolve(value)
            switch Paths.kind(of: resolved) {
            case .file: continue
            case .directory:
                out.append(.error(at: node.location, keyPath: path, "\(kind) `\(value)` is a directory"))
            case .brokenLink:
                out.append(.error(at: node.location, keyPath: path, "\(kind) `\(value)` is a broken symbolic link"))
            default:
                let hint = kind == "checksum manifest" ? "create it with `sota validate data CONFIG --write-manifest`"
                    : "paths are relative to the project root \(project.root)"
                out.append(.error(at: node.location, keyPath: path, "\(kind) `\(value)` not found", hint: hint))
            }
        }
        for path in ["training.command", "evaluation.command"] {
            guard let command = root.node(at: path), let items = command.items, let first = items.first?.stringValue else { continue }
            guard CommandTemplate.placeholderNames(in: first).isEmpty else { continue }
            guard let program = programs.find(first, path: searchPath, relativeTo: project.root) else {
                out.append(.error(at: items[0].location, keyPath: "\(path)[0]", "program `\(first)` not found or not executable",
                                  hint: first.contains("/") ? "check the path and its execute permission" : "it is not on PATH"))
                continue
            }
            let base = Paths.lastComponent(of: program)
            let isInterpreter = Self.interpreters.contains(base) || base.hasPrefix("python")
            guard isInterpreter, let scriptIndex = items.indices.dropFirst().first(where: { !(items[$0].stringValue ?? "-").hasPrefix("-") }),
                  let script = items[scriptIndex].stringValue, CommandTemplate.placeholderNames(in: script).isEmpty else { continue }
            // `sh -c CODE` and `python3 -m module` name no script file.
            let flags = items[1..<scriptIndex].compactMap(\.stringValue)
            if flags.contains(where: { $0 == "-c" || $0 == "-m" || $0.hasPrefix("-c") && $0.count > 2 && !$0.hasPrefix("--") }) { continue }
            if Paths.kind(of: project.resolve(script)) != .file {
                out.append(.error(at: items[scriptIndex].location, keyPath: "\(path)[\(scriptIndex)]", "script `\(script)` not found",
                                  hint: "paths are relative to the project root \(project.root)"))
            }
        }
        return out
    }
}

/// Remembers where programs were found, so validating a thousand configs searches `PATH` once per program.
final class ProgramLookup: Sendable {
    private let cache = Mutex<[String: String?]>([:])

    func find(_ name: String, path: String?, relativeTo directory: String) -> String? {
        let key = name + "\u{0}" + directory
        if let hit = cache.withLock({ $0[key] }) { return hit }
        let found = Paths.findExecutable(name, path: path, relativeTo: directory)
        cache.withLock { $0[key] = .some(found) }
        return found
    }
}
