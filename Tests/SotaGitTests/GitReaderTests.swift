import Foundation
@testable import SotaGit
import SotaTestSupport
import Testing

private func git(_ arguments: String..., in folder: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
    process.arguments = ["-C", folder, "-c", "user.name=T", "-c", "user.email=t@example.com"] + arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
}

@Suite struct GitReaderTests {
    @Test func outsideAnyRepository() {
        let folder = TemporaryDirectory()
        #expect(GitReader().provenance(at: folder.path).state == .noRepository)
    }

    @Test func repositoryWithoutCommits() throws {
        let folder = TemporaryDirectory()
        try git("init", "-q", "-b", "main", in: folder.path)
        folder.write("a.txt", "x")
        let provenance = GitReader().provenance(at: folder.path)
        #expect(provenance.state == .noCommits(branch: "main"))
        #expect(provenance.dirtyFiles == ["a.txt"])
    }

    @Test func commitBranchAndDirtyFiles() throws {
        let folder = TemporaryDirectory()
        try git("init", "-q", "-b", "main", in: folder.path)
        folder.write("a.txt", "x")
        try git("add", "a.txt", in: folder.path)
        try git("commit", "-q", "-m", "first", in: folder.path)
        var provenance = GitReader().provenance(at: folder.path)
        #expect(provenance.commit?.count == 40)
        #expect(provenance.branch == "main")
        #expect(!provenance.isDirty)
        folder.write("a.txt", "changed")
        folder.write("sub/new.txt", "n")
        provenance = GitReader().provenance(at: folder.url("sub"))
        #expect(provenance.dirtyFiles == ["a.txt", "sub/new.txt"])
        #expect(provenance.summary.contains("dirty: 2 files"))
    }

    @Test func detachedHead() throws {
        let folder = TemporaryDirectory()
        try git("init", "-q", "-b", "main", in: folder.path)
        folder.write("a.txt", "x")
        try git("add", "a.txt", in: folder.path)
        try git("commit", "-q", "-m", "first", in: folder.path)
        try git("checkout", "-q", "--detach", in: folder.path)
        let provenance = GitReader().provenance(at: folder.path)
        #expect(provenance.branch == nil)
        #expect(provenance.summary.contains("detached HEAD"))
    }
}

@Suite struct RepositoryDiscoveryTests {
    @Test func aFolderWithNoGitAboveIsRuledOutWithoutLibgit2() throws {
        let temporary = TemporaryDirectory()
        let nested = temporary.path + "/a/b"
        try FileManager.default.createDirectory(atPath: nested, withIntermediateDirectories: true)
        #expect(!RepositoryDiscovery.mayBeInsideRepository(nested))
        #expect(GitReader().provenance(at: nested) == GitProvenance(state: .noRepository, branch: nil, dirtyFiles: []))
    }

    @Test func aGitEntryAnywhereAboveLeavesTheDecisionToLibgit2() throws {
        let temporary = TemporaryDirectory()
        let nested = temporary.path + "/a/b"
        try FileManager.default.createDirectory(atPath: nested, withIntermediateDirectories: true)
        // A gitfile (as worktrees and submodules have) counts as much as a folder.
        try Data("gitdir: /nowhere\n".utf8).write(to: URL(fileURLWithPath: temporary.path + "/a/.git"))
        #expect(RepositoryDiscovery.mayBeInsideRepository(nested))
        // libgit2 then finds the gitfile points nowhere: still no repository, and no crash.
        #expect(GitReader().provenance(at: nested).state == .noRepository)
    }

    @Test func aSymbolicLinkIsFollowedToWhereItLeads() throws {
        let temporary = TemporaryDirectory()
        try git("init", "-q", "repo", in: temporary.path)
        try FileManager.default.createDirectory(atPath: temporary.path + "/repo/sub", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: temporary.path + "/link", withDestinationPath: temporary.path + "/repo/sub")
        #expect(RepositoryDiscovery.mayBeInsideRepository(temporary.path + "/link"))
    }
}

@Suite struct GitPublicationTests {
    /// A clone of a bare "remote", with one pushed commit.
    static func cloneWithRemote() throws -> (TemporaryDirectory, String) {
        let folder = TemporaryDirectory()
        try git("init", "-q", "--bare", "-b", "main", folder.url("remote.git"), in: folder.path)
        try git("clone", "-q", folder.url("remote.git"), folder.url("work"), in: folder.path)
        let work = folder.url("work")
        folder.write("work/a.txt", "x")
        try git("add", "a.txt", in: work)
        try git("commit", "-q", "-m", "first", in: work)
        try git("push", "-q", "origin", "main", in: work)
        return (folder, work)
    }

    @Test func aPushedCommitIsOnTheRemote() throws {
        let (folder, work) = try Self.cloneWithRemote()
        let commit = try #require(GitReader().provenance(at: work).commit)
        let publication = try #require(GitReader().publication(of: commit, at: folder.url("work/")))
        #expect(publication.root == work)
        #expect(publication.originURL == folder.url("remote.git"))
        #expect(publication.remoteRefs == ["origin/main"])
        #expect(publication.isPushed)
    }

    @Test func anAncestorOfAPushedCommitIsOnTheRemoteAndANewCommitIsNot() throws {
        let (folder, work) = try Self.cloneWithRemote()
        let first = try #require(GitReader().provenance(at: work).commit)
        folder.write("work/b.txt", "y")
        try git("add", "b.txt", in: work)
        try git("commit", "-q", "-m", "second", in: work)
        let second = try #require(GitReader().provenance(at: work).commit)
        #expect(GitReader().publication(of: second, at: work)?.isPushed == false)
        #expect(GitReader().publication(of: first, at: work)?.isPushed == true)
        try git("push", "-q", "origin", "main", in: work)
        #expect(GitReader().publication(of: second, at: work)?.remoteRefs == ["origin/main"])
    }

    @Test func noRemoteAndNoRepository() throws {
        let folder = TemporaryDirectory()
        #expect(GitReader().publication(of: String(repeating: "a", count: 40), at: folder.path) == nil)
        try git("init", "-q", "-b", "main", in: folder.path)
        folder.write("a.txt", "x")
        try git("add", "a.txt", in: folder.path)
        try git("commit", "-q", "-m", "first", in: folder.path)
        let commit = try #require(GitReader().provenance(at: folder.path).commit)
        let publication = try #require(GitReader().publication(of: commit, at: folder.path))
        #expect(publication.originURL == nil && !publication.isPushed)
        #expect(GitReader().publication(of: "not-a-commit", at: folder.path) == nil)
    }
}
