import CLibGit2
import FoundationEssentials
import SotaSupport

/// Commits chosen files through libgit2, leaving everything else in the index and work tree as it was.
///
/// The commit is HEAD's tree with just those files replaced, built in a private index, so changes the user has
/// staged for other files are neither committed nor lost.
package struct GitCommitter: Sendable {
    /// Why a commit could not be made.
    package struct Failure: Error, Sendable, CustomStringConvertible {
        /// The explanation, with libgit2's own message when it gave one.
        package var description: String
    }

    /// A commit that was made.
    package struct Commit: Sendable, Equatable {
        /// The new commit's id.
        package var id: String
        /// `Name <email>` of the author.
        package var author: String
    }

    /// Creates a committer.
    package init() {}

    /// Commits `files` (absolute paths inside the work tree, with their current content) on the current branch of
    /// the repository around `folder`, with `message`; author and committer come from git's configuration.
    package func commit(files: [String], message: String, in folder: String) throws(Failure) -> Commit {
        try withCommitTarget(in: folder) { repository, workTree, signature, author throws(Failure) in
            try commit(files: files, message: message, repository: repository, workTree: workTree, signature: signature, author: author)
        }
    }

    private func commit(files: [String], message: String, repository: OpaquePointer, workTree: String,
                        signature: UnsafeMutablePointer<git_signature>, author: String) throws(Failure) -> Commit {
        let root = Paths.resolved(workTree) ?? Paths.normalize(workTree)
        var paths: [String] = []
        for file in files {
            let real = Paths.join(Paths.resolved(Paths.parent(of: file)) ?? Paths.normalize(Paths.parent(of: file)), Paths.lastComponent(of: file))
            let relative = Paths.relative(real, to: root)
            guard relative != real, relative != "." else { throw Failure(description: "\(file) is outside the repository at \(root)") }
            paths.append(relative)
        }
        // HEAD's tree, or nothing on an unborn branch.
        var parent: OpaquePointer?
        var headOID = git_oid()
        let unborn = git_repository_head_unborn(repository) == 1
        if !unborn {
            guard git_reference_name_to_id(&headOID, repository, "HEAD") == 0, git_commit_lookup(&parent, repository, &headOID) == 0 else {
                throw Failure(description: "cannot read HEAD: \(Self.lastError())")
            }
        }
        defer { if let parent { git_commit_free(parent) } }

        var index: OpaquePointer?
        guard git_index_new(&index) == 0, let index else { throw Failure(description: "cannot create an index: \(Self.lastError())") }
        defer { git_index_free(index) }
        if let parent {
            var tree: OpaquePointer?
            guard git_commit_tree(&tree, parent) == 0, let tree else { throw Failure(description: "cannot read HEAD's tree: \(Self.lastError())") }
            defer { git_tree_free(tree) }
            guard git_index_read_tree(index, tree) == 0 else { throw Failure(description: "cannot read HEAD's tree: \(Self.lastError())") }
        }
        for path in paths {
            guard let content = FileManager.default.contents(atPath: Paths.join(workTree, path)) else {
                throw Failure(description: "cannot read \(path) to commit it")
            }
            // The private index has no repository behind it, so the blob is written first and entered by id.
            var blob = git_oid()
            guard content.withUnsafeBytes({ git_blob_create_from_buffer(&blob, repository, $0.baseAddress, $0.count) }) == 0 else {
                throw Failure(description: "cannot store \(path): \(Self.lastError())")
            }
            var entry = git_index_entry()
            entry.mode = UInt32(GIT_FILEMODE_BLOB.rawValue)
            entry.id = blob
            entry.file_size = UInt32(truncatingIfNeeded: content.count)
            let status = path.withCString { cPath in
                entry.path = cPath
                return git_index_add(index, &entry)
            }
            guard status == 0 else { throw Failure(description: "cannot stage \(path): \(Self.lastError())") }
        }
        var treeOID = git_oid()
        guard git_index_write_tree_to(&treeOID, index, repository) == 0 else {
            throw Failure(description: "cannot write the tree: \(Self.lastError())")
        }
        var tree: OpaquePointer?
        guard git_tree_lookup(&tree, repository, &treeOID) == 0, let tree else { throw Failure(description: "cannot read the new tree: \(Self.lastError())") }
        defer { git_tree_free(tree) }

        var commitOID = git_oid()
        var parents: [OpaquePointer?] = parent.map { [$0] } ?? []
        let created = parents.withUnsafeMutableBufferPointer { buffer in
            git_commit_create(&commitOID, repository, "HEAD", signature, signature, nil, message, tree, buffer.count, buffer.baseAddress)
        }
        guard created == 0 else { throw Failure(description: "cannot create the commit: \(Self.lastError())") }

        // The repository's own index learns the committed content too, or `git status` would show the files as
        // staged changes against the new HEAD.
        var realIndex: OpaquePointer?
        if git_repository_index(&realIndex, repository) == 0, let realIndex {
            defer { git_index_free(realIndex) }
            for path in paths { _ = git_index_add_bypath(realIndex, path) }
            _ = git_index_write(realIndex)
        }
        return Commit(id: String(cString: git_oid_tostr_s(&commitOID)), author: author)
    }

    /// Checks that a commit can be made in the repository around `folder` (a work tree, an author) before
    /// anything is changed; returns the author.
    package func preflight(in folder: String) throws(Failure) -> String {
        try withCommitTarget(in: folder) { _, _, _, author in author }
    }

    /// Opens the repository around `folder` and git's author, refusing a bare repository or a missing author.
    private func withCommitTarget<T>(
        in folder: String,
        _ body: (_ repository: OpaquePointer, _ workTree: String, _ signature: UnsafeMutablePointer<git_signature>, _ author: String) throws(Failure) -> T
    ) throws(Failure) -> T {
        guard let repository = GitReader.openRepository(at: folder) else {
            throw Failure(description: "\(folder) is not inside a git repository, so there is nothing to commit to")
        }
        defer { git_repository_free(repository) }
        guard let workTree = git_repository_workdir(repository).map({ String(cString: $0) }) else {
            throw Failure(description: "the repository at \(folder) is bare; --commit needs a work tree")
        }
        var signature: UnsafeMutablePointer<git_signature>?
        guard git_signature_default(&signature, repository) == 0, let signature else {
            throw Failure(description: "git has no author: set `git config user.name` and `git config user.email` (\(Self.lastError()))")
        }
        defer { git_signature_free(signature) }
        return try body(repository, workTree, signature, Self.describe(signature))
    }

    /// `Name <email>` of a signature.
    private static func describe(_ signature: UnsafeMutablePointer<git_signature>) -> String {
        "\(String(cString: signature.pointee.name)) <\(String(cString: signature.pointee.email))>"
    }

    /// `Name <email>` from git's configuration for the repository around `folder` (or the global one), if set.
    package static func author(in folder: String) -> String? {
        // Started here too: outside a repository the global configuration is read without opening one.
        GitReader.startLibgit2()
        var signature: UnsafeMutablePointer<git_signature>?
        if let repository = GitReader.openRepository(at: folder) {
            defer { git_repository_free(repository) }
            guard git_signature_default(&signature, repository) == 0, let signature else { return nil }
            defer { git_signature_free(signature) }
            return describe(signature)
        }
        var config: OpaquePointer?
        guard git_config_open_default(&config) == 0, let config else { return nil }
        defer { git_config_free(config) }
        var name: UnsafePointer<CChar>?, email: UnsafePointer<CChar>?
        var snapshot: OpaquePointer?
        guard git_config_snapshot(&snapshot, config) == 0, let snapshot else { return nil }
        defer { git_config_free(snapshot) }
        guard git_config_get_string(&name, snapshot, "user.name") == 0, let name else { return nil }
        let text = String(cString: name)
        if git_config_get_string(&email, snapshot, "user.email") == 0, let email { return "\(text) <\(String(cString: email))>" }
        return text
    }

    /// libgit2's message for the last error on this thread.
    static func lastError() -> String {
        guard let error = git_error_last(), let message = error.pointee.message else { return "unknown libgit2 error" }
        return String(cString: message)
    }
}
