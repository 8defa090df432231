import HedgeCore

/// Reads Binance recordings in both recorder conventions, plain or gzip:
/// A `<local ns> <json>` (the 2024 files), and B, cryptofeed's `<local unix seconds>: <json>` after
/// header lines (`<url> <-> <ts>`, `<url> <- <ts>: <json>`), plus its `*.http.*` files of REST depth
/// snapshots (`<url> -> <ts>: <json>`).
final class BinanceRecording: RecordingReader {
    // Per-line state of the one thread reading the file: no dynamic exclusivity checks.
    /// The lines of the file being read.
    @exclusivity(unchecked) private(set) var lines: RecordingLines
    private(set) var notes: [String] = []
    private(set) var warnings: [String] = []
    @exclusivity(unchecked) private var decoder: BinanceStreamDecoder
    /// Nanoseconds per unit of a `<local> <json>` stamp: 1 for ns, 1000 for µs (hftbacktest's
    /// older files), and so on; measured per file.
    @exclusivity(unchecked) private var stampScale: Int64 = 1
    /// The files after this one, with their measured stamp scale and clock offset: consecutive
    /// files of one venue are read as one recording, so the book carries across them.
    private var following: [(path: String, scale: Int64, offset: Duration?)] = []
    /// Beyond this, a local clock that disagrees with the venue's is warned about in the report.
    static let offsetWarningLimit: Duration = .seconds(300)

    /// - Parameters:
    ///   - paths: one file, or consecutive files of the venue in time order (each continuing the
    ///     one before: its depth updates carry on from the previous file's by sequence id).
    ///   - snapshotFiles: cryptofeed `*.http.*` files whose depth snapshots seed the books
    ///     before the stream file is read (they are not sources of their own).
    init(paths: [String], venue: String, symbols: [String], snapshotFiles: [String]) throws(MarketDataFault) {
        lines = try RecordingLines(path: paths[0])
        decoder = BinanceStreamDecoder(venue: venue, symbols: symbols)
        var clocks: [(scale: Int64, offset: Duration?)] = []
        for path in paths {
            guard decoder.market == .spot else {
                clocks.append((1, nil))
                continue
            }
            let name = path.split(separator: "/").last.map(String.init) ?? path
            let clock = try Self.measureClockOffset(path: path)
            clocks.append((clock.unit.nanoseconds, clock.offset))
            let unit = clock.unit == .nanoseconds ? "" : " (local stamps in \(clock.unit.name), told from their size \(clock.samples > 0 ? "against E" : "alone"))"
            notes.append("\(name): spot bookTicker has no event time; its time is the local receive stamp + \(Double(clock.offset.nanosecondsClamped) / 1e9) s, the median of E − local over \(clock.samples) messages with E\(unit)")
            if clock.offset > Self.offsetWarningLimit || clock.offset < .zero - Self.offsetWarningLimit {
                warnings.append("\(name): the local receive clock is \(Double(clock.offset.nanosecondsClamped) / 1e9) s off the venue's E (more than \(Self.offsetWarningLimit.components.seconds) s): spot bookTicker times are shifted by that much; check the recorder's clock and stamp unit")
            }
        }
        stampScale = clocks[0].scale
        decoder.localClockOffset = clocks[0].offset
        following = zip(paths, clocks).dropFirst().map { ($0.0, $0.1.scale, $0.1.offset) }
        if paths.count > 1 {
            let names = paths.map { $0.split(separator: "/").last.map(String.init) ?? $0 }
            notes.append("\(names.joined(separator: " → ")): read as one recording in this order (by their first local stamps); the depth book carries from each file to the next by sequence ids, and a gap waits for the next snapshot")
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

    /// One file of the venue.
    convenience init(path: String, venue: String, symbols: [String], snapshotFiles: [String]) throws(MarketDataFault) {
        try self.init(paths: [path], venue: venue, symbols: symbols, snapshotFiles: snapshotFiles)
    }

    func readLine(into events: inout [MarketEvent]) throws(MarketDataFault) -> DecodeOutcome? {
        var next = try lines.nextLine()
        while next == nil, !following.isEmpty {
            // The next file of the chain: same decoder, so the book goes on where this one ended.
            let file = following.removeFirst()
            lines = try RecordingLines(path: file.path)
            stampScale = file.scale
            decoder.localClockOffset = file.offset
            next = try lines.nextLine()
        }
        guard let line = next else { return nil }
        guard let firstByte = line.first else { return .ignored }
        if firstByte >= UInt8(ascii: "0") && firstByte <= UInt8(ascii: "9") {
            guard let (local, jsonStart) = try Self.localStamp(line, scale: stampScale) else {
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

    func bookEventRefused(_ id: InstrumentID) { decoder.resendWholeBook(id) }

    /// The first and last local stamps of a `<local> <json>` file, in nanoseconds by each stamp's
    /// size (`StampUnit.bySize`); nil when no line has one. Reads the whole file.
    static func stampRange(path: String) throws(MarketDataFault) -> (first: Int64, last: Int64)? {
        let lines = try RecordingLines(path: path)
        var first: Int64?
        var last: Int64?
        while let line = try lines.nextLine() {
            var whole: Int64 = 0
            var index = 0
            while index < line.count, index < 19, line[index] >= UInt8(ascii: "0"), line[index] <= UInt8(ascii: "9") {
                whole = whole * 10 + Int64(line[index] - UInt8(ascii: "0"))
                index += 1
            }
            guard index > 0, index < line.count, line[index] == UInt8(ascii: " ") else { continue }
            let (nanoseconds, overflowed) = whole.multipliedReportingOverflow(by: StampUnit.bySize(whole).nanoseconds)
            guard !overflowed else { continue }
            if first == nil { first = nanoseconds }
            last = nanoseconds
        }
        guard let first, let last else { return nil }
        return (first, last)
    }

    /// The local stamp at the start of a line, in either convention, and where the JSON starts;
    /// nil when the line has neither shape. `scale` is nanoseconds per unit of a convention A
    /// stamp (see `StampUnit`). Throws `.badNumber` for a stamp past what 64-bit nanoseconds hold
    /// (after 2262-04-11).
    static func localStamp(_ line: UnsafeBufferPointer<UInt8>, scale: Int64 = 1) throws(MarketDataFault) -> (Timestamp, Int)? {
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
            // Convention A: a whole number of `scale` nanoseconds.
            let (nanoseconds, overflowed) = whole.multipliedReportingOverflow(by: scale)
            if overflowed { throw tooLate() }
            return (Timestamp(nanoseconds: nanoseconds), index + 1)
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

    /// The unit of a recorder's whole-number local stamps.
    enum StampUnit: Int64, CaseIterable, Sendable {
        case nanoseconds = 1, microseconds = 1_000, milliseconds = 1_000_000, seconds = 1_000_000_000
        var nanoseconds: Int64 { rawValue }
        var name: String {
            switch self {
            case .nanoseconds: "ns"
            case .microseconds: "µs"
            case .milliseconds: "ms"
            case .seconds: "s"
            }
        }

        /// The unit that brings `stamp` closest to `venueNanoseconds`: the units are a thousand
        /// apart and a recorder's clock at most hours off, so the nearest is unambiguous.
        static func nearest(stamp: Int64, venueNanoseconds: Int64) -> StampUnit? {
            guard stamp > 0, venueNanoseconds > 0 else { return nil }
            var best: (unit: StampUnit, distance: UInt)?
            for unit in allCases {
                let (scaled, overflowed) = stamp.multipliedReportingOverflow(by: unit.rawValue)
                guard !overflowed else { continue }
                let distance = scaled.distance(to: venueNanoseconds).magnitude
                if best == nil || distance < best!.distance { best = (unit, distance) }
            }
            return best?.unit
        }

        /// The unit a present-day stamp has by its size alone (no E to compare with): 19 digits
        /// for ns, 16 for µs, 13 for ms, 10 for s.
        static func bySize(_ stamp: Int64) -> StampUnit {
            switch stamp {
            case 100_000_000_000_000_000...: .nanoseconds
            case 100_000_000_000_000...: .microseconds
            case 100_000_000_000...: .milliseconds
            default: .seconds
            }
        }
    }

    /// The recorder's lag behind the venue: the median of E − local over the file's first messages,
    /// with local whole-number stamps read in the unit that the majority of those messages show
    /// (from E beside them; from the stamps' size when no line has an E).
    static func measureClockOffset(path: String, sampleLines: Int = 20_000) throws(MarketDataFault) -> (offset: Duration, samples: Int, unit: StampUnit) {
        let lines = try RecordingLines(path: path)
        var samples: [(local: Int64, whole: Bool, venue: Int64)] = []
        var firstWholeStamp: Int64?
        while samples.count < sampleLines, let line = try? lines.nextLine() {
            // A stamp or an E that does not fit in 64-bit nanoseconds is no sample.
            guard let (local, jsonStart) = try? localStamp(line) else { continue }
            // Convention A ends its stamp with a digit and a space; B with ": ".
            let whole = jsonStart >= 2 && line[jsonStart - 2] != UInt8(ascii: ":")
            if whole && firstWholeStamp == nil { firstWholeStamp = local.nanoseconds }
            guard let key = line.firstIndex(of: "\"E\":") else { continue }
            var end = key + 4
            while end < line.count, line[end] >= UInt8(ascii: "0"), line[end] <= UInt8(ascii: "9") { end += 1 }
            guard let millis = end == key + 4 ? 0 : JSONCursor.parseInteger(line.slice((key + 4)..<end)) else { continue }
            let (eventTime, overflowed) = millis.multipliedReportingOverflow(by: 1_000_000)
            guard !overflowed else { continue }
            samples.append((local.nanoseconds, whole, eventTime))
        }
        // The unit most samples agree on; whole-number stamps only (cryptofeed's are seconds).
        var votes: [StampUnit: Int] = [:]
        for sample in samples where sample.whole {
            if let unit = StampUnit.nearest(stamp: sample.local, venueNanoseconds: sample.venue) { votes[unit, default: 0] += 1 }
        }
        let unit = votes.max { $0.value != $1.value ? $0.value < $1.value : $0.key.rawValue > $1.key.rawValue }?.key
            ?? firstWholeStamp.map(StampUnit.bySize) ?? .nanoseconds
        var differences: [Int64] = []
        for sample in samples {
            let (local, overflowed) = sample.whole ? sample.local.multipliedReportingOverflow(by: unit.nanoseconds) : (sample.local, false)
            let (difference, borrowed) = sample.venue.subtractingReportingOverflow(local)
            guard !overflowed && !borrowed else { continue }
            differences.append(difference)
        }
        guard !differences.isEmpty else { return (.zero, 0, unit) }
        differences.sort()
        return (.nanoseconds(differences[differences.count / 2]), differences.count, unit)
    }
}
