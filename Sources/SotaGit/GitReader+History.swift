import CLibGit2
import Foundation
import SotaBasics

/// The newest commit that changed a path.
public struct LastCommit: Sendable, Equatable {
    /// The commit id.
    public var id: String
    /// The commit time.
    public var time: Date

    /// Creates a record.
    public init(id: String, time: Date) {
        self.id = id
        self.time = time
    }
}

extension GitReader {
    /// The time of the newest commit that changed each folder; see ``lastCommits(under:in:)``.
    public func lastCommitTimes(under prefixes: [String], in repository: String) -> [String: Date] {
        lastCommits(under: prefixes, in: repository).mapValues(\.time)
    }

    /// The newest commit that changed each folder (or file), from one walk over the history of HEAD.
    ///
    /// The walk goes from HEAD in commit-time order and compares each commit with its first parent (a root commit
    /// with nothing) at tree level only: the folders' parent tree ids first, then, where those differ, the folders'
    /// own entry ids, never the files inside. It stops as soon as every folder has been seen, so recent work costs
    /// little however long the history is.
    ///
    /// - Parameters:
    ///   - prefixes: folders relative to `repository`, such as `experiments/2026-01-22-wide`.
    ///   - repository: any folder inside a work tree; prefixes are relative to it.
    /// - Returns: commits by prefix, for the prefixes some commit changed; empty outside a repository, before
    ///   the first commit or when HEAD cannot be read.
    public func lastCommits(under prefixes: [String], in repository: String) -> [String: LastCommit] {
        guard !prefixes.isEmpty else { return [:] }
        var handle: OpaquePointer?
        guard git_repository_open_ext(&handle, repository, 0, nil) == 0, let handle else { return [:] }
        defer { git_repository_free(handle) }
        guard git_repository_is_bare(handle) == 0, git_repository_head_unborn(handle) != 1,
              let base = Self.workTreeLocation(of: repository, in: handle) else { return [:] }
        var groups = FolderGroups(prefixes: prefixes, base: base)
        var walk: OpaquePointer?
        guard git_revwalk_new(&walk, handle) == 0, let walk else { return [:] }
        defer { git_revwalk_free(walk) }
        git_revwalk_sorting(walk, GIT_SORT_TIME.rawValue)
        guard git_revwalk_push_head(walk) == 0 else { return [:] }
        var found: [String: LastCommit] = [:]
        var oid = git_oid()
        while !groups.isEmpty, git_revwalk_next(&oid, walk) == 0 {
            var commit: OpaquePointer?
            guard git_commit_lookup(&commit, handle, &oid) == 0, let commit else { continue }
            defer { git_commit_free(commit) }
            let time = Date(timeIntervalSince1970: TimeInterval(git_commit_time(commit)))
            var parentTreeID: git_oid?
            if git_commit_parentcount(commit) > 0 {
                var parent: OpaquePointer?
                if git_commit_parent(&parent, commit, 0) == 0, let parent {
                    parentTreeID = git_commit_tree_id(parent).pointee
                    git_commit_free(parent)
                }
            }
            let trees = TreePair(repository: handle, new: git_commit_tree_id(commit).pointee, old: parentTreeID)
            let changed = groups.changedPrefixes(in: trees)
            guard !changed.isEmpty else { continue }
            let id = git_oid_tostr_s(&oid).map { String(cString: $0) } ?? ""
            for prefix in changed { found[prefix] = LastCommit(id: id, time: time) }
        }
        return found
    }

    /// `repository` as a path inside its work tree (`""` at the top), following symbolic links on both sides.
    static func workTreeLocation(of repository: String, in handle: OpaquePointer) -> String? {
        guard let workdir = git_repository_workdir(handle), let top = realpath(workdir, nil) else { return nil }
        defer { free(top) }
        guard let here = realpath(repository, nil) else { return nil }
        defer { free(here) }
        let relative = Paths.relative(String(cString: here), to: String(cString: top))
        if relative.hasPrefix("/") { return nil }
        return relative == "." ? "" : relative
    }
}

/// Trees of a commit and its first parent, loaded on demand and freed together.
private final class TreePair {
    let repository: OpaquePointer
    let newRoot: git_oid
    let oldRoot: git_oid?

    init(repository: OpaquePointer, new: git_oid, old: git_oid?) {
        self.repository = repository
        self.newRoot = new
        self.oldRoot = old
    }

    private var loaded: [OpaquePointer] = []
    deinit { for tree in loaded { git_tree_free(tree) } }

    /// The id of the folder at `path` (`""` for the root) in the new and the old tree.
    func folderIDs(_ path: String) -> (new: git_oid?, old: git_oid?) {
        (folderID(path, root: newRoot), oldRoot.flatMap { folderID(path, root: $0) })
    }

    private func folderID(_ path: String, root: git_oid) -> git_oid? {
        if path.isEmpty { return root }
        guard let tree = tree(root) else { return nil }
        var entry: OpaquePointer?
        guard git_tree_entry_bypath(&entry, tree, path) == 0, let entry else { return nil }
        defer { git_tree_entry_free(entry) }
        guard git_tree_entry_type(entry) == GIT_OBJECT_TREE else { return nil }
        return git_tree_entry_id(entry).pointee
    }

    /// The tree with `id`, owned by this pair.
    func tree(_ id: git_oid) -> OpaquePointer? {
        var id = id
        var tree: OpaquePointer?
        guard git_tree_lookup(&tree, repository, &id) == 0, let tree else { return nil }
        loaded.append(tree)
        return tree
    }
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

    /// The prefixes whose folders differ between the pair's trees, removed from the unseen set.
    mutating func changedPrefixes(in trees: TreePair) -> [String] {
        var changed: [String] = []
        for (parent, names) in unseen {
            let ids = trees.folderIDs(parent)
            if Self.same(ids.new, ids.old) { continue }
            let newTree = ids.new.flatMap { trees.tree($0) }
            let oldTree = ids.old.flatMap { trees.tree($0) }
            var remaining = names
            for name in Self.differingNames(newTree, oldTree, among: names) {
                if let prefix = remaining.removeValue(forKey: name) { changed.append(prefix) }
            }
            unseen[parent] = remaining.isEmpty ? nil : remaining
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
