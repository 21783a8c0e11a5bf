import Foundation
import SotaSupport
import SotaTestSupport
import SotaPlan
import SotaWorkspace
import Testing
import SotaRunRecord

@Suite struct RunDirectoryLockTests {
    @Test func missingOrFreeLockMeansNotInProgress() {
        let folder = TemporaryDirectory()
        #expect(!RunDirectoryLock.isHeld(runDirectory: folder.path))
        folder.write(".lock", "")
        #expect(!RunDirectoryLock.isHeld(runDirectory: folder.path))
    }

    @Test func aLockHeldByAnotherProcessIsSeenUntilItExits() throws {
        let folder = TemporaryDirectory()
        try expectSeenWhileHeld(folder, lockPath: folder.path)
    }

    @Test func theLockFileOfAnEarlierVersionIsHonoured() throws {
        let folder = TemporaryDirectory()
        try expectSeenWhileHeld(folder, lockPath: folder.write(".lock", ""))
    }

    @Test func whereADirectoryCannotBeLockedTheLockFileServes() throws {
        let folder = TemporaryDirectory()
        var lock: RunDirectoryLock? = try RunDirectoryLock(runDirectory: folder.path, lockingTheDirectory: false)
        #expect(Paths.kind(of: folder.url(".lock")) == .file)
        #expect(RunDirectoryLock.isHeld(runDirectory: folder.path))
        #expect(throws: FileError.self) { try RunDirectoryLock(runDirectory: folder.path, lockingTheDirectory: false) }
        withExtendedLifetime(lock) {}
        lock = nil
        #expect(!RunDirectoryLock.isHeld(runDirectory: folder.path))
    }

    @Test func aSecondLockOfTheSameRunIsRefusedUntilTheFirstIsGone() throws {
        let folder = TemporaryDirectory()
        var first: RunDirectoryLock? = try RunDirectoryLock(runDirectory: folder.path)
        #expect(throws: FileError.self) { try RunDirectoryLock(runDirectory: folder.path) }
        withExtendedLifetime(first) {}
        first = nil
        #expect(throws: Never.self) { _ = try RunDirectoryLock(runDirectory: folder.path) }
        // No file is left in the run directory.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    /// Has a child process take the exclusive lock a running `sota run` holds on `lockPath` (the run directory, or
    /// an earlier version's lock file), and checks the run is seen as live exactly while the child holds it.
    private func expectSeenWhileHeld(_ folder: TemporaryDirectory, lockPath lock: String) throws {
        let ready = folder.url("ready")
        // The child takes the lock, says so, and waits for its stdin to close.
        let script = "import fcntl, os, sys\nf = os.open(sys.argv[1], os.O_RDONLY)\nfcntl.flock(f, fcntl.LOCK_EX)\nopen(sys.argv[2], 'w').close()\nsys.stdin.read()\n"
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        child.arguments = [Python.executable, "-c", script, lock, ready]
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
