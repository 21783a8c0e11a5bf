import FoundationEssentials
import Glibc
import SotaSupport

/// A file opened for small reads at arbitrary offsets (zip directories and array headers).
final class RandomAccessFile {
    let path: String
    let size: Int
    private let fd: Int32

    init(path: String) throws(FileError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(path: path, operation: "open", errno: errno) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw FileError(path: path, operation: "stat", errno: code)
        }
        self.path = path
        self.fd = fd
        self.size = Int(info.st_size)
    }

    deinit { close(fd) }

    /// Up to `count` bytes at `offset`; fewer at the end of the file, none for an offset outside it (offsets come
    /// from the file itself, so any value can arrive here).
    func read(at offset: Int, count: Int) throws(FileError) -> [UInt8] {
        guard offset >= 0, offset <= size else { return [] }
        let wanted = max(0, min(count, size - offset))
        var bytes = [UInt8](repeating: 0, count: wanted)
        var done = 0
        var failure: Int32 = 0
        bytes.withUnsafeMutableBytes { buffer in
            while done < wanted {
                let got = pread(fd, buffer.baseAddress! + done, wanted - done, off_t(offset + done))
                if got < 0, errno == EINTR { continue }
                if got < 0 { failure = errno; return }
                if got == 0 { return }
                done += got
            }
        }
        if failure != 0 { throw FileError(path: path, operation: "read", errno: failure) }
        return Array(bytes.prefix(done))
    }
}

extension Array where Element == UInt8 {
    func le16(_ offset: Int) -> Int { Int(self[offset]) | Int(self[offset + 1]) << 8 }
    func le32(_ offset: Int) -> Int { le16(offset) | le16(offset + 2) << 16 }
    func le64(_ offset: Int) -> Int { le32(offset) | le32(offset + 4) << 32 }
}
