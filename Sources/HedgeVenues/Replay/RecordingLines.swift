import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a recording line by line in large chunks, gunzipping when the file starts with gzip's
/// magic bytes (so `.gz` and plain copies of one recording read the same).
///
/// A line is handed out as a pointer into the reader's own buffer, valid until the next call:
/// the per-line path allocates nothing.
final class RecordingLines {
    let path: String
    /// The file's name, for messages ("usdm.gz:1234: ...").
    let name: String
    /// The number of the line last returned (1-based).
    @exclusivity(unchecked) private(set) var lineNumber = 0
    let isGzip: Bool

    private let descriptor: Int32
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    @exclusivity(unchecked) private var start = 0
    @exclusivity(unchecked) private var end = 0
    private var sourceDone = false
    private var truncation: String?
    private var truncationReported = false
    /// Reading past the rest of a line that reached `maximumLineLength`.
    @exclusivity(unchecked) private var skippingLongLine = false

    /// The longest line a recording may hold: 16 MiB (the largest real message, a full depth
    /// snapshot, is well under 1 MiB). A longer line is reported once as `.lineTooLong` when the
    /// limit is reached and the rest of it is read past without being kept, so a gzip bomb or an
    /// endless line costs time, never memory.
    static let maximumLineLength = 16 << 20
    /// The buffer's size, for tests that check it stays bounded.
    var bufferCapacity: Int { capacity }

    private var zstream: UnsafeMutablePointer<z_stream>?
    private var input: UnsafeMutablePointer<UInt8>?
    private static let inputSize = 1 << 18
    private var inputDone = false

    init(path: String, chunkSize: Int = 1 << 20) throws(MarketDataFault) {
        self.path = path
        self.name = path.split(separator: "/").last.map(String.init) ?? path
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw MarketDataFault(.unreadableFile, "\(path): cannot open (\(String(cString: strerror(errno)))); check the path and permissions")
        }
        // A directory opens but every read fails (EISDIR), and a device such as /dev/zero never
        // ends: neither is a recording, so both are refused here rather than read.
        var status = stat()
        if fstat(descriptor, &status) == 0 {
            let type = status.st_mode & S_IFMT
            if type == S_IFDIR {
                close(descriptor)
                throw MarketDataFault(.unreadableFile, "\(path): is a directory; give the recording files inside it")
            }
            if type != S_IFREG && type != S_IFIFO {
                close(descriptor)
                throw MarketDataFault(.unreadableFile, "\(path): not a regular file or a pipe (a device?); give a recording file")
            }
        }
        self.descriptor = descriptor
        self.capacity = chunkSize
        self.buffer = .allocate(capacity: chunkSize)
        // Sniff the gzip magic bytes 1f 8b.
        var magic: (UInt8, UInt8) = (0, 0)
        let sniffed = withUnsafeMutableBytes(of: &magic) { pread(descriptor, $0.baseAddress, 2, 0) }
        isGzip = sniffed == 2 && magic.0 == 0x1f && magic.1 == 0x8b
        if isGzip {
            let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            stream.initialize(to: z_stream())
            // 15 + 32: a window of 32 KB and automatic gzip/zlib header detection.
            let status = inflateInit2_(stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
            guard status == Z_OK else {
                stream.deallocate()
                close(descriptor)
                buffer.deallocate()
                throw MarketDataFault(.unreadableFile, "\(path): zlib could not start (\(status))")
            }
            zstream = stream
            input = .allocate(capacity: Self.inputSize)
        }
    }

    deinit {
        if let zstream { inflateEnd(zstream); zstream.deallocate() }
        input?.deallocate()
        buffer.deallocate()
        close(descriptor)
    }

    /// The next line without its newline (and without a trailing "\r"), or nil at the end.
    /// Throws `.truncatedGzip` once, at the line where a cut-off gzip stream ends; the partial line
    /// is dropped, never guessed at. Throws `.lineTooLong` for a line that reaches
    /// `maximumLineLength` without a newline; the next call starts after its end.
    func nextLine() throws(MarketDataFault) -> UnsafeBufferPointer<UInt8>? {
        while true {
            if start < end, let newline = memchr(buffer + start, 0x0A, end - start) {
                let lineEnd = buffer.distance(to: newline.assumingMemoryBound(to: UInt8.self))
                if skippingLongLine {
                    skippingLongLine = false
                    start = lineEnd + 1
                    continue
                }
                var contentEnd = lineEnd
                if contentEnd > start && buffer[contentEnd - 1] == 0x0D { contentEnd -= 1 }
                let line = UnsafeBufferPointer(start: buffer + start, count: contentEnd - start)
                start = lineEnd + 1
                lineNumber += 1
                return line
            }
            if skippingLongLine {
                // No newline yet: drop what was read of the long line.
                start = end
                if sourceDone { skippingLongLine = false }
            } else if end - start >= Self.maximumLineLength {
                lineNumber += 1
                start = end
                skippingLongLine = !sourceDone
                throw MarketDataFault(.lineTooLong, "the line reaches \(Self.maximumLineLength >> 20) MiB without ending (the limit for one line); it is skipped to its end")
            }
            if sourceDone {
                if let truncation, !truncationReported {
                    truncationReported = true
                    let dropped = end - start
                    start = end
                    throw MarketDataFault(.truncatedGzip, "\(truncation); the last \(dropped) bytes (a partial line) were dropped")
                }
                guard start < end else { return nil }
                // A last line without a newline.
                let line = UnsafeBufferPointer(start: buffer + start, count: end - start)
                start = end
                lineNumber += 1
                return line
            }
            try refill()
        }
    }

    /// Moves the unread tail to the front, grows the buffer for a very long line, and reads more.
    private func refill() throws(MarketDataFault) {
        if start > 0 {
            if end > start { memmove(buffer, buffer + start, end - start) }
            end -= start
            start = 0
        }
        if end == capacity {
            let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            larger.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = larger
            capacity *= 2
        }
        if let zstream { try inflateMore(zstream) } else {
            let count = read(descriptor, buffer + end, capacity - end)
            // A failed read ends the file: reading again would fail again, forever.
            if count < 0 { sourceDone = true; throw MarketDataFault(.unreadableFile, "\(name): read failed (\(String(cString: strerror(errno))))") }
            if count == 0 { sourceDone = true } else { end += count }
        }
    }

    private func inflateMore(_ stream: UnsafeMutablePointer<z_stream>) throws(MarketDataFault) {
        guard let input else { return }
        let before = end
        while end == before && !sourceDone {
            if stream.pointee.avail_in == 0 && !inputDone {
                let count = read(descriptor, input, Self.inputSize)
                if count < 0 { sourceDone = true; throw MarketDataFault(.unreadableFile, "\(name): read failed (\(String(cString: strerror(errno))))") }
                if count == 0 { inputDone = true } else {
                    stream.pointee.next_in = input
                    stream.pointee.avail_in = UInt32(count)
                }
            }
            stream.pointee.next_out = buffer + end
            stream.pointee.avail_out = UInt32(capacity - end)
            let status = inflate(stream, Z_NO_FLUSH)
            end = capacity - Int(stream.pointee.avail_out)
            switch status {
            case Z_STREAM_END:
                // Concatenated gzip members continue; otherwise this is the end.
                if stream.pointee.avail_in > 0 || !inputDone && peekMoreInput(stream) {
                    inflateReset(stream)
                } else {
                    sourceDone = true
                }
            case Z_OK:
                break
            case Z_BUF_ERROR:
                if inputDone && stream.pointee.avail_in == 0 {
                    truncation = "gzip stream ends early after line \(lineNumber + linesBuffered) (the file is cut off)"
                    sourceDone = true
                }
            default:
                truncation = "corrupt gzip data after line \(lineNumber + linesBuffered) (zlib status \(status))"
                sourceDone = true
            }
            if inputDone && stream.pointee.avail_in == 0 && status == Z_OK && end == before && !sourceDone {
                truncation = "gzip stream ends early after line \(lineNumber + linesBuffered) (the file is cut off)"
                sourceDone = true
            }
        }
    }

    /// Reads the next compressed chunk after a member ends; true when there was more.
    private func peekMoreInput(_ stream: UnsafeMutablePointer<z_stream>) -> Bool {
        guard let input else { return false }
        let count = read(descriptor, input, Self.inputSize)
        if count <= 0 { inputDone = true; return false }
        stream.pointee.next_in = input
        stream.pointee.avail_in = UInt32(count)
        return true
    }

    /// Complete lines already inflated but not yet handed out.
    private var linesBuffered: Int {
        var count = 0
        var index = start
        while index < end { if buffer[index] == 0x0A { count += 1 }; index += 1 }
        return count
    }
}
