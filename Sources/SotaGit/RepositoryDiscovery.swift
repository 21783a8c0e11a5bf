import FoundationEssentials
import Glibc
import SotaSupport

/// A cheap look for a `.git` entry above a folder, so a run outside any repository never starts libgit2.
///
/// It only rules repositories out: when it finds a `.git` (folder or gitfile), libgit2 decides. It errs towards
/// "maybe" whenever git's environment (`GIT_DIR`, `GIT_WORK_TREE`) could point elsewhere.
enum RepositoryDiscovery {
    /// False only when no folder from `path` up to `/` holds a `.git` entry and git's environment names no repository.
    static func mayBeInsideRepository(_ path: String) -> Bool {
        if getenv("GIT_DIR") != nil || getenv("GIT_WORK_TREE") != nil { return true }
        // The real path, as libgit2 walks it: a symbolic link's target, not the folder lexically above the link.
        guard var folder = Paths.resolved(path) else { return true }
        while true {
            var info = stat()
            if lstat(Paths.join(folder, ".git"), &info) == 0 { return true }
            // A bare repository opened directly has no `.git` entry of its own.
            if lstat(Paths.join(folder, "HEAD"), &info) == 0, lstat(Paths.join(folder, "objects"), &info) == 0 { return true }
            let parent = Paths.parent(of: folder)
            if parent == folder { return false }
            folder = parent
        }
    }
}
