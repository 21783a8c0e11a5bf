import Glibc

/// Writing text to a file descriptor in full, retrying short writes and interruptions.
package enum DescriptorOutput {
    /// Writes all of `text` to `fd`; gives up silently on an error (a closed pipe has no one left to tell).
    package static func writeAll(_ text: String, to fd: Int32) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 {
                    if written < 0, errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}
