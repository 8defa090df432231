import CIsal
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

    /// igzip's state when the file is gzip (ISA-L: about 4x zlib's inflate on these recordings).
    private var inflater: UnsafeMutablePointer<inflate_state>?
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
            let state = UnsafeMutablePointer<inflate_state>.allocate(capacity: 1)
            isal_inflate_init(state)
            // ISAL_GZIP: igzip reads the gzip header and checks the trailer's CRC itself.
            state.pointee.crc_flag = UInt32(ISAL_GZIP)
            inflater = state
            input = .allocate(capacity: Self.inputSize)
        }
    }

    deinit {
        inflater?.deallocate()
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
        if let inflater { try inflateMore(inflater) } else {
            let count = read(descriptor, buffer + end, capacity - end)
            // A failed read ends the file: reading again would fail again, forever.
            if count < 0 { sourceDone = true; throw MarketDataFault(.unreadableFile, "\(name): read failed (\(String(cString: strerror(errno))))") }
            if count == 0 { sourceDone = true } else { end += count }
        }
    }

    private func inflateMore(_ state: UnsafeMutablePointer<inflate_state>) throws(MarketDataFault) {
        guard let input else { return }
        let before = end
        while end == before && !sourceDone {
            if state.pointee.avail_in == 0 && !inputDone {
                let count = read(descriptor, input, Self.inputSize)
                if count < 0 { sourceDone = true; throw MarketDataFault(.unreadableFile, "\(name): read failed (\(String(cString: strerror(errno))))") }
                if count == 0 { inputDone = true } else {
                    state.pointee.next_in = input
                    state.pointee.avail_in = UInt32(count)
                }
            }
            state.pointee.next_out = buffer + end
            state.pointee.avail_out = UInt32(capacity - end)
            let status = isal_inflate(state)
            end = capacity - Int(state.pointee.avail_out)
            if status < 0 {
                truncation = "corrupt gzip data after line \(lineNumber + linesBuffered) (igzip status \(status))"
                sourceDone = true
            } else if state.pointee.block_state == ISAL_BLOCK_FINISH {
                // Concatenated gzip members continue (igzip hands back the input it did not use);
                // otherwise this is the end.
                if state.pointee.avail_in > 0 || !inputDone && peekMoreInput(state) {
                    isal_inflate_reset(state)
                    state.pointee.crc_flag = UInt32(ISAL_GZIP)
                } else {
                    sourceDone = true
                }
            } else if inputDone && state.pointee.avail_in == 0 && end == before {
                truncation = "gzip stream ends early after line \(lineNumber + linesBuffered) (the file is cut off)"
                sourceDone = true
            }
        }
    }

    /// Reads the next compressed chunk after a member ends; true when there was more.
    private func peekMoreInput(_ state: UnsafeMutablePointer<inflate_state>) -> Bool {
        guard let input else { return false }
        let count = read(descriptor, input, Self.inputSize)
        if count <= 0 { inputDone = true; return false }
        state.pointee.next_in = input
        state.pointee.avail_in = UInt32(count)
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
