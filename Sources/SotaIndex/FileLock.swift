internal import Glibc

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
    /// A lock file this call created is removed again when `body` throws (a refused database): a refusal leaves
    /// nothing behind. That removal can let a later opener lock a new inode while a waiting one holds the old, but
    /// both then meet the same refusal, since `body` only inspects and sets up.
    func withLock<T>(database: String, _ body: () throws(LeaderboardError) -> T) throws(LeaderboardError) -> T {
        var created = false
        var fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if fd >= 0 {
            created = true
        } else if errno == EEXIST {
            fd = open(path, O_RDWR | O_CLOEXEC)
        }
        guard fd >= 0 else {
            throw .cannotOpen(path: database, reason: "cannot create the lock file \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var succeeded = false
        defer { if created, !succeeded { unlink(path) } }
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
        let result = try body()
        succeeded = true
        return result
    }
}
