import FoundationEssentials
import Glibc

/// Writes files so that readers see either the old content or the new, never a half-written file.
package enum AtomicFile {
    /// Writes `bytes` to a temporary file beside `path`, then renames it over `path`.
    ///
    /// The rename alone makes the write atomic for every reader and survives `kill -9`; `durable` also flushes
    /// the data to disk first, which only matters for power loss and costs milliseconds per file.
    ///
    /// - Throws: `FileError` naming the path when the folder is missing, read-only or full.
    package static func write(_ bytes: some Collection<UInt8>, to path: String, mode: mode_t = 0o644, durable: Bool = false) throws(FileError) {
        let directory = Paths.parent(of: path)
        let temporary = Paths.join(directory, ".\(Paths.lastComponent(of: path)).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw FileError(path: path, operation: "create", errno: errno) }
        var failure: FileError?
        let array = Array(bytes)
        array.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = FileError(path: path, operation: "write", errno: errno)
                    return
                }
                offset += written
            }
        }
        if failure == nil, durable, fsync(fd) != 0 { failure = FileError(path: path, operation: "flush", errno: errno) }
        close(fd)
        if failure == nil, rename(temporary, path) != 0 { failure = FileError(path: path, operation: "replace", errno: errno) }
        if let failure {
            unlink(temporary)
            throw failure
        }
    }

    /// Writes `text` as UTF-8; see ``write(_:to:mode:durable:)``.
    package static func write(_ text: String, to path: String, mode: mode_t = 0o644, durable: Bool = false) throws(FileError) {
        try write(Array(text.utf8), to: path, mode: mode, durable: durable)
    }
}

/// A file operation that failed, with the path and the system's reason.
package struct FileError: Error, Sendable, CustomStringConvertible {
    /// The file the operation was about.
    package var path: String
    /// What was being done: `read`, `create`, `write`, ...
    package var operation: String
    /// The system's reason, e.g. "No space left on device".
    package var reason: String

    /// Creates an error from an `errno` value.
    package init(path: String, operation: String, errno code: Int32) {
        self.path = path
        self.operation = operation
        self.reason = String(cString: strerror(code))
    }

    /// Creates an error with an explanation of our own.
    package init(path: String, operation: String, reason: String) {
        self.path = path
        self.operation = operation
        self.reason = reason
    }

    package var description: String { "\(path): cannot \(operation): \(reason)" }
}
