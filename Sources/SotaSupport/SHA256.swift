import CCrypto
import FoundationEssentials
import Glibc

/// Incremental SHA-256 over OpenSSL's `SHA256_*` functions, which use the CPU's SHA extensions when present.
package struct SHA256: ~Copyable {
    private var context = SHA256_CTX()

    /// Starts a new digest.
    package init() {
        guard SHA256_Init(&context) == 1 else { fatalError("OpenSSL could not initialise SHA-256") }
    }

    /// Adds bytes to the digest.
    package mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        SHA256_Update(&context, base, buffer.count)
    }

    /// Adds the bytes of a collection to the digest.
    package mutating func update(_ bytes: some Sequence<UInt8>) {
        let array = Array(bytes)
        array.withUnsafeBytes { update($0) }
    }

    /// Finishes the digest and returns it as 64 lowercase hexadecimal characters.
    package consuming func finalizeHex() -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        SHA256_Final(&digest, &context)
        return Self.hex(digest)
    }

    /// The SHA-256 of `bytes` as lowercase hexadecimal.
    package static func hex(of bytes: some Sequence<UInt8>) -> String {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalizeHex()
    }

    /// Lowercase hexadecimal spelling of bytes.
    package static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Reads a file front to back in large chunks without ever holding all of it in memory.
package enum FileStream {
    /// The chunk size: large enough that system calls cost nothing next to hashing.
    package static let chunkSize = 1 << 20

    /// Calls `body` with each successive chunk of the file at `path`.
    ///
    /// - Returns: the number of bytes read.
    /// - Throws: `FileError` when the file cannot be opened or read.
    @discardableResult
    package static func forEachChunk(
        of path: String, _ body: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> Int {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_SEQUENTIAL))
        // A small file gets a buffer its size: a full chunk is allocated with mmap and returned with munmap, whose
        // TLB shootdown costs more than hashing a checkpoint marker or a metrics file.
        var info = stat()
        let size = fstat(fd, &info) == 0 ? Int(info.st_size) : chunkSize
        let bufferSize = min(chunkSize, max(size + 1, 4096))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 4096)
        defer { buffer.deallocate() }
        var total = 0
        while true {
            let count = read(fd, buffer.baseAddress, bufferSize)
            if count < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, operation: "read", errno: errno)
            }
            if count == 0 { return total }
            total += count
            try body(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
    }

    /// The whole file at `path`, or nil when it is larger than `limit` bytes; sized by one `fstat`, read without
    /// the large streaming buffer (small files such as configs are read by the thousand).
    package static func readAll(_ path: String, limit: Int) throws -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileError(path: path, operation: "stat", errno: errno) }
        if Int(info.st_size) > limit { return nil }
        var bytes: [UInt8] = []
        var capacity = max(Int(info.st_size) + 1, 4096)
        while true {
            let start = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: capacity - start))
            var failure: Int32 = 0
            let count = bytes.withUnsafeMutableBytes { buffer -> Int in
                while true {
                    let got = read(fd, buffer.baseAddress! + start, capacity - start)
                    if got < 0, errno == EINTR { continue }
                    if got < 0 { failure = errno }
                    return got
                }
            }
            if count < 0 { throw FileError(path: path, operation: "read", errno: failure) }
            bytes.removeLast(capacity - start - count)
            if count == 0 { return bytes }
            if bytes.count > limit { return nil }
            if bytes.count == capacity { capacity *= 2 }
        }
    }

    /// The SHA-256 of the file at `path` and its size, read in one streaming pass.
    package static func sha256(of path: String) throws -> (hex: String, size: Int) {
        var hasher = SHA256()
        let size = try forEachChunk(of: path) { hasher.update($0) }
        return (hasher.finalizeHex(), size)
    }
}
