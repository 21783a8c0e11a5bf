import Foundation
import SotaSupport
import SotaLaunch
import SotaTestSupport
import Testing

@Suite struct LaunchRecordTests {
    static let record = LaunchRecord(
        runID: "20260301-120000-0badcafe", created: "2026-03-01T12:00:00.000Z", config: "configs/train.yaml",
        overrides: ["latent.dim=32"], repository: "https://github.com/example/burgers.git", commit: String(repeating: "a", count: 40),
        results: "s3://bucket/runs", apiURL: "https://console.vast.ai", instanceID: 7000001,
        offer: VastOffer(id: 1002, gpuName: "RTX 4090", gpuCount: 1, pricePerHour: 0.35, reliability: 0.999, diskSpaceGB: 80),
        shutdown: "destroy", script: "onstart.sh", scriptEncoding: "plain", environment: ["VAST_API_KEY", "AWS_SECRET_ACCESS_KEY"]
    )

    @Test func roundTripsThroughItsFile() throws {
        let folder = TemporaryDirectory()
        let path = folder.url("launch.json")
        try Self.record.write(to: path)
        #expect(try LaunchRecord.read(path: path) == Self.record)
        #expect(GoldenFile.mismatch(try Self.record.encoded(), "Tests/SotaLaunchTests/Golden/launch.json") == nil)
    }

    @Test func refusesANewerSchemaAndGarbage() throws {
        let folder = TemporaryDirectory()
        let newer = folder.write("newer.json", try Self.record.encoded().replacingOccurrences(of: "\"schema_version\" : 1", with: "\"schema_version\" : 9"))
        #expect(throws: FileError.self) { try LaunchRecord.read(path: newer) }
        let garbage = folder.write("garbage.json", "{}")
        #expect(throws: FileError.self) { try LaunchRecord.read(path: garbage) }
    }
}
