import Foundation

/// An advisory, exclusive `flock` on a lock file, held for the duration of a closure.
///
/// Each acquisition opens the lock file anew, so two threads of one process exclude each other as two
/// processes do. The lock file is left in place: removing it would let a late opener lock a different inode.
struct FileLock {
    /// The lock file's path.
    let path: String
    /// How long to wait for another holder, in seconds.
    var timeout: Double = Leaderboard.busyTimeout

    /// Runs `body` while holding the lock, creating the lock file if needed.
    ///
    /// - Throws: `LeaderboardError.cannotOpen` naming `database` when the lock file cannot be created or locked
    ///   within ``timeout``, or whatever `body` throws.
    func withLock<T>(database: String, _ body: () throws(LeaderboardError) -> T) throws(LeaderboardError) -> T {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw .cannotOpen(path: database, reason: "cannot create the lock file \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        // Polled rather than blocking, so a process stuck while holding the lock cannot hang every other opener.
        let deadline = ContinuousClock.now + .seconds(timeout)
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            guard code == EWOULDBLOCK else {
                throw .cannotOpen(path: database, reason: "cannot lock \(path): \(String(cString: strerror(code)))")
            }
            guard ContinuousClock.now < deadline else {
                throw .cannotOpen(path: database, reason: "another process has held \(path) for over \(Int(timeout)) s")
            }
            usleep(2_000)
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }
}
