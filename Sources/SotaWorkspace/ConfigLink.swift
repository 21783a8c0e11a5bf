import FoundationEssentials
import Glibc
import SotaSupport

/// Checks that an experiment's `config.yaml` exists and, when it is a symbolic link, stays inside the project.
enum ConfigLink {
    /// What is wrong with the folder's config, or nil.
    static func problem(folder: ExperimentFolder, root: String) -> WorkspaceError? {
        let path = folder.configPath
        var info = stat()
        guard lstat(path, &info) == 0 else { return .missingConfig(folder: folder.display) }
        guard info.st_mode & S_IFMT == S_IFLNK else { return nil }
        let display = Paths.join(folder.display, "config.yaml")
        guard let target = Paths.resolved(path) else { return .missingConfig(folder: folder.display) }
        let top = Paths.resolved(root) ?? root
        return target.hasPrefix(top + "/") ? nil : .configOutsideProject(file: display, target: target)
    }
}
