import Foundation
import SotaBasics

/// The `flock` a running `sota run` holds on `<run dir>/.lock`, which tells a live run from one whose process died.
///
/// A manifest that says `running` outlives a `kill -9`; the kernel drops the lock with the process, so only a
/// held lock means someone is still working in the folder.
public enum RunDirectoryLock {
    /// The lock file's name inside a run directory.
    public static let fileName = ".lock"

    /// True when a live process holds the lock of `runDirectory`; false when the file is missing or free.
    public static func isHeld(runDirectory: String) -> Bool {
        let fd = open(Paths.join(runDirectory, fileName), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        // A shared lock is refused only while someone holds the exclusive lock; taking it briefly blocks nobody.
        while flock(fd, LOCK_SH | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            return errno == EWOULDBLOCK
        }
        flock(fd, LOCK_UN)
        return false
    }
}
