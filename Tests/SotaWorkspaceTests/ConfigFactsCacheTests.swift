import Foundation
import SotaSupport
import SotaConfig
import SotaTestSupport
import SotaWorkspace
import Testing

/// `.sota/cache/config-facts`: reused while a config's stamp holds, never trusted once it changed or the file is damaged.
@Suite struct ConfigFactsCacheTests {
    /// The project file with its catalog columns replaced by `columns`.
    static func replacingCatalog(in yaml: String, with columns: String) -> String {
        let lines = yaml.components(separatedBy: "\n")
        guard let start = lines.firstIndex(of: "catalog:") else { return yaml + "catalog:\n  columns: [\(columns)]\n" }
        var kept = lines
        kept[start + 1] = "  columns: [\(columns)]"
        return kept.joined(separator: "\n")
    }

    /// A time after which the fixture's files count as settled (the cache keeps nothing changed within two seconds).
    private let later = Date().addingTimeInterval(60)

    private func cache(_ fixture: WorkspaceFixture) -> ConfigFactsCache {
        ConfigFactsCache(project: fixture.workspace.project, now: later)
    }

    private func wideConfig(_ fixture: WorkspaceFixture) -> String {
        "experiments/\(ExperimentCreation.day(fixture.now))-wide/config.yaml"
    }

    @Test func aBuildStoresTheFactsAndTheNextOneReusesThem() throws {
        let fixture = WorkspaceFixture()
        try fixture.experiment("wide", sets: ["latent.dim=32", "operator.pdet.input_dim=32"])
        let first = try ConfigCatalog.build(fixture.workspace, now: later)
        let stored = cache(fixture).known
        #expect(Set(stored.keys) == ["configs/train_burgers_golden.yaml", "configs/small_eval.yaml", "configs/full_eval.yaml", wideConfig(fixture)])
        #expect(stored[wideConfig(fixture)]?.facts.hash == first.rows[1].configHash)
        #expect(stored[wideConfig(fixture)]?.facts.parameters == first.rows[1].parameters)

        // Facts the cache holds are what the next build reports: change one and it shows (proof the file was not parsed).
        var tampered = stored
        tampered[wideConfig(fixture)]?.facts.hash = "from-the-cache"
        cache(fixture).store(tampered)
        let cacheFile = fixture.folder.url(ConfigFactsCache.path)
        let before = FileStamp(path: cacheFile)
        let second = try ConfigCatalog.build(fixture.workspace, now: later)
        #expect(second.rows[1].configHash == "from-the-cache")
        #expect(second.rows[0] == first.rows[0])
        #expect(FileStamp(path: cacheFile) == before, "nothing changed, so the cache is not rewritten")
    }

    @Test func anEditKeepingSizeAndModificationTimeIsNoticed() throws {
        let fixture = WorkspaceFixture()
        try fixture.experiment("wide", sets: ["latent.dim=32", "operator.pdet.input_dim=32"])
        let path = fixture.folder.url(wideConfig(fixture))
        let original = try ConfigCatalog.build(fixture.workspace, now: later).rows[1]
        #expect(original.parameters[0] == .int(32))

        // Rewritten in place (same inode, same size) with the modification time, nanoseconds and all, set back.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let stamp = try #require(FileStamp(path: path))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.write(contentsOf: Data(text.replacingOccurrences(of: "32", with: "48").utf8))
        try handle.close()
        setModificationTime(path, nanoseconds: stamp.modified)
        let edited = try #require(FileStamp(path: path))
        #expect(edited.size == stamp.size && edited.modified == stamp.modified && edited.inode == stamp.inode)
        let afterEdit = try ConfigCatalog.build(fixture.workspace, now: later).rows[1]
        #expect(afterEdit.parameters[0] == .int(48))
        #expect(afterEdit.configHash != original.configHash)

        // Replaced by a rename (another inode), same size, the modification time set back again.
        try AtomicFile.write(text.replacingOccurrences(of: "32", with: "64"), to: path)
        setModificationTime(path, nanoseconds: stamp.modified)
        let afterReplace = try ConfigCatalog.build(fixture.workspace, now: later).rows[1]
        #expect(afterReplace.parameters[0] == .int(64))
        #expect(cache(fixture).known[wideConfig(fixture)]?.facts.parameters.first == .int(64))
    }

    @Test func aConfigChangedJustNowIsNotStored() throws {
        let fixture = WorkspaceFixture()
        try fixture.experiment("wide")
        _ = try ConfigCatalog.build(fixture.workspace, now: Date())
        #expect(ConfigFactsCache(project: fixture.workspace.project, now: Date()).known[wideConfig(fixture)] == nil,
                "another write within the same timestamp tick could follow unseen")
    }

    @Test func aCorruptCacheIsIgnoredAndRewritten() throws {
        let fixture = WorkspaceFixture()
        try fixture.experiment("wide", sets: ["latent.dim=32", "operator.pdet.input_dim=32"])
        let truth = try ConfigCatalog.build(fixture.workspace, now: later)
        let cacheFile = fixture.folder.url(ConfigFactsCache.path)
        let valid = try String(contentsOfFile: cacheFile, encoding: .utf8)

        // A changed hash without a matching checksum, a truncated file, and noise: each ignored, then replaced.
        let damaged = [
            valid.replacingOccurrences(of: truth.rows[1].configHash, with: String(repeating: "0", count: 64)),
            String(valid.dropLast(10)),
            "not a cache\n\u{0}\u{1}",
        ]
        for text in damaged {
            try AtomicFile.write(text, to: cacheFile)
            #expect(cache(fixture).known.isEmpty)
            let rebuilt = try ConfigCatalog.build(fixture.workspace, now: later)
            #expect(rebuilt.rows == truth.rows && rebuilt.problems.isEmpty)
            #expect(try String(contentsOfFile: cacheFile, encoding: .utf8) == valid)
        }
    }

    @Test func aCacheForOtherColumnsIsNotUsed() throws {
        let fixture = WorkspaceFixture()
        try fixture.experiment("wide", sets: ["latent.dim=32", "operator.pdet.input_dim=32"])
        let byDefault = try ConfigCatalog.build(fixture.workspace, now: later)
        #expect(!cache(fixture).known.isEmpty)

        let settings = fixture.folder.url("sota.yaml")
        try AtomicFile.write(Self.replacingCatalog(in: try String(contentsOfFile: settings, encoding: .utf8), with: "training.epochs, seed"), to: settings)
        #expect(cache(fixture).known.isEmpty, "written for the default columns")
        let custom = try ConfigCatalog.build(fixture.workspace, now: later)
        #expect(custom.parameterColumns == ["training.epochs", "seed"])
        #expect(custom.rows[1].parameters.count == 2 && custom.rows[1].parameters[0] == .int(20))
        #expect(custom.rows.map(\.configHash) == byDefault.rows.map(\.configHash))
        #expect(cache(fixture).known[wideConfig(fixture)]?.facts.parameters == custom.rows[1].parameters)
    }

    @Test func configValuesOfEveryKindReadBackExactly() throws {
        let fixture = WorkspaceFixture()
        try fixture.experiment("wide")
        let values: [JSONValue?] = [
            nil, .null, .bool(true), .int(-7), .double(0.1 + 0.2), .double(-0.0), .string("tab\there\nline \\ \"q\" ✓"),
            .array([.int(1), .array([]), .object([])]), .object([("b", .string("")), ("a\t", .double(1e-300))]),
        ]
        let stamp = FileStamp(size: 1, modified: 2, changed: 3, inode: 4)
        let facts = ConfigFacts(kind: .training, experiment: "x\ny", hash: "h", parameters: values, problem: "p\t")
        let settings = fixture.folder.url("sota.yaml")
        let columns = (0..<values.count).map { "c\($0)" }
        try AtomicFile.write(Self.replacingCatalog(in: try String(contentsOfFile: settings, encoding: .utf8), with: columns.joined(separator: ", ")),
                             to: settings)
        cache(fixture).store(["configs/x.yaml": .init(stamp: stamp, facts: facts)])
        let read = try #require(cache(fixture).known["configs/x.yaml"])
        #expect(read.stamp == stamp && read.facts == facts)
        #expect(read.facts.parameters.map { $0?.rendered(pretty: false) } == values.map { $0?.rendered(pretty: false) })
    }

    private func setModificationTime(_ path: String, nanoseconds: Int64) {
        let time = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        var times = [time, time]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
    }
}
