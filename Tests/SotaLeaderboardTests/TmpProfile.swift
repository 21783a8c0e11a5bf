import Foundation
import SotaLeaderboard
import SotaPlan
import SotaTestSupport
import Testing

@Test func tmpProfile() throws {
    guard let dir = ProcessInfo.processInfo.environment["LB_PROFILE_DIR"] else { return }
    let mode = ProcessInfo.processInfo.environment["LB_MODE"] ?? "all"
    let names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
    let clock = ContinuousClock()
    var t = clock.now
    var datas: [Data] = []
    for n in names { datas.append(FileManager.default.contents(atPath: dir + "/" + n + "/manifest.json")!) }
    print("read files:", clock.now - t)
    t = clock.now
    var manifests: [RunManifest] = []
    for (n, d) in zip(names, datas) { manifests.append(try RunManifest.decode(d, path: n)) }
    print("decode sequential:", clock.now - t)
    let folder = TemporaryDirectory()
    let board = try Leaderboard(path: folder.url("lb.sqlite"))
    if mode == "write" || mode == "all" {
        for _ in 0..<3 {
            t = clock.now
            let r = try board.ingest(manifests.map { ($0, "x") })
            print("write in-memory manifests:", clock.now - t, r.ingested)
        }
    }
    if mode == "all" {
        t = clock.now
        let r2 = try board.rebuild(runDirectories: [dir])
        print("rebuild from dirs:", clock.now - t, r2.ingested, r2.problems.prefix(3))
    }
}
