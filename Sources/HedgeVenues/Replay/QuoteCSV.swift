import HedgeCore
#if canImport(Glibc)
import Glibc
#endif

/// Reads the plain CSV of quotes, `ts_ns,venue,symbol,bid_px,bid_qty,ask_px,ask_qty`, header line
/// required. The row path allocates nothing: instruments are looked up by their bytes in a small
/// table made at start, and the last match is tried first.
final class QuoteCSV: RecordingReader {
    static let header: StaticString = "ts_ns,venue,symbol,bid_px,bid_qty,ask_px,ask_qty"
    /// Venue names a CSV row may carry.
    static let knownVenues = ["binance-usdm", "binance-coinm", "binance-spot", "bybit-linear", "bybit-spot", "csv"]

    private struct Entry {
        var venue: [UInt8]
        var symbol: [UInt8]
        var id: InstrumentID
    }

    let lines: RecordingLines
    let notes: [String] = []
    private let entries: [Entry]
    private let venues: [[UInt8]]
    @exclusivity(unchecked) private var lastMatch = 0
    /// Per entry, "venue,symbol" as it appears in a row, for the fast path.
    private let keys: [[UInt8]]
    /// Events of a line that took the general path, before they go into a batch.
    @exclusivity(unchecked) private var scratch: [MarketEvent] = []
    /// What `readPlainRows` read but left for `readQuote`: a line it could not take, the end
    /// of the file, or a read error. A line stays valid until the next `nextLine()`.
    private enum Held {
        case none
        case line(UnsafeBufferPointer<UInt8>)
        case end
        case failure(MarketDataFault)
    }
    @exclusivity(unchecked) private var held = Held.none

    /// - Parameter instruments: the selected instruments; a row's quote is numbered by its
    ///   instrument's index here (`readQuote(into:)`).
    init(path: String, instruments: [InstrumentID]) throws(MarketDataFault) {
        lines = try RecordingLines(path: path)
        entries = instruments.map { Entry(venue: Array($0.venue.utf8), symbol: Array($0.symbol.utf8), id: $0) }
        venues = Set(Self.knownVenues + instruments.map(\.venue)).map { Array($0.utf8) }
        // A name holding a comma cannot be written in a row: its key never matches.
        keys = instruments.map { $0.venue.contains(",") || $0.symbol.contains(",") ? [] : Array("\($0.venue),\($0.symbol)".utf8) }
        scratch.reserveCapacity(4)
    }

    /// Decodes the next line into `batch`, whose first instruments must be the ones this reader
    /// was made with; nil at the end of the file. A well-formed row of a selected instrument goes
    /// straight from the bytes into a row (`QuoteRowParser`); anything else takes `readLine`'s
    /// path, which gives every bad input its message.
    func readQuote(into batch: inout MarketBatch) throws(MarketDataFault) -> DecodeOutcome? {
        guard let line = try nextLine() else { return nil }
        if lines.lineNumber > 1, let parsed = QuoteRowParser.parse(line, keys: keys, lastMatch: &lastMatch) {
            batch.appendQuote(parsed.quote, instrument: parsed.entry)
            return .decoded
        }
        scratch.removeAll(keepingCapacity: true)
        let outcome = try decode(line, into: &scratch)
        for event in scratch { batch.append(event) }
        return outcome
    }

    /// The held line (or end, or error) if any, else the next line.
    private func nextLine() throws(MarketDataFault) -> UnsafeBufferPointer<UInt8>? {
        let current = held
        held = .none
        switch current {
        case .none: return try lines.nextLine()
        case .line(let line): return line
        case .end: return nil
        case .failure(let fault): throw fault
        }
    }

    /// Appends plain rows (`QuoteRowParser`) of selected instruments, in time order from
    /// `lastReleased` on, until `batch` holds `limit` rows or a line needs `readQuote`, which the
    /// next `readQuote` call then reads. Returns how many lines it took. The per-line layers
    /// (the reader call, the outcome, the statistics) are paid once per run instead of per row.
    /// A row further than `jumpLimit` ahead of `lastReleased` is left too (`FileReplay.isJump`).
    func readPlainRows(into batch: inout MarketBatch, limit: Int, lastReleased: inout Int64, jumpLimit: Int64 = .max) -> Int {
        guard case .none = held else { return 0 }
        var taken = 0
        while batch.count < limit {
            let next: UnsafeBufferPointer<UInt8>?
            do throws(MarketDataFault) { next = try lines.nextLine() } catch {
                held = .failure(error)
                return taken
            }
            guard let line = next else {
                held = .end
                return taken
            }
            guard lines.lineNumber > 1, let parsed = QuoteRowParser.parse(line, keys: keys, lastMatch: &lastMatch),
                  parsed.quote.time.nanoseconds >= lastReleased,
                  !FileReplay.isJump(parsed.quote.time.nanoseconds, after: lastReleased, limit: jumpLimit) else {
                held = .line(line)
                return taken
            }
            batch.appendQuote(parsed.quote, instrument: parsed.entry)
            lastReleased = parsed.quote.time.nanoseconds
            taken += 1
        }
        return taken
    }

    func readLine(into events: inout [MarketEvent]) throws(MarketDataFault) -> DecodeOutcome? {
        guard let line = try nextLine() else { return nil }
        return try decode(line, into: &events)
    }

    private func decode(_ line: UnsafeBufferPointer<UInt8>, into events: inout [MarketEvent]) throws(MarketDataFault) -> DecodeOutcome {
        if lines.lineNumber == 1 {
            guard Self.isHeader(line) else {
                throw MarketDataFault(.missingColumn, "the first line must be the header \(Self.header)")
            }
            return .ignored
        }
        if line.isEmpty { return .ignored }
        // Split into exactly seven fields.
        var bounds: (Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0)
        var commas = 0
        var index = 0
        while index < line.count {
            if line[index] == UInt8(ascii: ",") {
                switch commas {
                case 0: bounds.0 = index
                case 1: bounds.1 = index
                case 2: bounds.2 = index
                case 3: bounds.3 = index
                case 4: bounds.4 = index
                case 5: bounds.5 = index
                default: throw MarketDataFault(.missingColumn, "more than 7 columns; expected \(Self.header)")
                }
                commas += 1
            }
            index += 1
        }
        guard commas == 6 else { throw MarketDataFault(.missingColumn, "\(commas + 1) columns; expected 7: \(Self.header)") }
        guard let id = try instrument(line.slice((bounds.0 + 1)..<bounds.1), line.slice((bounds.1 + 1)..<bounds.2)) else {
            return .notSelected
        }
        guard let nanoseconds = JSONCursor.parseInteger(line.slice(0..<bounds.0)) else {
            throw MarketDataFault(.badNumber, "ts_ns \"\(String(decoding: line.slice(0..<bounds.0), as: UTF8.self))\" is not whole nanoseconds")
        }
        let quote = Quote(bid: try Self.decimal(line.slice((bounds.2 + 1)..<bounds.3), "bid_px"),
                          bidSize: try Self.decimal(line.slice((bounds.3 + 1)..<bounds.4), "bid_qty"),
                          ask: try Self.decimal(line.slice((bounds.4 + 1)..<bounds.5), "ask_px"),
                          askSize: try Self.decimal(line.slice((bounds.5 + 1)..<line.count), "ask_qty"),
                          time: Timestamp(nanoseconds: nanoseconds))
        if quote.defect != nil { try BinanceStreamDecoder.refuseDefect(quote, id) }
        events.append(.quote(id, quote))
        return .decoded
    }

    private static func isHeader(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard line.count == header.utf8CodeUnitCount else { return false }
        return line.elementsEqual(UnsafeBufferPointer(start: header.utf8Start, count: header.utf8CodeUnitCount))
    }

    private static func decimal(_ field: UnsafeBufferPointer<UInt8>, _ name: StaticString) throws(MarketDataFault) -> FixedDecimal {
        switch FixedDecimal.parse(field) {
        case .success(let value): return value
        case .failure(let error):
            throw MarketDataFault(.badNumber, "\(name) \"\(String(decoding: field, as: UTF8.self))\" is not a decimal (\(error))")
        }
    }

    /// The selected instrument a row names; nil when it is not selected; throws for an unknown venue.
    private func instrument(_ venue: UnsafeBufferPointer<UInt8>, _ symbol: UnsafeBufferPointer<UInt8>) throws(MarketDataFault) -> InstrumentID? {
        if lastMatch < entries.count, Self.same(entries[lastMatch].venue, venue), Self.same(entries[lastMatch].symbol, symbol) {
            return entries[lastMatch].id
        }
        for index in entries.indices where Self.same(entries[index].venue, venue) && Self.same(entries[index].symbol, symbol) {
            lastMatch = index
            return entries[index].id
        }
        guard venues.contains(where: { Self.same($0, venue) }) else {
            throw MarketDataFault(.unknownSymbol, "venue \"\(String(decoding: venue, as: UTF8.self))\" is not one of \(Self.knownVenues.joined(separator: ", "))")
        }
        if symbol.isEmpty { throw MarketDataFault(.missingColumn, "empty symbol") }
        return nil
    }

    private static func same(_ stored: [UInt8], _ field: UnsafeBufferPointer<UInt8>) -> Bool {
        stored.count == field.count && (field.count == 0 || stored.withUnsafeBufferPointer { memcmp($0.baseAddress!, field.baseAddress!, field.count) == 0 })
    }
}
