import Foundation
import SotaBasics
import SotaPlan
@testable import SotaRun
import Testing

@Suite struct StageMarkerTests {
    private func marker(outputs: Int, stage: String = "train \"s1\"\\/\n") -> StageMarker {
        StageMarker(
            stage: stage,
            inputs: .init(command: String(repeating: "a", count: 64), config: "", upstream: "é\u{1}"),
            outputs: (0..<outputs).map { RunManifest.FileRecord(path: "checkpoints/s\($0).pt", sha256: String(repeating: "f", count: 64), size: $0 * 1_000_003) },
            finished: "2026-11-23T18:40:00.123Z"
        )
    }

    @Test func handEncodingMatchesJSONEncoderByteForByte() throws {
        for outputs in [0, 1, 3] {
            let value = marker(outputs: outputs)
            let expected = try JSONEncoder.forFiles().encode(value)
            #expect(String(decoding: value.encoded(), as: UTF8.self) == String(decoding: expected, as: UTF8.self))
            #expect(try JSONDecoder().decode(StageMarker.self, from: Data(value.encoded())) == value)
        }
    }

    @Test func aWrittenMarkerReadsBack() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sota-marker-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory + "/markers", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let value = marker(outputs: 2, stage: "s1")
        try value.write(in: directory)
        #expect(StageMarker.read(stage: value.stage, in: directory) == value)
    }
}
