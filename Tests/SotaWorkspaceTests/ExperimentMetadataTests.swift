import Foundation
import SotaWorkspace
import Testing

private func sample() -> ExperimentMetadata {
    var metadata = ExperimentMetadata(
        name: "wider-latent", created: "2026-01-22T10:00:00.000Z",
        baseConfig: .init(path: "configs/train_burgers_golden.yaml", hash: String(repeating: "a", count: 64)),
        configHash: String(repeating: "b", count: 64), status: "active",
        git: .init(commit: String(repeating: "c", count: 40), branch: "main", dirty: true, dirtyFiles: ["x.py"], state: "repository")
    )
    metadata.runs = ["20260122-100000-00000001"]
    metadata.bestMetrics = ["nrmse": .init(value: 0.07, runID: "20260122-100000-00000001")]
    metadata.promotions = [.init(runID: "20260122-100000-00000001", destination: "configs/wide.yaml", at: "2026-01-23T00:00:00.000Z", forced: false)]
    return metadata
}

private func problem(_ text: String) -> String {
    do {
        _ = try ExperimentMetadata.decode(Array(text.utf8), file: "experiments/x/metadata.json")
        return "decoded"
    } catch {
        return error.description
    }
}

@Suite struct ExperimentMetadataTests {
    @Test func roundTripsWithSnakeCaseKeys() throws {
        let metadata = sample()
        let bytes = try metadata.encoded()
        let text = String(decoding: bytes, as: UTF8.self)
        for key in ["\"schema_version\" : 1", "\"base_config\"", "\"config_hash\"", "\"best_metrics\"", "\"run_id\"", "\"dirty_files\"", "\"last_activity\""] {
            #expect(text.contains(key), "\(key)")
        }
        #expect(try ExperimentMetadata.decode(bytes, file: "m.json") == metadata)
    }

    @Test func refusesANewerSchemaVersion() {
        #expect(problem(#"{"schema_version": 2}"#)
                == "experiments/x/metadata.json: schema_version 2 is newer than this sota understands (1); upgrade sota")
    }

    @Test func malformedJSONIsLocatedByLineAndColumn() {
        #expect(problem("{\n  \"schema_version\": 1,\n  \"name\": oops\n}") == "experiments/x/metadata.json:3:11: not valid JSON")
        #expect(problem("") == "experiments/x/metadata.json: the file is empty")
    }

    @Test func wrongTypesAndMissingMembersNameTheKey() throws {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(sample().encoded())) as? [String: Any])
        object["runs"] = [1]
        let wrong = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        #expect(problem(wrong) == "experiments/x/metadata.json: wrong type at `runs[0]`: expected a string")
        object["runs"] = []
        object.removeValue(forKey: "config_hash")
        let missing = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        #expect(problem(missing) == "experiments/x/metadata.json: missing `config_hash`")
        #expect(problem("[1, 2]").hasPrefix("experiments/x/metadata.json: wrong type at the top level"))
        #expect(problem(#"{"name": "x"}"#) == "experiments/x/metadata.json: missing `schema_version`")
    }
}
