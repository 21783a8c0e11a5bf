import Foundation
import SotaBasics

/// Finds the `manifest.json` files behind directory arguments such as `runs/` or `runs/20261123-141000-a1b2c3d4`.
enum RunDirectories {
    /// The manifest file name inside a run directory.
    static let manifestName = "manifest.json"

    /// The manifests of `arguments`, in order, and the arguments that hold none.
    ///
    /// A directory holding `manifest.json` is a run directory. One that does not is expanded one level when it
    /// looks like a folder of runs (it holds only folders): each visible subfolder must then hold a manifest.
    /// Hidden entries (`.sota/`) are skipped.
    static func manifests(in arguments: [String]) -> (paths: [String], problems: [IngestReport.Problem]) {
        var paths: [String] = [], problems: [IngestReport.Problem] = []
        for argument in arguments {
            let manifest = Paths.join(argument, manifestName)
            if Paths.kind(of: manifest) == .file {
                paths.append(manifest)
                continue
            }
            switch Paths.kind(of: argument) {
            case .directory: break
            case .missing, .brokenLink:
                problems.append(.init(path: argument, reason: "no such directory"))
                continue
            case .file, .other:
                problems.append(.init(path: argument, reason: "not a directory"))
                continue
            }
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: argument) else {
                problems.append(.init(path: argument, reason: "cannot list the directory"))
                continue
            }
            let children = names.filter { !$0.hasPrefix(".") }.sorted().map { Paths.join(argument, $0) }
            if children.contains(where: { Paths.kind(of: $0) != .directory }) {
                problems.append(.init(path: argument, reason: "no \(manifestName) (not a run directory, nor a folder of run directories)"))
                continue
            }
            for child in children {
                let manifest = Paths.join(child, manifestName)
                if Paths.kind(of: manifest) == .file {
                    paths.append(manifest)
                } else {
                    problems.append(.init(path: child, reason: "no \(manifestName)"))
                }
            }
        }
        return (paths, problems)
    }
}
