import SotaGit
import SotaTestSupport
import Testing

/// Issue 13, item 11: a credential in a remote URL is taken out where the URL is read.
@Suite struct RemoteURLTests {
    @Test func httpUserinfoIsTakenOutWhole() {
        let token = RemoteURL("https://oauth2:glpat-SECRET@gitlab.example.com/team/repo.git")
        #expect(token.url == "https://gitlab.example.com/team/repo.git")
        #expect(token.username == "oauth2" && token.password == "glpat-SECRET")
        let bare = RemoteURL("https://ghp_SECRET@github.com/team/repo.git")
        #expect(bare.url == "https://github.com/team/repo.git" && bare.username == "ghp_SECRET" && bare.password == nil)
        let escaped = RemoteURL("http://u%40x:p%3Aw@h:8080/r?x=1")
        #expect(escaped.url == "http://h:8080/r?x=1" && escaped.username == "u@x" && escaped.password == "p:w")
    }

    @Test func sshUserNamesStayPasswordsGo() {
        #expect(RemoteURL("git@github.com:team/repo.git") == RemoteURL("git@github.com:team/repo.git"))
        #expect(RemoteURL("git@github.com:team/repo.git").url == "git@github.com:team/repo.git")
        #expect(!RemoteURL("ssh://git@host/repo.git").hadCredential && RemoteURL("ssh://git@host/repo.git").url == "ssh://git@host/repo.git")
        let secret = RemoteURL("ssh://git:hunter2@host/repo.git")
        #expect(secret.url == "ssh://git@host/repo.git" && secret.password == "hunter2")
        #expect(RemoteURL("/srv/git/repo.git").url == "/srv/git/repo.git")
        #expect(RemoteURL("https://host/a@b").url == "https://host/a@b", "an @ in the path is no userinfo")
    }

    @Test func theOriginURLIsReadWithoutItsCredential() throws {
        let (folder, work) = try GitPublicationTests.cloneWithRemote()
        _ = folder
        let set = try ProgramRun(["git", "-C", work, "remote", "set-url", "origin", "https://oauth2:TOKEN-123@example.invalid/team/repo.git"])
        #expect(set.status == 0)
        let commit = GitReader().provenance(at: work).commit ?? ""
        let publication = GitReader().publication(of: commit, at: work)
        #expect(publication?.originURL == "https://example.invalid/team/repo.git")
        #expect(publication?.origin?.password == "TOKEN-123")
    }
}
