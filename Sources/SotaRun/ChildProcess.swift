import CSotaProcess
import FoundationEssentials
import Glibc
import SotaSupport

/// How a child process ended.
package enum ChildExit: Sendable, Equatable {
    /// It exited with this code.
    case exited(Int32)
    /// A signal ended it.
    case signaled(Int32)
    /// sota killed it after its timeout.
    case timedOut(DurationValue)
    /// sota killed it because sota itself was interrupted (Ctrl-C, SIGTERM, SIGHUP).
    case interrupted(Int32)

    /// True for a zero exit code.
    package var succeeded: Bool { self == .exited(0) }

    /// `exit code 1`, `killed by signal 9`, `timed out after 10m`, ...
    package var description: String {
        switch self {
        case .exited(let code): "exit code \(code)"
        case .signaled(let signal): "killed by signal \(signal)"
        case .timedOut(let limit): "timed out after \(limit)"
        case .interrupted(let signal): "interrupted by signal \(signal)"
        }
    }
}

/// A failure to start a child at all.
package struct SpawnError: Error, Sendable, CustomStringConvertible {
    /// The program.
    package var program: String
    /// The system's reason.
    package var reason: String

    package var description: String { "cannot start `\(program)`: \(reason)" }
}

/// Runs one child in its own process group with output appended to a log file, and stops the whole group
/// (SIGTERM, then SIGKILL after a grace period) on timeout, when sota is signalled, and when sota dies.
///
/// The child runs under a guardian process (`sota_spawn_guarded` in CSotaProcess): the pid that ``spawn()`` returns
/// is the guardian's, which exits with the child's own status once the child and whatever it left in its group are
/// gone, and which stops them itself if sota is killed, even by `kill -9` to sota's whole process group. Reap it with
/// ``reap(_:)`` (not `waitpid`), which also frees the guardian's stack. The guardian costs about 0.1–0.2 ms a stage
/// (a 5-stage run: 14.4 against 13.3–14.1 ms without one, median of 30, interleaved).
package struct ChildProcess: Sendable {
    /// The program, resolved to a path.
    package var executable: String
    /// The full argument vector (argv[0] first).
    package var arguments: [String]
    /// The complete environment.
    package var environment: [String: String]
    /// The working directory.
    package var workingDirectory: String
    /// The log file that receives standard output and error.
    package var logFile: String
    /// Kill the child after this long.
    package var timeout: DurationValue?
    /// Time between SIGTERM and SIGKILL.
    package var gracePeriod: DurationValue
    /// A descriptor the guardian keeps open until the child and everything it started are gone: the run lock, so
    /// that a held lock means a live process of the run and `--resume` never starts a stage beside an earlier one.
    package var heldDescriptor: Int32?

    /// Creates a child description.
    package init(executable: String, arguments: [String], environment: [String: String], workingDirectory: String,
                logFile: String, timeout: DurationValue?, gracePeriod: DurationValue, heldDescriptor: Int32? = nil) {
        self.heldDescriptor = heldDescriptor
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.logFile = logFile
        self.timeout = timeout
        self.gracePeriod = gracePeriod
    }

    /// Installs sota's signal handling; call once before starting children.
    package static func prepareSignalHandling() throws {
        guard sota_signals_install() == 0 else { throw SpawnError(program: "sota", reason: String(cString: strerror(errno))) }
    }

    /// The signal that asked sota to stop (SIGINT, SIGTERM or SIGHUP), if one arrived.
    package static var stopSignal: Int32? {
        let signal = sota_signals_stop_requested()
        return signal == 0 ? nil : signal
    }

    /// The grace period in milliseconds as the guardian takes it: any duration, however large, is a valid value.
    var graceMilliseconds: Int32 {
        let milliseconds = gracePeriod.seconds * 1000
        guard milliseconds.isFinite, milliseconds > 0 else { return 0 }
        return milliseconds >= Double(Int32.max) ? Int32.max : Int32(milliseconds)
    }

    /// Starts the child without waiting, and returns its guardian's pid (also the guardian's process group id).
    package func spawn() throws -> pid_t {
        try Self.prepareSignalHandling()
        let fd = open(logFile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SpawnError(program: executable, reason: "cannot open log \(logFile): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var spawnError: Int32 = 0
        let pid: pid_t = withCStrings(arguments) { argv in
            withCStrings(environment.map { "\($0.key)=\($0.value)" }.sorted()) { envp in
                sota_spawn_guarded(executable, argv, envp, workingDirectory, fd, heldDescriptor ?? -1, graceMilliseconds, &spawnError)
            }
        }
        guard pid > 0 else { throw SpawnError(program: executable, reason: String(cString: strerror(spawnError))) }
        return pid
    }

    /// Starts the child and waits for it, calling `progress` with the elapsed time about five times a second.
    package func run(progress: (Double) -> Void = { _ in }) throws -> ChildExit {
        let pid = try spawn()
        let start = Date()
        if let signal = Self.stopSignal {
            stop(pid)
            return .interrupted(signal)
        }
        let deadline = timeout.map { start.addingTimeInterval($0.seconds) }
        while true {
            if let status = Self.reap(pid) { return status }
            if let deadline, let timeout, Date() >= deadline {
                stop(pid)
                return .timedOut(timeout)
            }
            // Clamped as a Double first: a timeout of weeks is more milliseconds than an Int32 holds.
            let wait = deadline.map { Int32(max(1, min(200, ($0.timeIntervalSinceNow * 1000).rounded(.up)))) } ?? 200
            Self.waitForSignal(milliseconds: wait)
            if let signal = Self.stopSignal {
                stop(pid)
                return .interrupted(signal)
            }
            progress(Date().timeIntervalSince(start))
        }
    }

    /// Sleeps until a signal (a child's exit included) arrives or `milliseconds` pass.
    package static func waitForSignal(milliseconds: Int32) {
        _ = sota_signals_wait(milliseconds)
    }

    /// The child's exit status once it has ended; nil while it runs.
    package static func reap(_ pid: pid_t) -> ChildExit? {
        var status: Int32 = 0
        let result = sota_child_reap(pid, &status, 0)
        guard result == pid else { return nil }
        let low = status & 0x7F
        return low == 0 ? .exited((status >> 8) & 0xFF) : .signaled(low)
    }

    /// Asks the guardian to stop the child: it sends SIGTERM to the child's group and SIGKILL after the grace period,
    /// then exits; reaps it. A guardian that has not exited a second after that is killed (the child dies with it).
    package func stop(_ pid: pid_t) {
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(Double(graceMilliseconds) / 1000 + 2)
        while Date() < deadline {
            if Self.reap(pid) != nil { return }
            _ = sota_signals_wait(20)
        }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = sota_child_reap(pid, &status, 1)
    }
}

