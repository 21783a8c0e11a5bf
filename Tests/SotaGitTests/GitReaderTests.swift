import Foundation
import SotaGit
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
