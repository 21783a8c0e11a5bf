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
}
