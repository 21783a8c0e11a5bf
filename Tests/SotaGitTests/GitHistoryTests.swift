import Foundation
import SotaSupport
import SotaGit
import SotaTestSupport
import Testing

/// Runs git in `folder` with a fixed author and, when given, a fixed commit date (seconds since 1970).
private func git(_ arguments: [String], in folder: String, date: Int? = nil) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
    process.arguments = ["-C", folder, "-c", "user.name=T", "-c", "user.email=t@example.com"] + arguments
    var environment = ProcessInfo.processInfo.environment
    if let date {
        environment["GIT_AUTHOR_DATE"] = "@\(date) +0000"
        environment["GIT_COMMITTER_DATE"] = "@\(date) +0000"
    }
    process.environment = environment
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "git \(arguments.joined(separator: " "))")
}

private func commit(_ folder: TemporaryDirectory, _ files: [String: String?], at date: Int) throws {
    for (path, text) in files {
        if let text { folder.write(path, text) } else { try FileManager.default.removeItem(atPath: folder.url(path)) }
    }
    try git(["add", "-A"], in: folder.path)
    try git(["commit", "-q", "-m", "at \(date)"], in: folder.path, date: date)
}

private func seconds(_ commits: [String: LastCommit]) -> [String: Int] {
    commits.mapValues { Int($0.time.timeIntervalSince1970) }
}

@Suite struct GitHistoryTests {
    @Test func noRepositoryOrNoCommitsGiveNothing() throws {
        let folder = TemporaryDirectory()
        #expect(GitReader().lastCommits(under: ["experiments/a"], in: folder.path, known: nil) == nil)
        try git(["init", "-q", "-b", "main"], in: folder.path)
        folder.write("experiments/a/x", "1")
        #expect(GitReader().lastCommits(under: ["experiments/a"], in: folder.path, known: nil) == nil)
        #expect(GitReader().indexedFileStamps(under: ["experiments"], in: folder.path).isEmpty)
    }

    @Test func eachFolderGetsTheNewestCommitThatChangedIt() throws {
        let folder = TemporaryDirectory()
        try git(["init", "-q", "-b", "main"], in: folder.path)
        try commit(folder, ["experiments/a/config.yaml": "1", "experiments/b/config.yaml": "1", "src/x": "1"], at: 1_000)
        try commit(folder, ["experiments/b/notes.md": "n"], at: 2_000)
        try commit(folder, ["src/x": "2"], at: 3_000)
        try commit(folder, ["experiments-archive/c/config.yaml": "1"], at: 4_000)
        try commit(folder, ["experiments/b/notes.md": nil], at: 5_000)
        let found = try #require(GitReader().lastCommits(under: ["experiments/a", "experiments/b", "experiments-archive/c", "experiments/never", "src/x"],
                                                         in: folder.path, known: nil)).commits
        #expect(seconds(found) == ["experiments/a": 1_000, "experiments/b": 5_000, "experiments-archive/c": 4_000, "src/x": 3_000])
        #expect(found["experiments/a"]?.id.count == 40)
        #expect(GitReader().lastCommitTimes(under: ["experiments/b"], in: folder.path).mapValues(\.timeIntervalSince1970) == ["experiments/b": 5_000])
    }

    @Test func prefixesAreRelativeToAFolderInsideTheWorkTree() throws {
        let folder = TemporaryDirectory()
        try git(["init", "-q", "-b", "main"], in: folder.path)
        try commit(folder, ["project/experiments/a/config.yaml": "1", "experiments/a/config.yaml": "1"], at: 1_000)
        try commit(folder, ["experiments/a/config.yaml": "2"], at: 2_000)
        let found = try #require(GitReader().lastCommits(under: ["experiments/a"], in: folder.url("project"), known: nil)).commits
        #expect(seconds(found) == ["experiments/a": 1_000])
    }

    @Test func detachedHeadAndMergesWalkTheWholeHistory() throws {
        let folder = TemporaryDirectory()
        try git(["init", "-q", "-b", "main"], in: folder.path)
        try commit(folder, ["experiments/a/x": "1"], at: 1_000)
        try git(["checkout", "-q", "-b", "side"], in: folder.path)
        try commit(folder, ["experiments/b/x": "1"], at: 2_000)
        try git(["checkout", "-q", "main"], in: folder.path)
        try commit(folder, ["experiments/a/x": "2"], at: 3_000)
        try git(["merge", "-q", "--no-edit", "side"], in: folder.path, date: 4_000)
        try git(["checkout", "-q", "--detach"], in: folder.path)
        let found = try #require(GitReader().lastCommits(under: ["experiments/a", "experiments/b"], in: folder.path, known: nil)).commits
        // The merge brings `b` into main's first-parent line at 4000; the side commit itself is older.
        #expect(seconds(found) == ["experiments/a": 3_000, "experiments/b": 4_000])
    }

    @Test func anEarlierResultIsExtendedByTheNewCommitsOnly() throws {
        let folder = TemporaryDirectory()
        try git(["init", "-q", "-b", "main"], in: folder.path)
        try commit(folder, ["experiments/a/x": "1", "experiments/b/x": "1"], at: 1_000)
        try commit(folder, ["experiments/b/x": "2"], at: 2_000)
        let first = try #require(GitReader().lastCommits(under: ["experiments/a", "experiments/b"], in: folder.path, known: nil))
        try commit(folder, ["experiments/a/x": "2", "experiments/c/x": "1"], at: 3_000)
        let paths = ["experiments/a", "experiments/b", "experiments/c"]
        let incremental = try #require(GitReader().lastCommits(under: paths, in: folder.path, known: first))
        let fresh = try #require(GitReader().lastCommits(under: paths, in: folder.path, known: nil))
        #expect(incremental == fresh)
        #expect(seconds(incremental.commits) == ["experiments/a": 3_000, "experiments/b": 2_000, "experiments/c": 3_000])
        // A result from an unrelated history is ignored, not trusted.
        let bogus = KnownCommits(head: String(repeating: "1", count: 40), commits: ["experiments/a": LastCommit(id: "x", time: Date(timeIntervalSince1970: 1))])
        #expect(GitReader().lastCommits(under: paths, in: folder.path, known: bogus) == fresh)
        // Misleading values for the same head are returned as given: a cache is trusted for the head it names.
        let same = try #require(GitReader().lastCommits(under: ["experiments/b"], in: folder.path, known: fresh))
        #expect(same.commits == ["experiments/b": fresh.commits["experiments/b"]!])
    }

    @Test func indexStampsMatchUntouchedCheckouts() throws {
        let folder = TemporaryDirectory()
        try git(["init", "-q", "-b", "main"], in: folder.path)
        try commit(folder, ["experiments/a/config.yaml": "abc", "other/z": "1"], at: 1_000)
        let stamps = GitReader().indexedFileStamps(under: ["experiments"], in: folder.path)
        #expect(Array(stamps.keys) == ["experiments/a/config.yaml"])
        var info = stat()
        #expect(stat(folder.url("experiments/a/config.yaml"), &info) == 0)
        #expect(stamps["experiments/a/config.yaml"] == IndexedFileStamp(modifiedSeconds: Int(info.st_mtim.tv_sec), size: 3))
    }
}
