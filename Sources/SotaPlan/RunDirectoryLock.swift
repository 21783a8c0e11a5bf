import Foundation
import SotaBasics

/// An exclusive `flock` on `<run dir>/.lock`, held while a process works on the run.
///
/// The kernel drops it when the process ends, however it ends, so a held lock means a live run: `sota archive`
/// and `sota experiment` tell a run in progress from one that was killed, and a second `--resume` of the same
/// run is refused instead of racing the first.
public final class RunDirectoryLock: Sendable {
    /// The lock file's name inside a run directory.
    public static let fileName = ".lock"

    private let descriptor: Int32

    /// Takes the lock of `runDirectory`.
    ///
    /// - Throws: `FileError` naming the run when another process holds it, or the lock file cannot be opened.
    public init(runDirectory: String) throws {
        let path = Paths.join(runDirectory, Self.fileName)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileError(path: path, operation: "lock the run", errno: errno) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(descriptor)
            if code == EWOULDBLOCK {
                throw FileError(path: runDirectory, operation: "work on the run", reason: "another sota process is running it right now")
            }
            throw FileError(path: path, operation: "lock the run", errno: code)
        }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// True when a live process holds the lock of `runDirectory` (false when there is no lock file).
    public static func isHeld(runDirectory: String) -> Bool {
        let descriptor = open(Paths.join(runDirectory, fileName), O_RDONLY | O_CLOEXEC)
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
