import SotaSupport
import SotaConfig
@testable import SotaData
import SotaTestSupport
import Testing

@Suite struct NPYHeaderTests {
    @Test func parsesNumpyHeaders() throws {
        let header = try NPYHeader.parse(ArrayFixtures.npy(descr: "<f4", shape: [2, 3, 4]))
        #expect(header.dtype == NumpyDType(parsing: "float32"))
        #expect(header.shape == [2, 3, 4])
        #expect(header.dataOffset == 128)
        #expect(header.dataByteCount == 96)
    }

    @Test func scalarAndOneDimensionalShapes() throws {
        #expect(try NPYHeader.parse(ArrayFixtures.npy(descr: "<f8", shape: [5])).shape == [5])
        #expect(try NPYHeader.parse(ArrayFixtures.npy(descr: "|u1", shape: [])).shape == [])
    }

    @Test func rejectsNonNPYAndShortHeaders() {
        #expect(throws: NPYHeader.ParseError.notNPY) { try NPYHeader.parse(Array("PK\u{3}\u{4}xxxxxxxx".utf8)) }
        let full = ArrayFixtures.npy(descr: "<f4", shape: [2])
        #expect(throws: NPYHeader.ParseError.truncated(needed: full.count - 8)) { try NPYHeader.parse(Array(full.prefix(30))) }
    }

    @Test func dtypeSpellings() {
        #expect(NumpyDType(parsing: "<f4")?.description == "float32")
        #expect(NumpyDType(parsing: ">i8")?.description == "int64 (big-endian)")
        #expect(NumpyDType(parsing: "|b1")?.description == "bool")
        #expect(NumpyDType(parsing: "float23") == nil)
        #expect(NumpyDType(parsing: "<f3") == nil)
    }
}

@Suite struct ArrayFileTests {
    @Test func listsNPZMembers() throws {
        let folder = TemporaryDirectory()
        let path = folder.write("d.npz", ArrayFixtures.zip([
            ("u.npy", ArrayFixtures.npy(descr: "<f4", shape: [2, 3])),
            ("x.npy", ArrayFixtures.npy(descr: "<f8", shape: [3])),
        ]))
        let file = try ArrayFile.inspect(path: path)
        #expect(file.problem == nil)
        #expect(file.members.map(\.name) == ["u", "x"])
        #expect(file.members.map(\.header?.shape) == [[2, 3], [3]])
        #expect(file.members.allSatisfy { $0.problem == nil })
    }

    @Test func truncatedNPYSaysHowMuchIsMissing() throws {
        let folder = TemporaryDirectory()
        let path = folder.write("t.npy", ArrayFixtures.npy(descr: "<f4", shape: [100], dataBytes: 150))
        let member = try #require(try ArrayFile.inspect(path: path).members.first)
        #expect(member.problem == "truncated mid-array: holds 150 of 400 data bytes (250 B missing)")
    }

    @Test func truncatedNPZNamesTheMember() throws {
        let folder = TemporaryDirectory()
        let whole = ArrayFixtures.zip([
            ("a.npy", ArrayFixtures.npy(descr: "<f4", shape: [10])),
            ("b.npy", ArrayFixtures.npy(descr: "<f4", shape: [1000])),
        ])
        let path = folder.write("t.npz", Array(whole.prefix(whole.count / 2)))
        let file = try ArrayFile.inspect(path: path)
        #expect(file.problem?.contains("truncated") == true)
        #expect(file.members.first { $0.name == "b" }?.problem?.hasPrefix("truncated mid-array") == true)
        #expect(file.members.first { $0.name == "a" }?.problem == nil)
    }

    @Test func garbageIsNotAnNPZ() throws {
        let folder = TemporaryDirectory()
        let path = folder.write("g.npz", (0..<300).map { UInt8($0 % 7) })
        #expect(try ArrayFile.inspect(path: path).problem == "not an NPZ archive (no ZIP structure found)")
    }
}

@Suite struct ChecksumManifestTests {
    @Test func parsesSha256sumFormatAndLocatesBadLines() {
        let hex = String(repeating: "ab", count: 32)
        let (manifest, problems) = ChecksumManifest.parse("\(hex)  data.npz\n\(hex) *other.bin\nnot a line\n", file: "SUMS")
        #expect(manifest.entries.map(\.path) == ["data.npz", "other.bin"])
        #expect(problems.first?.location == SourceLocation(file: "SUMS", line: 3, column: 1))
    }

    @Test func acceptsOneSpaceLikeSha256sumCheck() {
        let hex = String(repeating: "cd", count: 32)
        let (manifest, problems) = ChecksumManifest.parse("\(hex) file\n\(hex)  \n", file: "SUMS")
        #expect(manifest.entries.map(\.path) == ["file"])
        #expect(problems.map(\.message) == ["checksum line names no file"])
        #expect(problems.first?.location?.line == 2)
        let (_, bad) = ChecksumManifest.parse("\(hex)\n", file: "SUMS")
        #expect(bad.first?.location?.line == 1)
    }

    @Test func settingReplacesAndSorts() {
        let manifest = ChecksumManifest(entries: [.init(path: "b", sha256: "1", line: 1), .init(path: "a", sha256: "2", line: 2)])
        #expect(manifest.setting("b", sha256: "3").text == "2  a\n3  b\n")
    }
}

@Suite struct DatasetValidatorTests {
    private func spec(_ folder: TemporaryDirectory, shape: [Int?] = [2, 3], dtype: String = "float32") -> DataSpec {
        DataSpec(
            path: Located("d.npz", SourceLocation(file: "c.yaml", line: 2, column: 9)),
            manifest: Located("SUMS", SourceLocation(file: "c.yaml", line: 3, column: 13)),
            samples: nil,
            arrays: [ArraySpec(name: "u", dtype: NumpyDType(parsing: dtype)!, shape: shape, location: SourceLocation(file: "c.yaml", line: 5, column: 5))]
        )
    }

    private func setUp() -> TemporaryDirectory {
        let folder = TemporaryDirectory()
        folder.write("d.npz", ArrayFixtures.zip([("u.npy", ArrayFixtures.npy(descr: "<f4", shape: [2, 3]))]))
        return folder
    }

    @Test func writeThenVerifyManifest() {
        let folder = setUp()
        let validator = DatasetValidator(project: Project(root: folder.path), display: { $0 })
        #expect(!validator.validate(spec(folder), writeManifest: true).diagnostics.hasErrors)
        let report = validator.validate(spec(folder))
        #expect(report.diagnostics.isEmpty, "\(report.diagnostics)")
        #expect(report.sha256 == report.expectedSHA256)
    }

    @Test func refusesToRecordAChecksumForBrokenData() {
        let folder = TemporaryDirectory()
        folder.write("d.npz", ArrayFixtures.zip([("u.npy", ArrayFixtures.npy(descr: "<f4", shape: [2, 3]))]))
        let validator = DatasetValidator(project: Project(root: folder.path), display: { $0 })
        let report = validator.validate(spec(folder, shape: [9, 9]), writeManifest: true)
        #expect(report.diagnostics.last?.message == "checksum not recorded: the dataset fails the checks above")
        #expect(Paths.kind(of: folder.url("SUMS")) == .missing)
    }

    @Test func checksumMismatchPointsAtTheManifestLine() {
        let folder = setUp()
        folder.write("SUMS", "# sums\n\(String(repeating: "0", count: 64))  d.npz\n")
        let report = DatasetValidator(project: Project(root: folder.path), display: { $0 }).validate(spec(folder))
        let problem = report.diagnostics.first { $0.message.hasPrefix("checksum mismatch") }
        #expect(problem?.location?.line == 2)
    }

    @Test func shapeAndDtypeMismatchPointAtTheConfig() {
        let folder = setUp()
        let validator = DatasetValidator(project: Project(root: folder.path), display: { $0 })
        _ = validator.validate(spec(folder), writeManifest: true)
        let report = validator.validate(spec(folder, shape: [2, 4], dtype: "float64"))
        #expect(report.diagnostics.map(\.message).sorted() == [
            "array `u` in `\(folder.url("d.npz"))` has shape [2, 3], the config declares [2, 4]",
            "array `u` in `\(folder.url("d.npz"))` is float32, the config declares float64",
        ])
        #expect(report.diagnostics.allSatisfy { $0.location == SourceLocation(file: "c.yaml", line: 5, column: 5) })
        #expect(validator.validate(spec(folder, shape: [nil, 3])).diagnostics.isEmpty)
    }
}
