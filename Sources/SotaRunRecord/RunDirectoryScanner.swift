import FoundationEssentials
import Glibc
import SotaSupport

/// A run directory or manifest that a scan left out, and why.
package struct RunFolderProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The directory or `manifest.json` involved.
    package var path: String
    /// Why it was left out, in one sentence.
    package var reason: String

    /// Creates a problem.
    package init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `path: reason`.
    package var description: String { "\(path): \(reason)" }
}

/// The one scanner of run directories: lists the run folders of a runs folder (or behind directory arguments such as
/// `runs/` or `runs/20261123-141000-a1b2c3d4`) and reads their manifests, scanned by hand where it can and decoded in
/// full where only the decoder can judge (see ``ManifestLoader``).
///
/// The index (`ingest`, `--rebuild`), the workspace's commands and the front ends that look a run up by a prefix of
/// its id all list run folders here, so they agree on what a run folder is.
package enum RunDirectoryScanner {
    /// The manifests of `arguments`, in order, and the arguments that hold none.
    ///
    /// A directory holding `manifest.json` is a run directory, and a `manifest.json` given directly is taken as is.
    /// A directory without one is expanded one level when it looks like a folder of runs (some subfolder holds a
    /// manifest, or it holds only folders): each visible subfolder must then hold a manifest, and loose files are
    /// ignored. Hidden entries (`.sota/`) and sota's own sweep folders (`sweep-<id>/` without a manifest, which hold
    /// `sweep.json` or a launch record and whose runs sit beside them) are skipped.
    package static func manifests(in arguments: [String]) -> (paths: [String], problems: [RunFolderProblem]) {
        var paths: [String] = [], problems: [RunFolderProblem] = []
        for argument in arguments {
            let manifest = Paths.join(argument, RunLayout.manifest)
            if Paths.kind(of: manifest) == .file {
                paths.append(manifest)
                continue
            }
            switch Paths.kind(of: argument) {
            case .directory: break
            case .missing, .brokenLink:
                problems.append(.init(path: argument, reason: "no such directory"))
                continue
            case .file where Paths.lastComponent(of: argument) == RunLayout.manifest:
                paths.append(argument)
                continue
            case .file, .other:
                problems.append(.init(path: argument, reason: "not a run directory or a \(RunLayout.manifest)"))
                continue
            }
            guard let listing = listFolders(argument) else {
                problems.append(.init(path: argument, reason: "cannot list the directory"))
                continue
            }
            // A run directory that lost its manifest holds files (logs, configs) and no run directories.
            if listing.hasFiles, listing.folders.allSatisfy({ $0.hasManifest == false }) {
                problems.append(.init(path: argument, reason: "no \(RunLayout.manifest) (not a run directory, nor a folder of run directories)"))
                continue
            }
            for folder in listing.folders {
                let child = Paths.join(argument, folder.name)
                // Unchecked (a folder holding only folders): a missing manifest is reported when it fails to load.
                if folder.hasManifest ?? true {
                    paths.append(Paths.join(child, RunLayout.manifest))
                } else {
                    problems.append(.init(path: child, reason: "no \(RunLayout.manifest)"))
                }
            }
        }
        return (paths, problems)
    }

    /// The run folders of `runsFolder` with a manifest, each with its manifest's indexed part or why it could not be
    /// read, sorted by folder name; a missing or unreadable runs folder holds none.
    ///
    /// Manifests are read on all cores, scanned by hand and decoded in full only where the scanner declines (see
    /// ``ManifestLoader/load(_:buffer:)``); a folder without a manifest (a sweep folder, a run still being created)
    /// is left out, as is any hidden entry.
    package static func runs(inRunsFolder runsFolder: String) -> [(name: String, outcome: ManifestLoader.Outcome)] {
        guard let listing = listFolders(runsFolder) else { return [] }
        let names = listing.folders.filter { $0.hasManifest ?? true }.map(\.name)
        let outcomes = ManifestLoader.load(names.map { Paths.join(runsFolder, RunLayout.manifest(ofRun: $0)) })
        return zip(names, outcomes).compactMap { name, outcome in
            if case .failure = outcome, Paths.kind(of: Paths.join(runsFolder, RunLayout.manifest(ofRun: name))) != .file { return nil }
            return (name, outcome)
        }
    }

    /// The names of the visible folders of `runsFolder` that start with `prefix` (sweep folders only with
    /// `sweeps: true`), sorted: how a run is found from a unique prefix of its id.
    package static func folders(in runsFolder: String, startingWith prefix: String, sweeps: Bool = false) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: runsFolder)) ?? [])
            .filter { $0.hasPrefix(prefix) && !$0.hasPrefix(".") && (!sweeps || RunLayout.isSweepFolderName($0)) }.sorted()
    }

    /// True when `folder` holds a visible subfolder; stops at the first, so a runs folder of any size costs little.
    package static func holdsFolders(_ folder: String) -> Bool {
        guard let stream = opendir(folder) else { return false }
        defer { closedir(stream) }
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if !name.hasPrefix("."), Paths.kind(of: Paths.join(folder, name)) == .directory { return true }
        }
        return false
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
            if name.hasPrefix(RunLayout.sweepFolderPrefix) {
                // One stat per sweep folder only: a run given a `sweep-` id still has its manifest and is indexed.
                var info = stat()
                guard fstatat(fd, name + "/" + RunLayout.manifest, &info, 0) == 0 else { continue }
            }
            folders.append((name, nil))
        }
        folders.sort { $0.name < $1.name }
        if hasFiles {
            for index in folders.indices {
                var info = stat()
                folders[index].hasManifest = fstatat(fd, folders[index].name + "/" + RunLayout.manifest, &info, 0) == 0
                    && info.st_mode & S_IFMT == S_IFREG
            }
        }
        return (folders, hasFiles)
    }
}
