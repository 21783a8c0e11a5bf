import CLibGit2
import SotaSupport

/// Where a commit can be fetched from: what a remote machine needs before it can check out the same code.
package struct GitPublication: Sendable, Equatable {
    /// The work tree's root folder (no trailing slash).
    package var root: String
    /// The URL of the `origin` remote, when there is one, never with a credential in it (see ``RemoteURL``).
    package var originURL: String? { origin?.url }
    /// The `origin` remote's URL split from any credential it carries.
    package var origin: RemoteURL?
    /// Remote-tracking refs (`origin/main`, ...) whose history contains the commit; empty when it was never pushed.
    package var remoteRefs: [String]

    /// True when some remote-tracking ref contains the commit.
    package var isPushed: Bool { !remoteRefs.isEmpty }
}

extension GitReader {
    /// The work tree root, the `origin` URL and the remote-tracking refs containing `commit`, for the repository
    /// holding `path`; nil outside a repository or for a commit id libgit2 cannot parse.
    ///
    /// Reads the refs as last fetched: a push from another clone shows only after `git fetch`.
    package func publication(of commit: String, at path: String) -> GitPublication? {
        guard let repository = Self.openRepository(at: path) else { return nil }
        defer { git_repository_free(repository) }
        var wanted = git_oid()
        guard git_oid_fromstr(&wanted, commit) == 0 else { return nil }
        var root = git_repository_workdir(repository).map { String(cString: $0) } ?? path
        while root.count > 1, root.hasSuffix("/") { root.removeLast() }

        // The URL is split here, where it is read, so a token in it reaches no output, file or request.
        var origin: RemoteURL?
        var remote: OpaquePointer?
        if git_remote_lookup(&remote, repository, "origin") == 0, let remote {
            origin = git_remote_url(remote).map { RemoteURL(String(cString: $0)) }
            git_remote_free(remote)
        }

        var refs: [String] = []
        var iterator: OpaquePointer?
        if git_reference_iterator_glob_new(&iterator, repository, "refs/remotes/*") == 0, let iterator {
            defer { git_reference_iterator_free(iterator) }
            var reference: OpaquePointer?
            while git_reference_next(&reference, iterator) == 0, let current = reference {
                defer { git_reference_free(current) }
                var resolved: OpaquePointer?
                guard git_reference_resolve(&resolved, current) == 0, let resolved else { continue }
                defer { git_reference_free(resolved) }
                guard let target = git_reference_target(resolved) else { continue }
                if git_oid_equal(target, &wanted) == 1 || git_graph_descendant_of(repository, target, &wanted) == 1 {
                    let name = String(cString: git_reference_shorthand(current))
                    if !name.hasSuffix("/HEAD") { refs.append(name) }
                }
            }
        }
        return GitPublication(root: root, origin: origin, remoteRefs: refs.sorted())
    }
}
