import Foundation
import SotaSupport
import SotaPlan
@testable import SotaRun
import SotaTestSupport
import Testing
import SotaRunRecord

/// The guardian every child runs under: statuses relayed as the child's own, start failures reported, stragglers and
/// orphans stopped, the run lock held for as long as any process of the attempt lives.
@Suite struct ChildProcessTests {
    private func child(_ script: String, in folder: TemporaryDirectory, grace: Double = 0.5, held: Int32? = nil) -> ChildProcess {
        ChildProcess(executable: "/bin/sh", arguments: ["sh", "-c", script], environment: ["PATH": "/usr/bin:/bin"],
                     workingDirectory: folder.path, logFile: folder.url("child.log"), timeout: nil,
                     gracePeriod: DurationValue(seconds: grace), heldDescriptor: held)
    }

    private func readPID(_ path: String) throws -> Int32 {
        for _ in 0..<200 {
            if let text = try? String(contentsOfFile: path, encoding: .utf8), let pid = Int32(text.trimmingSpaces()) { return pid }
            usleep(10_000)
        }
        throw FileError(path: path, operation: "read", reason: "no pid written")
    }

    @Test func exitCodesAndSignalsAreTheChildsOwn() throws {
        let folder = TemporaryDirectory()
        #expect(try child("exit 7", in: folder).run() == .exited(7))
        #expect(try child("exit 0", in: folder).run() == .exited(0))
        #expect(try child("kill -USR1 $$", in: folder).run() == .signaled(SIGUSR1))
        #expect(try child("kill -SEGV $$", in: folder).run() == .signaled(SIGSEGV))
    }

    @Test func outputGoesToTheLogAndStandardInputIsEmpty() throws {
        let folder = TemporaryDirectory()
        #expect(try child("echo out; echo err >&2; cat; pwd", in: folder).run() == .exited(0))
        let log = try String(contentsOfFile: folder.url("child.log"), encoding: .utf8)
        let real = URL(fileURLWithPath: folder.path).resolvingSymlinksInPath().path
        #expect(log == "out\nerr\n\(real)\n")
    }

    @Test func aProgramThatCannotStartIsAnErrorNotAStatus() throws {
        let folder = TemporaryDirectory()
        let missing = ChildProcess(executable: folder.url("nope"), arguments: ["nope"], environment: [:], workingDirectory: folder.path,
                                   logFile: folder.url("child.log"), timeout: nil, gracePeriod: DurationValue(seconds: 1))
        #expect(throws: SpawnError.self) { try missing.spawn() }
        var elsewhere = child("exit 0", in: folder)
        elsewhere.workingDirectory = folder.url("no-such-folder")
        let error = try #require(throws: SpawnError.self) { try elsewhere.spawn() }
        #expect(error.reason.contains("No such file"))
    }

    @Test func theChildLeadsAGroupOfItsOwnApartFromSota() throws {
        let folder = TemporaryDirectory()
        let guardian = try child("ps -o pgid= -p $$ > pgid; echo $PPID > ppid", in: folder).spawn()
        while ChildProcess.reap(guardian) == nil { ChildProcess.waitForSignal(milliseconds: 20) }
        let group = try readPID(folder.url("pgid"))
        #expect(group != getpgrp())
        #expect(group != guardian)
        #expect(try readPID(folder.url("ppid")) == guardian)
    }

    @Test func whatTheChildLeftRunningIsStoppedBeforeItsStatusIsReported() throws {
        let folder = TemporaryDirectory()
        #expect(try child("sleep 300 & echo $! > straggler; ( trap '' TERM; sleep 300 ) & echo $! > stubborn; exit 3", in: folder).run() == .exited(3))
        #expect(isGone(try readPID(folder.url("straggler"))))
        #expect(isGone(try readPID(folder.url("stubborn"))))
    }

    @Test func killingTheGuardianKillsTheProgram() throws {
        let folder = TemporaryDirectory()
        let guardian = try child("echo $$ > program; exec sleep 300", in: folder).spawn()
        let program = try readPID(folder.url("program"))
        kill(guardian, SIGKILL)
        while ChildProcess.reap(guardian) == nil { ChildProcess.waitForSignal(milliseconds: 20) }
        #expect(isGone(program))
    }

    @Test func stopSendsTermToTheGroupThenKillAfterTheGrace() throws {
        let folder = TemporaryDirectory()
        let polite = child("trap 'echo term >> seen; exit 0' TERM; echo $$ > program; while :; do sleep 0.05; done", in: folder)
        let guardian = try polite.spawn()
        _ = try readPID(folder.url("program"))
        polite.stop(guardian)
        #expect((try? String(contentsOfFile: folder.url("seen"), encoding: .utf8)) == "term\n")
        let stubborn = child("trap '' TERM; echo $$ > stubborn; while :; do sleep 0.05; done", in: folder, grace: 0.3)
        let began = Date()
        let second = try stubborn.spawn()
        let program = try readPID(folder.url("stubborn"))
        stubborn.stop(second)
        #expect(isGone(program))
        #expect(Date().timeIntervalSince(began) < 5)
    }

    @Test func theRunLockIsHeldWhileAnyProcessOfTheAttemptLives() throws {
        let folder = TemporaryDirectory()
        let runDirectory = folder.url("run")
        try FileManager.default.createDirectory(atPath: runDirectory, withIntermediateDirectories: true)
        var guardian: pid_t = 0
        do {
            let lock = try RunDirectoryLock(runDirectory: runDirectory)
            guardian = try child("echo $$ > program; exec sleep 300", in: folder, held: lock.descriptor).spawn()
            _ = try readPID(folder.url("program"))
        }
        // sota's own hold is gone; the guardian's copy keeps the run locked while the program runs.
        #expect(RunDirectoryLock.isHeld(runDirectory: runDirectory))
        #expect(throws: FileError.self) { try RunDirectoryLock(runDirectory: runDirectory) }
        kill(guardian, SIGTERM)
        while ChildProcess.reap(guardian) == nil { ChildProcess.waitForSignal(milliseconds: 20) }
        #expect(!RunDirectoryLock.isHeld(runDirectory: runDirectory))
        // A resume waits for the lock rather than refusing while an earlier attempt is stopping.
        var waited = false
        let lock = try RunDirectoryLock.acquire(runDirectory: runDirectory, waitingUpTo: 1) { waited = true }
        withExtendedLifetime(lock) { #expect(!waited) }
    }

    @Test func theGracePeriodNeverTrapsWhateverItsSize() {
        let folder = TemporaryDirectory()
        for seconds in [0, -1, 1e300, .infinity, .nan, 0.0001] as [Double] {
            let milliseconds = child("true", in: folder, grace: seconds).graceMilliseconds
            #expect(milliseconds >= 0)
        }
    }
}
