internal import Glibc
import SotaPrimitives

/// `sota leaderboard` answered without Foundation, GRDB or ArgumentParser, for a fast start.
///
/// The `sota` executable calls ``run(arguments:environment:workingDirectory:)`` first and hands the process to
/// `sota-core` (the full command line) whenever it returns nil. It answers only when it can print exactly what
/// the full command would: the options of ``LeaderboardRequest``, a project file ``ProjectFileScanner`` can read,
/// and an existing, current leaderboard file that opens read-only without error. Missing, foreign, damaged or
/// outdated files, every usage error, and an empty table (whose note depends on the runs folder) are left to the
/// full command, which creates, migrates or reports them.
package enum QuickLeaderboard {
    /// Prints the leaderboard for `arguments` (those after the executable name) and returns the exit status, or
    /// returns nil without printing anything when the full command must answer.
    ///
    /// - Parameters:
    ///   - environment: looks up an environment variable; `SOTA_LEADERBOARD` moves the database as it does for the
    ///     full command. A function rather than a dictionary, so a fresh process need not hash every variable.
    ///   - workingDirectory: the folder relative paths are resolved against; nil when it cannot be named.
    package static func run(arguments: [String], environment: (String) -> String?, workingDirectory: String?) -> Int32? {
        guard let request = LeaderboardRequest(arguments: arguments), let workingDirectory,
              let path = databasePath(request: request, environment: environment, workingDirectory: workingDirectory),
              let query = LeaderboardTopQuery(metric: request.metric, phase: request.phase, direction: request.direction,
                                              limit: request.top, experiment: request.experiment),
              let rows = ReadOnlyLeaderboard(path: path)?.rows(query) else { return nil }
        // No row to print: the full command says whether the index lost runs that `--rebuild` would restore, a check
        // of the runs folder this fast path leaves out of its common case.
        if rows.isEmpty, request.format == .text { return nil }
        let output = LeaderboardOutput.render(rows, format: request.format, metric: request.metric, phase: request.phase,
                                              experiment: request.experiment)
        DescriptorOutput.writeAll(output, to: 1)
        return 0
    }

    /// The database file the full command would open, when the fast path can tell it and may use it.
    ///
    /// The project root is `--project`, else the nearest folder upwards holding `sota.yaml`, else the working
    /// directory; the file is `SOTA_LEADERBOARD` (resolved against the root) when non-empty, else the project
    /// file's `leaderboard:`, else `.sota/leaderboard.sqlite`. Nil when the project file is beyond
    /// ``ProjectFileScanner``, or when the full command would fail to take its lock (it opens the database for
    /// writing and creates `<file>.lock` beside it), so that such failures are reported by the full command.
    static func databasePath(request: LeaderboardRequest, environment: (String) -> String?, workingDirectory: String) -> String? {
        let root: String
        if let project = request.project {
            root = Paths.absolute(project, relativeTo: workingDirectory)
        } else {
            root = locateRoot(from: workingDirectory) ?? workingDirectory
        }
        var relative = ".sota/leaderboard.sqlite"
        let projectFile = Paths.join(root, "sota.yaml")
        switch Paths.kind(of: projectFile) {
        case .missing:
            break
        case .file:
            guard let bytes = readSmallFile(projectFile), let outcome = ProjectFileScanner.scan(bytes) else { return nil }
            if case .leaderboard(let path) = outcome { relative = path }
        case .directory, .other, .brokenLink:
            return nil
        }
        if let override = environment("SOTA_LEADERBOARD"), !override.isEmpty { relative = override }
        let path = Paths.absolute(relative, relativeTo: root)
        let lock = path + ".lock"
        let writable = Paths.kind(of: lock) == .missing
            ? access(Paths.parent(of: path), W_OK) == 0
            : Paths.kind(of: lock) == .file && access(lock, R_OK | W_OK) == 0
        guard writable, access(path, R_OK | W_OK) == 0 else { return nil }
        return path
    }

    /// The folder holding `sota.yaml` at or above `directory`, as `Project.locateRoot` finds it.
    static func locateRoot(from directory: String) -> String? {
        var current = Paths.normalize(directory)
        while true {
            if Paths.kind(of: Paths.join(current, "sota.yaml")) == .file { return current }
            let up = Paths.parent(of: current)
            if up == current { return nil }
            current = up
        }
    }

    /// The bytes of a file of at most 64 KiB; nil when it is larger or unreadable (the full command judges those).
    private static func readSmallFile(_ path: String) -> [UInt8]? {
        let limit = 64 * 1024
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size <= limit else { return nil }
        // One byte more than the size, to notice a file that grew since fstat.
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size) + 1)
        var filled = 0
        while filled < bytes.count {
            let count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { break }
            filled += count
        }
        guard filled <= Int(info.st_size) else { return nil }
        return Array(bytes.prefix(filled))
    }
}
