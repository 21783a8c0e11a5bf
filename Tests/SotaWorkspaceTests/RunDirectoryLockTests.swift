import Foundation
import SotaBasics
import SotaTestSupport
import SotaPlan
import SotaWorkspace
import Testing

@Suite struct RunDirectoryLockTests {
    @Test func missingOrFreeLockMeansNotInProgress() {
        let folder = TemporaryDirectory()
        #expect(!RunDirectoryLock.isHeld(runDirectory: folder.path))
        folder.write(".lock", "")
        #expect(!RunDirectoryLock.isHeld(runDirectory: folder.path))
    }

    @Test func aLockHeldByAnotherProcessIsSeenUntilItExits() throws {
        let folder = TemporaryDirectory()
        let lock = folder.write(".lock", "")
        let ready = folder.url("ready")
        // The child takes the exclusive lock a running `sota run` holds, says so, and waits for its stdin to close.
        let script = "import fcntl, sys\nf = open(sys.argv[1], 'r+')\nfcntl.flock(f, fcntl.LOCK_EX)\nopen(sys.argv[2], 'w').close()\nsys.stdin.read()\n"
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        child.arguments = ["python3", "-c", script, lock, ready]
        let input = Pipe()
        child.standardInput = input
        try child.run()
        let deadline = Date().addingTimeInterval(20)
        while Paths.kind(of: ready) != .file, Date() < deadline { usleep(10_000) }
        #expect(Paths.kind(of: ready) == .file, "the child never took the lock")
        #expect(RunDirectoryLock.isHeld(runDirectory: folder.path))
        #expect(RunDirectoryLock.isHeld(runDirectory: folder.path), "checking must not take the lock away")
        try input.fileHandleForWriting.close()
        child.waitUntilExit()
        #expect(!RunDirectoryLock.isHeld(runDirectory: folder.path), "the kernel drops the lock with the process")
    }
}
