import CSotaProcess
import Glibc

/// A short helper program run to completion with its output collected: `curl` for the Vast API, Slurm's
/// `sbatch`/`squeue`/`sacct`, `nvidia-smi`.
///
/// Both output pipes are drained together (poll), so neither can fill up and stall the program, and the input is
/// written as the program reads it. The child is killed if sota dies first (see `sota_spawn_captured`).
package struct CapturedCommand: Sendable {
    /// The program's absolute path.
    package var executable: String
    /// Its arguments, without the program name.
    package var arguments: [String]
    /// Its environment; nil inherits sota's.
    package var environment: [String: String]?
    /// Its working directory; nil keeps sota's.
    package var directory: String?
    /// What it reads on standard input; nil gives it `/dev/null`.
    package var input: [UInt8]?

    /// Describes a command; nothing runs until ``run()``.
    package init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, directory: String? = nil,
                 input: [UInt8]? = nil) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.directory = directory
        self.input = input
    }

    /// What the program did.
    package struct Outcome: Sendable {
        /// Its exit status, or 128 + the signal that ended it.
        package var status: Int32
        /// Everything it wrote on standard output.
        package var out: [UInt8]
        /// Everything it wrote on standard error.
        package var err: [UInt8]
    }

    /// Why the program could not be started.
    package struct StartFailure: Error, Sendable, CustomStringConvertible {
        /// The system's reason.
        package var description: String
    }

    /// Runs the program to its end.
    package func run() throws(StartFailure) -> Outcome {
        var inPipe: [Int32] = [-1, -1], outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        defer { for fd in inPipe + outPipe + errPipe where fd >= 0 { close(fd) } }
        guard sota_pipe_cloexec(&outPipe) == 0, sota_pipe_cloexec(&errPipe) == 0 else { throw StartFailure(description: String(cString: strerror(errno))) }
        if input != nil {
            guard sota_pipe_cloexec(&inPipe) == 0 else { throw StartFailure(description: String(cString: strerror(errno))) }
            // Writes take what fits and return: a blocking write of more than the pipe holds would wait for a
            // program that is itself waiting for its output to be read.
            _ = fcntl(inPipe[1], F_SETFL, fcntl(inPipe[1], F_GETFL) | O_NONBLOCK)
        } else {
            inPipe[0] = open("/dev/null", O_RDONLY | O_CLOEXEC)
        }
        let pid = try spawn(stdin: inPipe[0], stdout: outPipe[1], stderr: errPipe[1])
        close(inPipe[0]); inPipe[0] = -1
        close(outPipe[1]); outPipe[1] = -1
        close(errPipe[1]); errPipe[1] = -1

        var out: [UInt8] = [], err: [UInt8] = []
        var pending = input ?? []
        var written = 0
        if pending.isEmpty, inPipe[1] >= 0 { close(inPipe[1]); inPipe[1] = -1 }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while outPipe[0] >= 0 || errPipe[0] >= 0 || inPipe[1] >= 0 {
            var fds = [pollfd(fd: outPipe[0], events: Int16(POLLIN), revents: 0), pollfd(fd: errPipe[0], events: Int16(POLLIN), revents: 0),
                       pollfd(fd: inPipe[1], events: Int16(POLLOUT), revents: 0)]
            let ready = poll(&fds, nfds_t(fds.count), -1)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            for slot in 0..<2 where fds[slot].revents != 0 {
                let fd = slot == 0 ? outPipe[0] : errPipe[0]
                let got = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
                if got < 0, errno == EINTR || errno == EAGAIN { continue }
                if got <= 0 {
                    close(fd)
                    if slot == 0 { outPipe[0] = -1 } else { errPipe[0] = -1 }
                } else if slot == 0 {
                    out.append(contentsOf: chunk[..<got])
                } else {
                    err.append(contentsOf: chunk[..<got])
                }
            }
            if fds[2].revents != 0 {
                let count = pending.count - written
                let sent = count > 0 ? pending.withUnsafeBytes { Glibc.write(inPipe[1], $0.baseAddress.map { $0 + written }, count) } : 0
                if sent < 0, errno == EINTR || errno == EAGAIN { continue }
                // A program that stops reading (or exits) gets no more input: EPIPE ends the writing, not the run.
                if sent <= 0 || written + sent >= pending.count {
                    close(inPipe[1])
                    inPipe[1] = -1
                    pending = []
                } else {
                    written += sent
                }
            }
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        // WIFEXITED / WEXITSTATUS / WTERMSIG spelled out: they are C macros.
        let exited = status & 0x7f == 0
        return Outcome(status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), out: out, err: err)
    }

    private func spawn(stdin: Int32, stdout: Int32, stderr: Int32) throws(StartFailure) -> pid_t {
        let argv = [executable] + arguments
        let envp = environment.map { $0.map { "\($0.key)=\($0.value)" } }
        var failure: Int32 = 0
        let pid = withCStrings(argv) { argvPointer in
            withOptionalCStrings(envp) { envpPointer in
                if let directory {
                    return sota_spawn_captured(executable, argvPointer, envpPointer, directory, stdin, stdout, stderr, &failure)
                }
                return sota_spawn_captured(executable, argvPointer, envpPointer, nil, stdin, stdout, stderr, &failure)
            }
        }
        guard pid > 0 else { throw StartFailure(description: String(cString: strerror(failure))) }
        return pid
    }
}

/// Calls `body` with a NULL-terminated C array of the strings.
package func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for pointer in pointers { free(pointer) } }
    return pointers.withUnsafeBufferPointer { buffer in
        // Never empty: the array holds at least the terminating nil.
        guard let base = buffer.baseAddress else { preconditionFailure("an array with a terminator has storage") }
        return body(base)
    }
}

/// ``withCStrings(_:_:)`` for an optional array, nil passed as NULL.
private func withOptionalCStrings<R>(_ strings: [String]?, _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>?) -> R) -> R {
    guard let strings else { return body(nil) }
    return withCStrings(strings) { body($0) }
}
