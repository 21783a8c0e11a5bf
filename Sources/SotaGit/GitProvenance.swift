import CLibGit2
import FoundationEssentials
import Dispatch
import Synchronization
import SotaSupport

/// What git says about the code a run uses: commit, branch and uncommitted changes.
package struct GitProvenance: Sendable, Equatable {
    /// Whether the folder is in a repository, and what state it is in.
    package enum State: Sendable, Equatable {
        /// Not inside any git repository.
        case noRepository
        /// A repository whose branch has no commits yet.
        case noCommits(branch: String?)
        /// A repository at a commit.
        case commit(String)
    }

    /// The repository state.
    package var state: State
    /// The branch name, nil when HEAD is detached or there is no repository.
    package var branch: String?
    /// Paths with uncommitted changes (untracked files included), relative to the repository root.
    package var dirtyFiles: [String]

    /// True when any file differs from HEAD.
    package var isDirty: Bool { !dirtyFiles.isEmpty }

    /// The commit id, when there is one.
    package var commit: String? {
        if case .commit(let id) = state { return id }
        return nil
    }

    /// `a1b2c3d4e5f6 (main, dirty: 2 files)` style summary.
    package var summary: String {
        switch state {
        case .noRepository: return "not a git repository"
        case .noCommits(let branch): return "no commits yet" + (branch.map { " on \($0)" } ?? "")
        case .commit(let id):
            var parts = [branch ?? "detached HEAD"]
            if isDirty { parts.append("dirty: \(dirtyFiles.count) file\(dirtyFiles.count == 1 ? "" : "s")") }
            return "\(id.prefix(12)) (\(parts.joined(separator: ", ")))"
        }
    }
}

/// Reads git state through libgit2, never by running `git`.
package struct GitReader: Sendable {
    /// Creates a reader; libgit2 starts on first use.
    package init() {}

    // libgit2 starts only once a repository may actually be there. (Its start-up no longer parses the system's
    // TLS certificates, which sota never needs: see CSotaGitStatic/tls_deferred.c.)
    private static let initialized: Int32 = git_libgit2_init()

    /// Starts libgit2 for this process (once; later calls do nothing).
    static func startLibgit2() {
        _ = initialized
    }

    /// Opens the repository around `path` (searching upwards), starting libgit2 first: every entry point opens
    /// through here, so none can reach libgit2 before it is initialized.
    static func openRepository(at path: String) -> OpaquePointer? {
        startLibgit2()
        var repository: OpaquePointer?
        guard git_repository_open_ext(&repository, path, 0, nil) == 0 else { return nil }
        return repository
    }

    /// The provenance of the folder at `path` (any folder inside a work tree).
    package func provenance(at path: String) -> GitProvenance {
        guard RepositoryDiscovery.mayBeInsideRepository(path) else {
            return GitProvenance(state: .noRepository, branch: nil, dirtyFiles: [])
        }
        guard let repository = Self.openRepository(at: path) else {
            return GitProvenance(state: .noRepository, branch: nil, dirtyFiles: [])
        }
        defer { git_repository_free(repository) }
        let branch = currentBranch(repository)
        if git_repository_head_unborn(repository) == 1 {
            return GitProvenance(state: .noCommits(branch: branch), branch: branch, dirtyFiles: dirtyFiles(repository))
        }
        var oid = git_oid()
        guard git_reference_name_to_id(&oid, repository, "HEAD") == 0, let text = git_oid_tostr_s(&oid) else {
            return GitProvenance(state: .noCommits(branch: branch), branch: branch, dirtyFiles: dirtyFiles(repository))
        }
        return GitProvenance(state: .commit(String(cString: text)), branch: branch, dirtyFiles: dirtyFiles(repository))
    }

    private func currentBranch(_ repository: OpaquePointer) -> String? {
        if git_repository_head_detached(repository) == 1 { return nil }
        var head: OpaquePointer?
        if git_reference_lookup(&head, repository, "HEAD") == 0, let head {
            defer { git_reference_free(head) }
            if let target = git_reference_symbolic_target(head) {
                let name = String(cString: target)
                return name.hasPrefix("refs/heads/") ? String(name.dropFirst("refs/heads/".count)) : name
            }
        }
        return nil
    }

    private func dirtyFiles(_ repository: OpaquePointer) -> [String] {
        var options = git_status_options()
        git_status_options_init(&options, 1)
        options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
        options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS.rawValue
            | GIT_STATUS_OPT_EXCLUDE_SUBMODULES.rawValue
        var list: OpaquePointer?
        guard git_status_list_new(&list, repository, &options) == 0, let list else { return [] }
        defer { git_status_list_free(list) }
        var files: [String] = []
        for index in 0..<git_status_list_entrycount(list) {
            guard let entry = git_status_byindex(list, index)?.pointee else { continue }
            let delta = entry.index_to_workdir ?? entry.head_to_index
            if let path = delta?.pointee.new_file.path ?? delta?.pointee.old_file.path {
                files.append(String(cString: path))
            }
        }
        return files.sorted()
    }
}

/// Git provenance read on a background thread, so opening the repository and scanning the work tree for changes
/// overlap with config loading instead of adding to it.
package final class PendingProvenance: Sendable {
    private final class Slot: Sendable {
        let value = Mutex<GitProvenance?>(nil)
        let done = DispatchSemaphore(value: 0)
    }

    private let slot = Slot()

    /// Starts reading the provenance of `path`.
    package init(path: String) {
        let slot = self.slot
        // Outside any repository the answer is known at once: no thread, whose mere existence makes every later
        // unmapping in this process interrupt the other CPUs.
        guard RepositoryDiscovery.mayBeInsideRepository(path) else {
            slot.value.withLock { $0 = GitProvenance(state: .noRepository, branch: nil, dirtyFiles: []) }
            slot.done.signal()
            return
        }
        BackgroundThread.start {
            let provenance = GitReader().provenance(at: path)
            slot.value.withLock { $0 = provenance }
            slot.done.signal()
        }
    }

    /// Waits for the provenance.
    package func wait() -> GitProvenance {
        slot.done.wait()
        slot.done.signal()
        return slot.value.withLock { $0! }
    }
}
