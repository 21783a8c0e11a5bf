import FoundationEssentials
import SotaSupport
import SotaConfig
import SotaGit

/// `.sota/cache/git-activity.json`: the last commits found at some HEAD, so the next survey walks only the
/// commits since then instead of the whole history.
///
/// Only a cache: missing, unreadable or from another history, it is ignored and rewritten.
struct GitActivityCache {
    /// Where the cache lives, relative to the project root.
    static let path = ".sota/cache/git-activity.json"

    let project: Project

    /// Commit times the cache holds, in seconds since 1970: ±10^11 s, about 3,000 years either way. A range
    /// rather than `abs(_:)`, which traps on `Int.min`.
    private static let plausible = -100_000_000_000..<100_000_000_000

    /// The first line of the file; the format is `head` on the second line, then `time<TAB>commit<TAB>path` lines.
    private static let header = "sota git activity cache 1"

    /// The newest commit that changed each path, reusing and then refreshing the cache.
    func lastCommits(under paths: [String], reader: GitReader) -> [String: LastCommit] {
        let file = project.resolve(Self.path)
        let known = FileManager.default.contents(atPath: file).flatMap { Self.parse(String(decoding: $0, as: UTF8.self)) }
        guard let result = reader.lastCommits(under: paths, in: project.root, known: known) else { return [:] }
        // Keep what was known of paths not asked about this time (an experiment archived and restored comes back).
        var merged = known.flatMap { $0.head == result.head ? $0.commits : nil } ?? [:]
        merged.merge(result.commits) { $1 }
        if merged != known?.commits || result.head != known?.head {
            var text = Self.header + "\n" + result.head + "\n"
            for (path, commit) in merged.sorted(by: { $0.key < $1.key }) {
                // Only times the parser reads back are written: a commit dated past them is left out of the cache.
                guard let seconds = Int(exactly: commit.time.timeIntervalSince1970.rounded(.down)), Self.plausible.contains(seconds) else { continue }
                text += "\(seconds)\t\(commit.id)\t\(path)\n"
            }
            try? FileManager.default.createDirectory(atPath: Paths.parent(of: file), withIntermediateDirectories: true)
            try? AtomicFile.write(text, to: file)
        }
        return result.commits
    }

    /// The cached result, or nil when the text is not a cache this build wrote.
    private static func parse(_ text: String) -> KnownCommits? {
        var lines = text.pieces(separatedBy: UInt8(ascii: "\n"))[...]
        guard lines.popFirst() == Substring(header), let head = lines.popFirst(), head.count == 40 else { return nil }
        var commits: [String: LastCommit] = [:]
        commits.reserveCapacity(lines.count)
        for line in lines where !line.isEmpty {
            // Time, commit, then the path, which may itself hold tabs: split at the first two only.
            let fields = line.pieces(separatedBy: 9)
            // A time outside ``plausible`` is a damaged cache, not a commit: the cache is rebuilt.
            guard fields.count >= 3, let seconds = Int(fields[0]), Self.plausible.contains(seconds) else { return nil }
            let path = fields.count == 3 ? fields[2] : line[fields[2].startIndex...]
            commits[String(path)] = LastCommit(id: String(fields[1]), time: Date(timeIntervalSince1970: TimeInterval(seconds)))
        }
        return KnownCommits(head: String(head), commits: commits)
    }
}
