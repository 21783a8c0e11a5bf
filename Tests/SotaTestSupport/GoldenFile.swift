import Foundation
import SotaSupport

/// Generated text compared against a file checked into the repository; `SOTA_RECORD_GOLDEN=1` rewrites the file.
public enum GoldenFile {
    /// Compares `text` with the golden file at `path` (relative to the repository root).
    ///
    /// - Returns: nil when they match (or the file was just recorded), else a message naming the first differing line.
    public static func mismatch(_ text: String, _ path: String) -> String? {
        let file = Paths.join(Repository.root, path)
        if ProcessInfo.processInfo.environment["SOTA_RECORD_GOLDEN"] == "1" {
            try? FileManager.default.createDirectory(atPath: Paths.parent(of: file), withIntermediateDirectories: true)
            try? AtomicFile.write(text, to: file)
            return nil
        }
        guard let expected = try? String(contentsOfFile: file, encoding: .utf8) else {
            return "\(path) is missing; record it with SOTA_RECORD_GOLDEN=1"
        }
        if expected == text { return nil }
        let (a, b) = (expected.components(separatedBy: "\n"), text.components(separatedBy: "\n"))
        let line = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
        return "\(path):\(line + 1) differs (re-record with SOTA_RECORD_GOLDEN=1 if the change is intended):\n"
            + "  golden: \(line < a.count ? a[line] : "<end of file>")\n  actual: \(line < b.count ? b[line] : "<end of file>")"
    }
}
