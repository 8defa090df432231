import HedgeCore

/// One recording format's line-by-line reader: each call decodes one line into events.
protocol RecordingReader: AnyObject {
    /// The lines being read (for file name and line number).
    var lines: RecordingLines { get }
    /// Facts about this file the report must state.
    var notes: [String] { get }
    /// Facts about this file that may make the replay wrong (a clock far off the venue's): the
    /// report prints them loudly.
    var warnings: [String] { get }
    /// Decodes the next line; nil at the end of the file.
    func readLine(into events: inout [MarketEvent]) throws(MarketDataFault) -> DecodeOutcome?
    /// A book event of `id` this reader gave was refused (out of order): the venue's book missed
    /// its changes, so the next one must carry the whole book.
    func bookEventRefused(_ id: InstrumentID)
}

extension RecordingReader {
    var warnings: [String] { [] }
    func bookEventRefused(_ id: InstrumentID) {}
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// The index of the first `byte` at or after `from`, or nil.
    func firstIndex(of byte: UInt8, from: Int) -> Int? {
        var index = from
        while index < count { if self[index] == byte { return index }; index += 1 }
        return nil
    }

    /// The index where `pattern` first starts, or nil.
    func firstIndex(of pattern: StaticString) -> Int? {
        let length = pattern.utf8CodeUnitCount
        guard length > 0, count >= length else { return nil }
        let first = pattern.utf8Start[0]
        var index = 0
        while index <= count - length {
            if self[index] == first {
                var offset = 1
                while offset < length && self[index + offset] == pattern.utf8Start[offset] { offset += 1 }
                if offset == length { return index }
            }
            index += 1
        }
        return nil
    }

    func slice(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: self[range]) }
}
