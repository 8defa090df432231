import HedgeCore

/// Reads Binance recordings in both recorder conventions, plain or gzip:
/// A `<local ns> <json>` (the 2024 files), and B, cryptofeed's `<local unix seconds>: <json>` after
/// header lines (`<url> <-> <ts>`, `<url> <- <ts>: <json>`), plus its `*.http.*` files of REST depth
/// snapshots (`<url> -> <ts>: <json>`).
final class BinanceRecording: RecordingReader {
    let lines: RecordingLines
    private(set) var notes: [String] = []
    private var decoder: BinanceStreamDecoder

    /// - Parameter snapshotFiles: cryptofeed `*.http.*` files whose depth snapshots seed the books
    ///   before the stream file is read (they are not sources of their own).
    init(path: String, venue: String, symbols: [String], snapshotFiles: [String]) throws(MarketDataFault) {
        lines = try RecordingLines(path: path)
        decoder = BinanceStreamDecoder(venue: venue, symbols: symbols)
        if decoder.market == .spot {
            let offset = try Self.measureClockOffset(path: path)
            decoder.localClockOffset = offset.offset
            notes.append("\(lines.name): spot bookTicker has no event time; its time is the local receive stamp + \(Double(offset.offset.nanosecondsClamped) / 1e9) s, the median of E − local over \(offset.samples) messages with E")
        }
        for file in snapshotFiles {
            let snapshots = try RecordingLines(path: file)
            var ignored: [MarketEvent] = []
            while let line = try snapshots.nextLine() {
                guard let arrow = line.firstIndex(of: " -> "), let json = line.firstIndex(of: UInt8(ascii: "{"), from: arrow) else { continue }
                let symbol = Self.symbolParameter(line.slice(0..<arrow))
                do throws(MarketDataFault) {
                    _ = try decoder.decodeSnapshot(line.slice(json..<line.count), symbol: symbol, into: &ignored)
                } catch {
                    throw MarketDataFault(error.kind, "\(snapshots.name):\(snapshots.lineNumber): \(error.detail)")
                }
            }
            notes.append("\(lines.name): depth books start from the REST snapshots in \(snapshots.name)")
        }
    }

    func readLine(into events: inout [MarketEvent]) throws(MarketDataFault) -> DecodeOutcome? {
        guard let line = try lines.nextLine() else { return nil }
        guard let firstByte = line.first else { return .ignored }
        if firstByte >= UInt8(ascii: "0") && firstByte <= UInt8(ascii: "9") {
            guard let (local, jsonStart) = try Self.localStamp(line) else {
                throw MarketDataFault(.malformedJSON, "expected `<local time> <json>` or `<seconds>: <json>`")
            }
            return try decoder.decode(line.slice(jsonStart..<line.count), localTime: local, into: &events)
        }
        // REST snapshot line of an http file given as a source of its own.
        if let arrow = line.firstIndex(of: " -> "), let json = line.firstIndex(of: UInt8(ascii: "{"), from: arrow) {
            let symbol = Self.symbolParameter(line.slice(0..<arrow))
            return try decoder.decodeSnapshot(line.slice(json..<line.count), symbol: symbol, into: &events)
        }
        // Connect and subscribe lines.
        return .ignored
    }

    /// The local stamp at the start of a line, in either convention, and where the JSON starts;
    /// nil when the line has neither shape. Throws `.badNumber` for a stamp past what 64-bit
    /// nanoseconds hold (after 2262-04-11).
    static func localStamp(_ line: UnsafeBufferPointer<UInt8>) throws(MarketDataFault) -> (Timestamp, Int)? {
        var index = 0
        var whole: Int64 = 0
        func tooLate() -> MarketDataFault {
            let digits = line.slice(0..<min(line.count, 40))
            return MarketDataFault(.badNumber, "local time \"\(String(decoding: digits, as: UTF8.self))...\" is past what 64-bit nanoseconds hold (year 2262)")
        }
        while index < line.count, line[index] >= UInt8(ascii: "0"), line[index] <= UInt8(ascii: "9") {
            let (times10, overflowed) = whole.multipliedReportingOverflow(by: 10)
            let (sum, carried) = times10.addingReportingOverflow(Int64(line[index] - UInt8(ascii: "0")))
            if overflowed || carried { throw tooLate() }
            whole = sum
            index += 1
        }
        guard index < line.count else { return nil }
        if line[index] == UInt8(ascii: " ") {
            // Convention A: nanoseconds.
            return (Timestamp(nanoseconds: whole), index + 1)
        }
        // Convention B: seconds with a fraction, then ": ".
        var nanos: Int64 = 0
        var scale: Int64 = 100_000_000
        if line[index] == UInt8(ascii: ".") {
            index += 1
            while index < line.count, line[index] >= UInt8(ascii: "0"), line[index] <= UInt8(ascii: "9") {
                nanos += Int64(line[index] - UInt8(ascii: "0")) * scale
                scale /= 10
                index += 1
            }
        }
        guard index + 1 < line.count, line[index] == UInt8(ascii: ":") else { return nil }
        let (seconds, overflowed) = whole.multipliedReportingOverflow(by: 1_000_000_000)
        let (nanoseconds, carried) = seconds.addingReportingOverflow(nanos)
        if overflowed || carried { throw tooLate() }
        return (Timestamp(nanoseconds: nanoseconds), index + 2)
    }

    /// "BTCUSD_PERP" from ".../depth?symbol=BTCUSD_PERP&limit=1000".
    static func symbolParameter(_ url: UnsafeBufferPointer<UInt8>) -> String? {
        guard let start = url.firstIndex(of: "symbol=") else { return nil }
        let valueStart = start + 7
        let valueEnd = url.firstIndex(of: UInt8(ascii: "&"), from: valueStart) ?? url.count
        return String(decoding: url.slice(valueStart..<valueEnd), as: UTF8.self)
    }

    /// The recorder's lag behind the venue: the median of E − local over the file's first messages.
    static func measureClockOffset(path: String, sampleLines: Int = 20_000) throws(MarketDataFault) -> (offset: Duration, samples: Int) {
        let lines = try RecordingLines(path: path)
        var differences: [Int64] = []
        while differences.count < sampleLines, let line = try? lines.nextLine() {
            // A stamp or an E that does not fit in 64-bit nanoseconds is no sample.
            guard let (local, _) = try? localStamp(line), let key = line.firstIndex(of: "\"E\":") else { continue }
            var end = key + 4
            while end < line.count, line[end] >= UInt8(ascii: "0"), line[end] <= UInt8(ascii: "9") { end += 1 }
            guard let millis = end == key + 4 ? 0 : JSONCursor.parseInteger(line.slice((key + 4)..<end)) else { continue }
            let (eventTime, overflowed) = millis.multipliedReportingOverflow(by: 1_000_000)
            let (difference, borrowed) = eventTime.subtractingReportingOverflow(local.nanoseconds)
            guard !overflowed && !borrowed else { continue }
            differences.append(difference)
        }
        guard !differences.isEmpty else { return (.zero, 0) }
        differences.sort()
        return (.nanoseconds(differences[differences.count / 2]), differences.count)
    }
}
