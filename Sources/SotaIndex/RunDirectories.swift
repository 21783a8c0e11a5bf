import Foundation
import SotaSupport
import SotaPlan

/// Finds the `manifest.json` files behind directory arguments such as `runs/` or `runs/20261123-141000-a1b2c3d4`.
enum RunDirectories {
    /// The manifest file name inside a run directory.
    static let manifestName = "manifest.json"

    /// The manifests of `arguments`, in order, and the arguments that hold none.
    ///
    /// A directory holding `manifest.json` is a run directory, and a `manifest.json` given directly is taken as is.
    /// A directory without one is expanded one level when it looks like a folder of runs (some subfolder holds a
    /// manifest, or it holds only folders): each visible subfolder must then hold a manifest, and loose files are
    /// ignored. Hidden entries (`.sota/`) and sota's own sweep folders (`sweep-<id>/` without a manifest, which hold
    /// `sweep.json` or a launch record and whose runs sit beside them) are skipped.
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
            case .file where Paths.lastComponent(of: argument) == manifestName:
                paths.append(argument)
                continue
            case .file, .other:
                problems.append(.init(path: argument, reason: "not a run directory or a \(manifestName)"))
                continue
            }
            guard let listing = listFolders(argument) else {
                problems.append(.init(path: argument, reason: "cannot list the directory"))
                continue
            }
            // A run directory that lost its manifest holds files (logs, configs) and no run directories.
            if listing.hasFiles, listing.folders.allSatisfy({ $0.hasManifest == false }) {
                problems.append(.init(path: argument, reason: "no \(manifestName) (not a run directory, nor a folder of run directories)"))
                continue
            }
            for folder in listing.folders {
                let child = Paths.join(argument, folder.name)
                // Unchecked (a folder holding only folders): a missing manifest is reported when it fails to load.
                if folder.hasManifest ?? true {
                    paths.append(Paths.join(child, manifestName))
                } else {
                    problems.append(.init(path: child, reason: "no \(manifestName)"))
                }
            }
        }
        return (paths, problems)
    }

    /// The visible subfolders of `directory`, sorted by name, and whether any visible entry is not a folder; nil
    /// when the directory cannot be read.
    ///
    /// Whether each subfolder holds a manifest is asked only when the directory also holds files (it may be a run
    /// directory that lost its manifest); a `runs/` folder holds thousands of folders and nothing else, and the
    /// loader reports the odd one without a manifest anyway. Asked relative to the directory's descriptor.
    private static func listFolders(_ directory: String) -> (folders: [(name: String, hasManifest: Bool?)], hasFiles: Bool)? {
        guard let stream = opendir(directory) else { return nil }
        defer { closedir(stream) }
        let fd = dirfd(stream)
        var folders: [(name: String, hasManifest: Bool?)] = [], hasFiles = false
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasPrefix(".") { continue }
            var isFolder = Int32(entry.pointee.d_type) == Int32(DT_DIR)
            if Int32(entry.pointee.d_type) == Int32(DT_UNKNOWN) || Int32(entry.pointee.d_type) == Int32(DT_LNK) {
                var info = stat()
                isFolder = fstatat(fd, name, &info, 0) == 0 && info.st_mode & S_IFMT == S_IFDIR
            }
            guard isFolder else {
                hasFiles = true
                continue
            }
            if name.hasPrefix(SweepManifest.folderPrefix) {
                // One stat per sweep folder only: a run given a `sweep-` id still has its manifest and is indexed.
                var info = stat()
                guard fstatat(fd, name + "/" + manifestName, &info, 0) == 0 else { continue }
            }
            folders.append((name, nil))
        }
        folders.sort { $0.name < $1.name }
        if hasFiles {
            for index in folders.indices {
                var info = stat()
                folders[index].hasManifest = fstatat(fd, folders[index].name + "/" + manifestName, &info, 0) == 0
                    && info.st_mode & S_IFMT == S_IFREG
            }
        }
        return (folders, hasFiles)
    }
}
