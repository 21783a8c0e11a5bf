import Foundation
@testable import SotaLeaderboard
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
    t = clock.now
    var n = 0
    for d in datas { if d.withUnsafeBytes({ ManifestScanner.indexedRun($0.bindMemory(to: UInt8.self)) }) != nil { n += 1 } }
    print("scan sequential:", clock.now - t, n)
    t = clock.now
    let paths = names.map { dir + "/" + $0 + "/manifest.json" }
    let loaded = ManifestLoader.load(paths)
    print("ManifestLoader.load parallel:", clock.now - t, loaded.count)
    let folder = TemporaryDirectory()
    let board = try Leaderboard(path: folder.url("lb.sqlite"))
    if mode == "write" || mode == "all" {
        for _ in 0..<3 {
            let entries = manifests.map { ($0, "x") }
            var ru0 = rusage(); getrusage(RUSAGE_SELF.rawValue, &ru0)
            t = clock.now
            let r = try board.ingest(entries)
            var ru1 = rusage(); getrusage(RUSAGE_SELF.rawValue, &ru1)
            let cpu = Double(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec) + Double(ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec) / 1e6
            let sys = Double(ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) + Double(ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1e6
            print("write in-memory manifests:", clock.now - t, r.ingested, "user", cpu, "sys", sys)
        }
    }
    if mode == "all" {
        t = clock.now
        let r2 = try board.rebuild(runDirectories: [dir])
        print("rebuild from dirs:", clock.now - t, r2.ingested, r2.problems.prefix(3))
    }
}
