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
            guard let (local, jsonStart) = Self.localStamp(line) else {
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

    /// The local stamp at the start of a line, in either convention, and where the JSON starts.
    static func localStamp(_ line: UnsafeBufferPointer<UInt8>) -> (Timestamp, Int)? {
        var index = 0
        var whole: Int64 = 0
        while index < line.count, line[index] >= UInt8(ascii: "0"), line[index] <= UInt8(ascii: "9"), index < 19 {
            whole = whole * 10 + Int64(line[index] - UInt8(ascii: "0"))
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
        return (Timestamp(nanoseconds: whole * 1_000_000_000 + nanos), index + 2)
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
            guard let (local, _) = localStamp(line), let key = line.firstIndex(of: "\"E\":") else { continue }
            var index = key + 4
            var millis: Int64 = 0
            while index < line.count, line[index] >= UInt8(ascii: "0"), line[index] <= UInt8(ascii: "9") {
                millis = millis * 10 + Int64(line[index] - UInt8(ascii: "0"))
                index += 1
            }
            differences.append(millis * 1_000_000 - local.nanoseconds)
        }
        guard !differences.isEmpty else { return (.zero, 0) }
        differences.sort()
        return (.nanoseconds(differences[differences.count / 2]), differences.count)
    }
}
