import CZlib
import Foundation

/// A recording file's bytes, gunzipped when it starts with gzip's magic bytes: the exchange holds
/// its tapes in memory (the largest shared recording is about 40 MB inflated).
enum RecordingFile {
    /// The file's text as lines (without newlines); throws a message that names the file.
    static func lines(of path: String) throws(TapeError) -> [Substring] {
        let bytes = try contents(of: path)
        let text = String(decoding: bytes, as: UTF8.self)
        return text.split(separator: "\n", omittingEmptySubsequences: true)
    }

    static func contents(of path: String) throws(TapeError) -> [UInt8] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw TapeError("\(path): cannot read (\(error.localizedDescription))")
        }
        guard data.count >= 2, data[data.startIndex] == 0x1f, data[data.startIndex + 1] == 0x8b else { return Array(data) }
        return try gunzip(Array(data), name: path)
    }

    /// Inflates every gzip member of `compressed`.
    static func gunzip(_ compressed: [UInt8], name: String) throws(TapeError) -> [UInt8] {
        var stream = z_stream()
        // 15 + 32: a 32 KB window and gzip header detection.
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw TapeError("\(name): zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        output.reserveCapacity(compressed.count * 8)
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var failure: String?
        compressed.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = UInt32(input.count)
            while true {
                let status = chunk.withUnsafeMutableBufferPointer { out -> Int32 in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(out.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                output.append(contentsOf: chunk[0..<(chunk.count - Int(stream.avail_out))])
                if status == Z_STREAM_END {
                    if stream.avail_in == 0 { return }
                    inflateReset(&stream)   // another gzip member follows
                } else if status != Z_OK {
                    failure = status == Z_BUF_ERROR ? "the gzip stream is cut off" : "corrupt gzip data (zlib status \(status))"
                    return
                }
            }
        }
        if let failure { throw TapeError("\(name): \(failure)") }
        return output
    }
}

/// A recording the exchange cannot serve, said so the operator can fix it.
public struct TapeError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
