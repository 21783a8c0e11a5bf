import Foundation
import SotaBasics
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

    private struct Stored: Codable {
        var version: Int
        var head: String
        var commits: [String: Commit]

        struct Commit: Codable {
            var id: String
            var time: Double
        }
    }

    /// The newest commit that changed each path, reusing and then refreshing the cache.
    func lastCommits(under paths: [String], reader: GitReader) -> [String: LastCommit] {
        let file = project.resolve(Self.path)
        let known = FileManager.default.contents(atPath: file).flatMap { try? JSONDecoder().decode(Stored.self, from: $0) }
            .flatMap { stored in
                stored.version == 1 ? KnownCommits(head: stored.head, commits: stored.commits.mapValues {
                    LastCommit(id: $0.id, time: Date(timeIntervalSince1970: $0.time))
                }) : nil
            }
        guard let result = reader.lastCommits(under: paths, in: project.root, known: known) else { return [:] }
        // Keep what was known of paths not asked about this time (an experiment archived and restored comes back).
        var merged = known?.head == result.head ? known!.commits : [:]
        merged.merge(result.commits) { $1 }
        if merged != known?.commits || result.head != known?.head {
            let stored = Stored(version: 1, head: result.head, commits: merged.mapValues { .init(id: $0.id, time: $0.time.timeIntervalSince1970) })
            if let data = try? JSONEncoder().encode(stored) {
                try? FileManager.default.createDirectory(atPath: Paths.parent(of: file), withIntermediateDirectories: true)
                try? AtomicFile.write(Array(data), to: file)
            }
        }
        return result.commits
    }
}
