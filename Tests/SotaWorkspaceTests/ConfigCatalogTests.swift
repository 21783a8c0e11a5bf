import Foundation
import SotaSupport
import SotaTestSupport
import SotaWorkspace
import Testing

/// Compares generated text with `Golden/<name>`; `SOTA_RECORD_GOLDEN=1` rewrites the file instead.
private func expectGolden(_ actual: String, _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
    let path = Paths.join(Paths.parent(of: #filePath), "Golden/\(name)")
    if ProcessInfo.processInfo.environment["SOTA_RECORD_GOLDEN"] == "1" {
        try AtomicFile.write(actual, to: path)
        return
    }
    let expected = try String(contentsOfFile: path, encoding: .utf8)
    #expect(actual == expected, "\(name) differs from its golden file; rerun with SOTA_RECORD_GOLDEN=1 if the change is intended",
            sourceLocation: sourceLocation)
}

private func catalog() -> ConfigCatalog {
    let columns = ["latent.dim", "training.learning_rate", "resources.gpu", "tags"]
    var catalog = ConfigCatalog(parameterColumns: columns, rows: [
        .init(path: "configs/train_burgers_golden.yaml", location: "production", name: "burgers-golden", status: "production",
              created: "", lastActivity: "2026-01-20T09:00:00.000Z", runs: 2, bestMetric: "nrmse", bestValue: 0.0712,
              bestRun: "20260120-090000-00000001", promotedTo: "", parameters: [.int(16), .double(0.05), .string("A100-80GB"), nil],
              configHash: String(repeating: "a", count: 64), gitCommit: String(repeating: "1", count: 40)),
        .init(path: "experiments/2026-01-22-wide/config.yaml", location: "active", name: "wide", status: "success",
              created: "2026-01-22T10:00:00.000Z", lastActivity: "2026-01-23T10:00:00.000Z", runs: 1, bestMetric: "nrmse",
              bestValue: 0.05, bestRun: "20260123-100000-00000002", promotedTo: "configs/wide.yaml;configs/wide_v2.yaml",
              parameters: [.int(32), .double(1e-4), .string("H100, \"SXM\""), .array([.string("a"), .string("b")])],
              configHash: String(repeating: "b", count: 64), gitCommit: ""),
        .init(path: "experiments-archive/2025-12-01-old/config.yaml", location: "archived", name: "old", status: "archived",
              created: "2025-12-01T10:00:00.000Z", lastActivity: "2025-12-02T10:00:00.000Z", runs: 0, bestMetric: "",
              bestValue: nil, bestRun: "", promotedTo: "", parameters: [.int(8), nil, .string("line\nbreak"), nil],
              configHash: String(repeating: "c", count: 64), gitCommit: String(repeating: "2", count: 40)),
    ])
    // The production config's best came from a run with overrides: the row names them beside its own values.
    catalog.rows[0].bestRunOverrides = "training.learning_rate=0.1;seed=3"
    return catalog
}

@Suite struct ConfigCatalogTests {
    @Test func csvMatchesItsGoldenFile() throws {
        try expectGolden(catalog().csv(), "catalog.csv")
    }

    @Test func jsonMatchesItsGoldenFile() throws {
        try expectGolden(catalog().json(), "catalog.json")
    }

    @Test func csvQuotesOnlyWhatItMust() {
        let csv = catalog().csv()
        #expect(csv.contains(",\"H100, \"\"SXM\"\"\","), "commas and quotes: quoted, quotes doubled")
        #expect(csv.contains(",\"line\nbreak\","), "line breaks: quoted")
        #expect(csv.components(separatedBy: "\r\n").first
                == "path,location,name,status,created,last_activity,runs,best_metric,best_value,best_run,best_run_overrides,promoted_to,latent.dim,training.learning_rate,resources.gpu,tags,config_hash,git_commit")
        // One writer for every CSV sota makes (``CSV``): each record ends in CRLF, a line break inside a field stays as it is.
        #expect(csv.hasSuffix("\r\n") && csv.components(separatedBy: "\r\n").count == catalog().rows.count + 2)
    }
}
