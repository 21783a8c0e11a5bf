import SotaLaunch
import Testing

@Suite struct StorageURLTests {
    @Test func acceptsTheSupportedSchemes() throws {
        let results = try StorageURL.parse("file:///srv/results/").get()
        #expect(results.scheme == .file && results.text == "file:///srv/results" && results.filePath == "/srv/results")
        #expect(try StorageURL.parse("file:///srv/with%20space").get().filePath == "/srv/with space")
        #expect(try StorageURL.parse("s3://bucket/runs").get().scheme == .s3)
        #expect(try StorageURL.parse("b2://bucket").get().isWritable)
        #expect(try !StorageURL.parse("https://example.com/data.npz").get().isWritable)
        #expect(try StorageURL.parse("s3://bucket/runs").get().appending("r1").text == "s3://bucket/runs/r1")
    }

    @Test func refusesWithAReason() {
        func reason(_ text: String) -> String {
            if case .failure(let error) = StorageURL.parse(text) { return error.description }
            return "accepted"
        }
        #expect(reason("/srv/results").contains("has no scheme"))
        #expect(reason("ftp://host/x").contains("scheme `ftp` is not one of"))
        #expect(reason("file://relative/path").contains("absolute path"))
        #expect(reason("s3:///key").contains("names no bucket"))
        #expect(reason("https://").contains("names no host"))
        #expect(reason("s3://bucket/a\nb").contains("line break"))
    }

    /// Issue 13 (secret probes): a credential in a storage URL was copied into the dry run, onstart.sh and launch.json.
    /// It is refused, and the refusal masks it.
    @Test func refusesACredentialAndDoesNotEchoIt() throws {
        for text in ["https://reader:s3cret@data.example.com/d", "s3://AKIA:s3cret@bucket/runs", "b2://key@bucket", "file://u:s3cret@/srv"] {
            guard case .failure(let error) = StorageURL.parse(text) else {
                Issue.record("\(text) was accepted")
                continue
            }
            #expect(error.description.contains("carries a credential"), "\(error)")
            #expect(!error.description.contains("s3cret") && error.text.contains("***@"), "\(error)")
        }
        #expect(!StorageURL.parse("ftp://u:s3cret@host/x").failureDescription.contains("s3cret"))
        #expect(!StorageURL.parse("u:s3cret@host/x").failureDescription.contains("s3cret"))
        // An `@` in the path or query is not user information.
        #expect(try StorageURL.parse("s3://bucket/runs@v2").get().text == "s3://bucket/runs@v2")
        #expect(try StorageURL.parse("https://host/d?by=a@b").get().scheme == .https)
    }
}

extension Result where Failure == StorageURLError {
    /// The refusal's message, or `accepted`.
    fileprivate var failureDescription: String {
        if case .failure(let error) = self { return error.description }
        return "accepted"
    }
}
