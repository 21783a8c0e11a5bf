import Foundation
import SotaBasics

/// An exclusive `flock` on the run directory itself, held while a process works on the run.
///
/// The kernel drops it when the process ends, however it ends, so a held lock means a live run: `sota archive`
/// and `sota experiment` tell a run in progress from one that was killed, and a second `--resume` of the same
/// run is refused instead of racing the first. Locking the directory rather than a file in it spares every run a
/// file: on some disks creating a file costs more than the rest of a short run's bookkeeping.
public final class RunDirectoryLock: Sendable {
    /// The lock file earlier versions held inside a run directory, still honoured by ``isHeld(runDirectory:)``.
    public static let legacyFileName = ".lock"

    private let descriptor: Int32

    /// Takes the lock of `runDirectory`.
    ///
    /// - Throws: `FileError` naming the run when another process holds it, or the directory cannot be opened.
    public init(runDirectory: String) throws {
        let descriptor = open(runDirectory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileError(path: runDirectory, operation: "lock the run", errno: errno) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(descriptor)
            if code == EWOULDBLOCK {
                throw FileError(path: runDirectory, operation: "work on the run", reason: "another sota process is running it right now")
            }
            throw FileError(path: runDirectory, operation: "lock the run", errno: code)
        }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// True when a live process holds the lock of `runDirectory`, or the lock file an earlier version held in it.
    public static func isHeld(runDirectory: String) -> Bool {
        isLocked(runDirectory, flags: O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            || isLocked(Paths.join(runDirectory, legacyFileName), flags: O_RDONLY | O_CLOEXEC)
    }

    /// Whether another process holds an exclusive `flock` on `path` (false when it cannot be opened).
    private static func isLocked(_ path: String, flags: Int32) -> Bool {
        let descriptor = open(path, flags)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        // A shared lock is refused only while someone holds the exclusive lock; taking it briefly blocks nobody.
        while flock(descriptor, LOCK_SH | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            return errno == EWOULDBLOCK
        }
        flock(descriptor, LOCK_UN)
        return false
    }
}
