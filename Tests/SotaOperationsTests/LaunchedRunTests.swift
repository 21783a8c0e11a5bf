import Foundation
import SotaSupport
import SotaConfig
import SotaLaunch
import SotaOperations
import SotaTestSupport
import Testing

/// Finding a launched run by a prefix of its id, as status, cancel and resume do.
@Suite struct LaunchedRunTests {
    @Test func aUniquePrefixFindsTheRunAndAnythingElseSaysWhy() throws {
        let folder = TemporaryDirectory()
        folder.write("sota.yaml", "project: lookup\nruns: runs\n")
        let record = SlurmLaunchRecord(launchID: "20260301-120000-0000000a", created: "t", config: "c.yaml", overrides: [], sweep: [],
                                       runs: ["20260301-120000-0000000a"], arrayBase: nil, stages: [.gate], resources: SlurmResources(), sota: "/bin/false")
        try FileManager.default.createDirectory(atPath: folder.url("runs/20260301-120000-0000000a"), withIntermediateDirectories: true)
        try record.write(to: folder.url("runs/20260301-120000-0000000a/launch.json"))
        try FileManager.default.createDirectory(atPath: folder.url("runs/20260301-120000-0000000b"), withIntermediateDirectories: true)
        folder.write("runs/20260301-120000-0000000b/launch.json", "{not json")
        let project = Project.load(root: folder.path, displayRoot: ".").0

        let found = try LaunchedRun.find("20260301-120000-0000000a", project: project)
        guard case .slurm(let read) = found.launch else { Issue.record("a Slurm record read as Vast's"); return }
        #expect(read == record)
        #expect(found.recordPath == folder.url("runs/20260301-120000-0000000a/launch.json"))

        #expect(throws: LaunchedRun.LookupError.self) { try LaunchedRun.find("2026", project: project) }
        do {
            _ = try LaunchedRun.find("2026", project: project)
        } catch {
            #expect(error.description == "`2026` matches 2 launched runs: 20260301-120000-0000000a, 20260301-120000-0000000b")
        }
        do {
            _ = try LaunchedRun.find("1999", project: project)
        } catch {
            #expect(error.description == "no launched run `1999` in runs/ (no launch.json)")
        }
        do {
            _ = try LaunchedRun.find("../x", project: project)
        } catch {
            #expect(error.description.hasPrefix("`../x` is not a run id: "))
        }
        do {
            _ = try LaunchedRun.find("20260301-120000-0000000b", project: project)
            Issue.record("a damaged record was read")
        } catch {
            guard case .unreadable = error else { Issue.record("\(error)"); return }
        }
    }
}
