import Glibc

/// Reading part of a file by offset: the end of a log, what a child appended since the last look.
///
/// A plain descriptor and `pread`, which is all these reads need (FoundationEssentials has no `FileHandle`).
package enum FileRange {
    /// The file's size in bytes, or nil when it cannot be examined.
    package static func size(of path: String) -> UInt64? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_size >= 0 else { return nil }
        return UInt64(info.st_size)
    }

    /// Up to `count` bytes from `offset` (fewer at the end of the file), or nil when the file cannot be read.
    package static func read(_ path: String, from offset: UInt64, count: Int) -> [UInt8]? {
        guard count >= 0, offset <= UInt64(Int64.max) else { return nil }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        // No bigger a buffer than what is there: a log is polled five times a second for a few new bytes.
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        let available = info.st_size > off_t(offset) ? UInt64(info.st_size) - offset : 0
        let count = Int(min(UInt64(count), available))
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = bytes.withUnsafeMutableBytes { buffer in
                pread(fd, buffer.baseAddress.map { $0 + filled }, count - filled, off_t(offset) + off_t(filled))
            }
            if got < 0, errno == EINTR { continue }
            guard got >= 0 else { return nil }
            if got == 0 { break }
            filled += got
        }
        bytes.removeLast(count - filled)
        return bytes
    }

    /// The last `count` bytes of the file (all of it when shorter), and whether they begin after its start.
    package static func tail(_ path: String, count: UInt64) -> (bytes: [UInt8], cut: Bool)? {
        guard let size = size(of: path) else { return nil }
        let start = size > count ? size - count : 0
        guard let bytes = read(path, from: start, count: Int(size - start)) else { return nil }
        return (bytes, start > 0)
    }
}
