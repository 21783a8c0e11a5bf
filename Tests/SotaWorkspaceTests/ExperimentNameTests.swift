import SotaWorkspace
import Testing

@Suite struct ExperimentNameTests {
    @Test(arguments: ["wider-latent", "lr_0.1", "A100.run", "x", "64dim", String(repeating: "a", count: 64)])
    func acceptsSafeNames(text: String) throws {
        #expect(try ExperimentName(validating: text).text == text)
    }

    @Test(arguments: [
        ("", "empty"), ("../x", "path separator"), ("a/b", "path separator"), ("a\\b", "path separator"),
        ("a;rm -rf", "`;`"), ("a\u{07}b", "control character (U+0007)"), ("a\nb", "control character (U+000A)"),
        (".hidden", "starts with `.`"), ("..", "parent or current folder"), ("-rf", "starts with `-`"),
        ("has space", "a space"), ("naïve", "not ASCII"), ("a$b", "`$`"), ("a|b", "`|`"), ("a*b", "`*`"),
        (String(repeating: "a", count: 65), "65 characters"),
    ])
    func refusesUnsafeNames(text: String, reason: String) {
        #expect(ExperimentName.problem(with: text)?.contains(reason) == true, "\(ExperimentName.problem(with: text) ?? "accepted")")
        #expect(throws: WorkspaceError.self) { try ExperimentName(validating: text) }
    }

    @Test func messagesShowControlCharacters() {
        do {
            _ = try ExperimentName(validating: "a\u{1B}b")
            Issue.record("accepted")
        } catch {
            #expect(error.description == "invalid experiment name `a\\u{1b}b`: it contains a control character (U+001B)")
            #expect(error.hint?.contains("at most 64 characters") == true)
        }
    }

    @Test func folderNamesSplitIntoDayAndName() throws {
        let folder = try #require(ExperimentFolderName(parsing: "2026-01-22-64dim-latent"))
        #expect(folder.day == "2026-01-22")
        #expect(folder.name.text == "64dim-latent")
        #expect(folder.description == "2026-01-22-64dim-latent")
        for bad in ["2026-01-22", "2026-01-22-", "2026-13-01-x", "26-01-22-x", "2026-01-22_x", "notes", "2026-01-22-a;b"] {
            #expect(ExperimentFolderName(parsing: bad) == nil, "\(bad)")
        }
    }
}
