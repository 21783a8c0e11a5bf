import FoundationEssentials
import Glibc
import SotaSupport

/// An exclusive `flock` on the run directory itself, held while a process works on the run.
///
/// The kernel drops it when the process ends, however it ends, so a held lock means a live run: `sota archive`
/// and `sota experiment` tell a run in progress from one that was killed, and a second `--resume` of the same
/// run is refused instead of racing the first. Locking the directory rather than a file in it spares every run a
/// file: on some disks creating a file costs more than the rest of a short run's bookkeeping. Where the file
/// system cannot lock a directory (NFS emulates `flock` with POSIX locks, which need a file open for writing), the
/// lock file ``RunLayout/lock`` in the run directory serves instead, as it did for every run in earlier versions.
package final class RunDirectoryLock: Sendable {
    /// The locked descriptor: a child's guardian keeps it open, so the lock outlives sota while a child does.
    package let descriptor: Int32

    /// Takes the lock of `runDirectory`.
    ///
    /// - Throws: `FileError` naming the run when another process holds it, or when neither the directory nor the
    ///   lock file can be locked.
    package convenience init(runDirectory: String) throws {
        try self.init(runDirectory: runDirectory, lockingTheDirectory: true)
    }

    /// Takes the lock of `runDirectory`; `lockingTheDirectory: false` goes straight to the lock file, as on a file
    /// system that refuses to lock a directory.
    package init(runDirectory: String, lockingTheDirectory: Bool) throws {
        let held = FileError(path: runDirectory, operation: "work on the run", reason: Self.heldReason)
        if lockingTheDirectory {
            let directory = open(runDirectory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard directory >= 0 else { throw FileError(path: runDirectory, operation: "lock the run", errno: errno) }
            switch Self.lockExclusively(directory) {
            case 0:
                descriptor = directory
                return
            case EWOULDBLOCK:
                close(directory)
                throw held
            default:
                close(directory)
            }
        }
        let path = Paths.join(runDirectory, RunLayout.lock)
        let file = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard file >= 0 else { throw FileError(path: path, operation: "lock the run", errno: errno) }
        switch Self.lockExclusively(file) {
        case 0:
            descriptor = file
        case EWOULDBLOCK:
            close(file)
            throw held
        case let code:
            close(file)
            throw FileError(path: path, operation: "lock the run", errno: code)
        }
    }

    /// Takes the lock of `runDirectory`, waiting up to `seconds` while another process holds it; `waiting` is called
    /// once, when the wait begins. Used by a resume, whose earlier attempt may still be stopping its children.
    package static func acquire(runDirectory: String, waitingUpTo seconds: Double, waiting: () -> Void) throws -> RunDirectoryLock {
        let deadline = Date().addingTimeInterval(seconds.isFinite ? min(max(0, seconds), 86_400) : 0)
        var told = false
        while true {
            do {
                return try RunDirectoryLock(runDirectory: runDirectory)
            } catch let error as FileError where error.reason == heldReason && Date() < deadline {
                if !told {
                    told = true
                    waiting()
                }
                usleep(50_000)
            }
        }
    }

    private static let heldReason = "another sota process is running it right now"

    deinit { close(descriptor) }

    /// Takes an exclusive `flock` on `descriptor` without waiting; 0, or the error number.
    private static func lockExclusively(_ descriptor: Int32) -> Int32 {
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            if errno != EINTR { return errno }
        }
        return 0
    }

    /// True when a live process holds the lock of `runDirectory`: on the directory, or on its lock file.
    package static func isHeld(runDirectory: String) -> Bool {
        isLocked(runDirectory, flags: O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            || isLocked(Paths.join(runDirectory, RunLayout.lock), flags: O_RDONLY | O_CLOEXEC)
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
