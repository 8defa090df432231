import CZlib

/// The server's side of a watcher's compressed frames: one raw deflate stream for the whole
/// connection, flushed to a byte boundary after each frame. Frames share its 32 KB window, so
/// what repeats between strategies and from frame to frame (field names, legs on the same
/// contract) costs a few bits. Owned by the one thread that writes to the watcher.
public final class WireDeflater {
    private let stream: UnsafeMutablePointer<z_stream>

    /// Nil if zlib cannot start a stream (out of memory).
    public init?() {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        guard deflateInit2_(stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY,
                            zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            stream.deallocate()
            return nil
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
    }

    /// `payload` deflated, ending on a flush point: the inflater gives it all back from these
    /// bytes and the ones before them alone.
    public func compress(_ payload: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var input = payload
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        input.withUnsafeMutableBufferPointer { input in
            stream.pointee.next_in = input.baseAddress
            stream.pointee.avail_in = UInt32(input.count)
            repeat {
                chunk.withUnsafeMutableBufferPointer { out in
                    stream.pointee.next_out = out.baseAddress
                    stream.pointee.avail_out = UInt32(out.count)
                    _ = deflate(stream, Z_SYNC_FLUSH)
                    output.append(contentsOf: out[0..<(out.count - Int(stream.pointee.avail_out))])
                }
            } while stream.pointee.avail_out == 0
        }
        return output
    }
}

/// The watcher's side: inflates the server's deflated frames, in the order they came.
final class WireInflater {
    private let stream: UnsafeMutablePointer<z_stream>

    init?() {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        guard inflateInit2_(stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            stream.deallocate()
            return nil
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    /// The payload `compressed` carries; more than `limit` bytes, or bytes that do not inflate,
    /// are a broken frame.
    func decompress(_ compressed: ArraySlice<UInt8>, limit: Int) throws(WireError) -> [UInt8] {
        var output: [UInt8] = []
        var input = Array(compressed)
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        var failure: WireError?
        input.withUnsafeMutableBufferPointer { input in
            stream.pointee.next_in = input.baseAddress
            stream.pointee.avail_in = UInt32(input.count)
            repeat {
                chunk.withUnsafeMutableBufferPointer { out in
                    stream.pointee.next_out = out.baseAddress
                    stream.pointee.avail_out = UInt32(out.count)
                    let status = inflate(stream, Z_SYNC_FLUSH)
                    if status != Z_OK && status != Z_BUF_ERROR && status != Z_STREAM_END {
                        failure = WireError(.malformed, "a deflated frame did not inflate (zlib \(status))")
                    }
                    output.append(contentsOf: out[0..<(out.count - Int(stream.pointee.avail_out))])
                }
                if output.count > limit { failure = WireError(.malformed, "a deflated frame of more than \(limit) bytes") }
            } while failure == nil && (stream.pointee.avail_in > 0 || stream.pointee.avail_out == 0)
        }
        if let failure { throw failure }
        return output
    }
}
