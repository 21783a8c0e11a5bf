import Foundation
import SotaSupport
import SotaTestSupport
import Testing

/// Compares generated text with a file in `Tests/SotaReportTests/Golden/`; with `SOTA_RECORD_GOLDEN=1` it writes
/// the file instead. Any difference fails, naming the first differing line.
enum GoldenFile {
    static func check(_ text: String, _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let path = Paths.join(Repository.root, "Tests/SotaReportTests/Golden/\(name)")
        if ProcessInfo.processInfo.environment["SOTA_RECORD_GOLDEN"] == "1" {
            do {
                try AtomicFile.write(text, to: path)
            } catch {
                Issue.record("cannot record \(name): \(error)", sourceLocation: sourceLocation)
            }
            return
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            Issue.record("no golden file \(name); record it with SOTA_RECORD_GOLDEN=1", sourceLocation: sourceLocation)
            return
        }
        let expected = String(decoding: data, as: UTF8.self)
        guard expected != text else { return }
        let (want, got) = (expected.split(separator: "\n", omittingEmptySubsequences: false),
                           text.split(separator: "\n", omittingEmptySubsequences: false))
        let line = zip(want, got).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(want.count, got.count)
        Issue.record("""
            \(name) differs from the golden file at line \(line + 1) (re-record with SOTA_RECORD_GOLDEN=1 if intended):
              golden: \(line < want.count ? String(want[line]) : "<end of file>")
              actual: \(line < got.count ? String(got[line]) : "<end of file>")
            """, sourceLocation: sourceLocation)
    }
}
