import CZlib
import FoundationEssentials
import SotaSupport

/// gzip compression (RFC 1952), as `gunzip` on the instance reads it.
enum Gzip {
    /// `bytes` compressed at the best level, with a gzip header and trailer.
    static func compress(_ bytes: [UInt8]) -> Data {
        var stream = z_stream()
        // windowBits 15 + 16 asks zlib for the gzip wrapper instead of the zlib one.
        guard deflateInit2_(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, MAX_WBITS + 16, 9, Z_DEFAULT_STRATEGY,
                            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { fatalError("zlib deflateInit2 failed") }
        defer { deflateEnd(&stream) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 32)
        let produced = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = UInt32(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = UInt32(outBuffer.count)
                let result = deflate(&stream, Z_FINISH)
                precondition(result == Z_STREAM_END, "deflateBound leaves room for the whole stream")
                return outBuffer.count - Int(stream.avail_out)
            }
        }
        return Data(output[..<produced])
    }
}
