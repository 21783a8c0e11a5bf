import CLibGit2
import FoundationEssentials
import SotaSupport

/// The newest commit that changed a path.
package struct LastCommit: Sendable, Equatable {
    /// The commit id.
    package var id: String
    /// The commit time.
    package var time: Date

    /// Creates a record.
    package init(id: String, time: Date) {
        self.id = id
        self.time = time
    }
}

/// Last commits found for a set of paths at one HEAD, kept so that the next walk only covers newer commits.
package struct KnownCommits: Sendable, Equatable {
    /// The HEAD commit the results hold for.
    package var head: String
    /// The newest commit that changed each path, as of `head`.
    package var commits: [String: LastCommit]

    /// Creates a record.
    package init(head: String, commits: [String: LastCommit]) {
        self.head = head
        self.commits = commits
    }
}

extension GitReader {
    /// The time of the newest commit that changed each folder; see ``lastCommits(under:in:known:)``.
    package func lastCommitTimes(under prefixes: [String], in repository: String) -> [String: Date] {
        (lastCommits(under: prefixes, in: repository, known: nil)?.commits ?? [:]).mapValues(\.time)
    }

    /// The newest commit that changed each folder (or file) in the history of HEAD, from one walk.
    ///
    /// The walk goes from HEAD in commit-time order and compares each commit with its first parent (a root commit
    /// with nothing) at tree level only: the folders' parent tree ids first, then, where those differ, the folders'
    /// own entry ids, never the files inside. Paths absent from HEAD are not looked for (they have no commit that
    /// made them what they are now), and the walk stops as soon as every other path has been seen. With `known`
    /// results for an ancestor of HEAD, only the commits since it are walked, plus, for paths it did not cover,
    /// the history before it until they are found.
    ///
    /// - Parameters:
    ///   - prefixes: folders relative to `repository`, such as `experiments/2026-01-22-wide`.
    ///   - repository: any folder inside a work tree; prefixes are relative to it.
    ///   - known: an earlier result, reused when its head is HEAD or an ancestor of it.
    /// - Returns: HEAD and the commits by prefix for the prefixes present in HEAD; nil outside a repository,
    ///   before the first commit or when HEAD cannot be read.
    package func lastCommits(under prefixes: [String], in repository: String, known: KnownCommits?) -> KnownCommits? {
        guard let handle = Self.openRepository(at: repository) else { return nil }
        defer { git_repository_free(handle) }
        var head = git_oid()
        guard git_repository_is_bare(handle) == 0, git_repository_head_unborn(handle) != 1,
              git_reference_name_to_id(&head, handle, "HEAD") == 0,
              let base = Self.workTreeLocation(of: repository, in: handle) else { return nil }
        let headText = Self.text(&head)
        var headCommit: OpaquePointer?
        guard git_commit_lookup(&headCommit, handle, &head) == 0, let headCommit else { return nil }
        let headTree = git_commit_tree_id(headCommit).pointee
        git_commit_free(headCommit)
        let cache = TreeCache(repository: handle)
        var present = FolderGroups(prefixes: prefixes, base: base)
        present.keepOnlyPresent(in: headTree, cache: cache)
        let committed = present.prefixes

        var found: [String: LastCommit] = [:]
        var remaining = committed
        if let known, var knownID = Self.oid(known.head),
           git_oid_equal(&knownID, &head) == 1 || git_graph_descendant_of(handle, &head, &knownID) == 1 {
            // Commits since `known.head` first; paths they do not touch keep what was known, or are looked for
            // further back, from `known.head`.
            var groups = FolderGroups(prefixes: committed, base: base)
            found = walk(handle, from: head, hiding: knownID, groups: &groups, cache: cache)
            remaining = []
            for prefix in committed where found[prefix] == nil {
                if let commit = known.commits[prefix] { found[prefix] = commit } else { remaining.append(prefix) }
            }
            if !remaining.isEmpty {
                var older = FolderGroups(prefixes: remaining, base: base)
                found.merge(walk(handle, from: knownID, hiding: nil, groups: &older, cache: cache)) { $1 }
            }
        } else if !remaining.isEmpty {
            var groups = FolderGroups(prefixes: remaining, base: base)
            found = walk(handle, from: head, hiding: nil, groups: &groups, cache: cache)
        }
        return KnownCommits(head: headText, commits: found)
    }

    /// Walks from `start` (leaving out `hidden` and its ancestors) until every group's paths are seen.
    private func walk(_ handle: OpaquePointer, from start: git_oid, hiding hidden: git_oid?, groups: inout FolderGroups,
                      cache: TreeCache) -> [String: LastCommit] {
        var found: [String: LastCommit] = [:]
        guard !groups.isEmpty else { return found }
        var walker: OpaquePointer?
        guard git_revwalk_new(&walker, handle) == 0, let walker else { return found }
        defer { git_revwalk_free(walker) }
        git_revwalk_sorting(walker, GIT_SORT_TIME.rawValue)
        var start = start
        guard git_revwalk_push(walker, &start) == 0 else { return found }
        if var hidden { git_revwalk_hide(walker, &hidden) }
        var oid = git_oid()
        while !groups.isEmpty, git_revwalk_next(&oid, walker) == 0 {
            var commit: OpaquePointer?
            guard git_commit_lookup(&commit, handle, &oid) == 0, let commit else { continue }
            defer { git_commit_free(commit) }
            var parentTreeID: git_oid?
            if git_commit_parentcount(commit) > 0 {
                var parent: OpaquePointer?
                if git_commit_parent(&parent, commit, 0) == 0, let parent {
                    parentTreeID = git_commit_tree_id(parent).pointee
                    git_commit_free(parent)
                }
            }
            let trees = TreePair(cache: cache, newRoot: git_commit_tree_id(commit).pointee, oldRoot: parentTreeID)
            let changed = groups.changedPrefixes(in: trees)
            guard !changed.isEmpty else { continue }
            let record = LastCommit(id: Self.text(&oid), time: Date(timeIntervalSince1970: TimeInterval(git_commit_time(commit))))
            for prefix in changed { found[prefix] = record }
        }
        return found
    }

    private static func text(_ oid: inout git_oid) -> String {
        git_oid_tostr_s(&oid).map { String(cString: $0) } ?? ""
    }

    private static func oid(_ text: String) -> git_oid? {
        var oid = git_oid()
        return git_oid_fromstr(&oid, text) == 0 ? oid : nil
    }

    /// `repository` as a path inside its work tree (`""` at the top), following symbolic links on both sides.
    static func workTreeLocation(of repository: String, in handle: OpaquePointer) -> String? {
        guard let workdir = git_repository_workdir(handle), let top = Paths.resolved(String(cString: workdir)),
              let here = Paths.resolved(repository) else { return nil }
        let relative = Paths.relative(here, to: top)
        if relative.hasPrefix("/") { return nil }
        return relative == "." ? "" : relative
    }
}

/// Recently loaded trees, so a commit's parent tree (usually the next commit's own tree in a time-ordered
/// walk) and a folder's tree looked up for many paths are each read and parsed once.
private final class TreeCache {
    let repository: OpaquePointer
    private var recent: [OpaquePointer] = []
    private let capacity = 8

    init(repository: OpaquePointer) {
        self.repository = repository
    }

    deinit { for tree in recent { git_tree_free(tree) } }

    /// The tree with `id`, owned by the cache.
    func tree(_ id: git_oid) -> OpaquePointer? {
        var id = id
        for tree in recent where git_oid_equal(git_tree_id(tree), &id) == 1 { return tree }
        var tree: OpaquePointer?
        guard git_tree_lookup(&tree, repository, &id) == 0, let tree else { return nil }
        if recent.count == capacity { git_tree_free(recent.removeFirst()) }
        recent.append(tree)
        return tree
    }

    /// The id of the folder at `path` (`""` for the root) under the tree `root`.
    func folderID(_ path: String, root: git_oid) -> git_oid? {
        if path.isEmpty { return root }
        guard let tree = tree(root) else { return nil }
        var entry: OpaquePointer?
        guard git_tree_entry_bypath(&entry, tree, path) == 0, let entry else { return nil }
        defer { git_tree_entry_free(entry) }
        guard git_tree_entry_type(entry) == GIT_OBJECT_TREE else { return nil }
        return git_tree_entry_id(entry).pointee
    }
}

/// The root trees of a commit and its first parent.
private struct TreePair {
    let cache: TreeCache
    let newRoot: git_oid
    let oldRoot: git_oid?

    /// The id of the folder at `path` (`""` for the root) in the new and the old tree.
    func folderIDs(_ path: String) -> (new: git_oid?, old: git_oid?) {
        (cache.folderID(path, root: newRoot), oldRoot.flatMap { cache.folderID(path, root: $0) })
    }

    func tree(_ id: git_oid) -> OpaquePointer? { cache.tree(id) }
}

/// The folders still to be found, grouped by the folder that holds them.
private struct FolderGroups {
    /// Unseen entry names of one parent folder, each with the prefix the caller used for it.
    private var unseen: [String: [String: String]] = [:]

    init(prefixes: [String], base: String) {
        for prefix in prefixes {
            let full = Paths.normalize(Paths.join(base, prefix))
            guard full != ".", !full.hasPrefix("..") else { continue }
            let parent = full.contains("/") ? Paths.parent(of: full) : ""
            unseen[parent, default: [:]][Paths.lastComponent(of: full)] = prefix
        }
    }

    var isEmpty: Bool { unseen.isEmpty }

    /// Forgets the paths that the tree `root` does not hold: nothing in its history made them what they are now.
    mutating func keepOnlyPresent(in root: git_oid, cache: TreeCache) {
        for parent in Array(unseen.keys) {
            let folder = cache.folderID(parent, root: root).flatMap { cache.tree($0) }
            unseen[parent] = unseen[parent]!.filter { name, _ in folder.map { git_tree_entry_byname($0, name) != nil } ?? false }
            if unseen[parent]!.isEmpty { unseen[parent] = nil }
        }
    }

    /// The prefixes still unseen.
    var prefixes: [String] { unseen.values.flatMap(\.values) }

    /// The prefixes whose folders differ between the pair's trees, removed from the unseen set.
    mutating func changedPrefixes(in trees: TreePair) -> [String] {
        var changed: [String] = []
        for parent in Array(unseen.keys) {
            let ids = trees.folderIDs(parent)
            if Self.same(ids.new, ids.old) { continue }
            let newTree = ids.new.flatMap { trees.tree($0) }
            let oldTree = ids.old.flatMap { trees.tree($0) }
            let differing = Self.differingNames(newTree, oldTree, among: unseen[parent]!)
            for name in differing {
                if let prefix = unseen[parent]!.removeValue(forKey: name) { changed.append(prefix) }
            }
            if unseen[parent]!.isEmpty { unseen[parent] = nil }
        }
        return changed
    }

    private static func same(_ a: git_oid?, _ b: git_oid?) -> Bool {
        guard var a, var b else { return a == nil && b == nil }
        return git_oid_equal(&a, &b) == 1
    }

    /// Names among `names` whose entries differ: looked up one by one when few are wanted, else by one merge of
    /// both sorted entry lists (a lookup is a binary search; a merge is linear in the folder's size).
    private static func differingNames(_ new: OpaquePointer?, _ old: OpaquePointer?, among names: [String: String]) -> [String] {
        let newCount = new.map { git_tree_entrycount($0) } ?? 0, oldCount = old.map { git_tree_entrycount($0) } ?? 0
        if names.count * 16 < newCount + oldCount {
            return names.keys.filter { name in
                let a = new.flatMap { git_tree_entry_byname($0, name) }, b = old.flatMap { git_tree_entry_byname($0, name) }
                return !same(a.map { git_tree_entry_id($0).pointee }, b.map { git_tree_entry_id($0).pointee })
            }
        }
        var differing: [String] = []
        var i = 0, j = 0
        while i < newCount || j < oldCount {
            let a = i < newCount ? git_tree_entry_byindex(new, i) : nil
            let b = j < oldCount ? git_tree_entry_byindex(old, j) : nil
            let order: Int32 = if let a, let b { git_tree_entry_cmp(a, b) } else { a == nil ? 1 : -1 }
            if order == 0 {
                if git_oid_equal(git_tree_entry_id(a), git_tree_entry_id(b)) != 1 { differing.append(String(cString: git_tree_entry_name(a))) }
                i += 1
                j += 1
            } else if order < 0 {
                differing.append(String(cString: git_tree_entry_name(a)))
                i += 1
            } else {
                differing.append(String(cString: git_tree_entry_name(b)))
                j += 1
            }
        }
        return differing
    }
}
