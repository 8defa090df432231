import HedgeCore

/// A decoder's per-symbol book state that `BinanceStreamDecoder.emitBook` reads and updates.
protocol TrackedSymbolBook {
    var id: InstrumentID { get }
    var lastTop: Quote? { get set }
    var sentWholeBook: Bool { get set }
}

/// Turns Binance combined-stream messages (`{"stream":..., "data":{...}}`) and REST depth
/// snapshots into market events. It knows nothing of files: a live WebSocket connector feeds it
/// the same raw messages.
///
/// Depth follows Binance's rules for a local book: updates older than the snapshot are dropped,
/// the first one applied must straddle the snapshot's `lastUpdateId`, and after that each update
/// must continue the previous one (`pu` on futures, `U == previous u + 1` on spot), else a gap is
/// reported and the book waits for a new snapshot.
public struct BinanceStreamDecoder: Sendable {
    /// The two sequencing rule sets Binance uses for depth streams.
    public enum Market: Sendable, Hashable {
        /// Spot: first update has `U <= lastUpdateId + 1 <= u`, then `U == previous u + 1`.
        case spot
        /// USD-M and COIN-M futures: first update has `U <= lastUpdateId <= u`, then `pu == previous u`.
        case futures
    }

    /// Where a symbol's local book stands in the snapshot-and-updates procedure.
    enum BookSync {
        /// No snapshot yet: raw update messages are kept to be replayed when it comes.
        case awaitingSnapshot(buffered: [[UInt8]])
        /// Snapshot applied; waiting for the update that straddles its id.
        case awaitingFirstUpdate(lastUpdateId: Int64)
        /// In sequence; the last applied update's `u`.
        case synced(lastUpdateId: Int64)
    }

    struct TrackedSymbol: TrackedSymbolBook {
        /// Lower-case symbol bytes, as in stream names ("btcusdt").
        var key: [UInt8]
        var id: InstrumentID
        var book = L2Book()
        var sync = BookSync.awaitingSnapshot(buffered: [])
        var lastTop: Quote?
        var seenDepth = false
        /// Whether the venue has this book whole: false after a snapshot or a refused update, so
        /// the next update goes out as the whole book (`.depth`), the rest as changes.
        var sentWholeBook = false
    }

    public let venue: String
    public let market: Market
    /// Added to the recorder's local stamp for messages without a venue time (spot bookTicker).
    public var localClockOffset: Duration?
    /// Pre-snapshot updates kept at most, per symbol.
    var maxBufferedUpdates = 5_000
    private var symbols: [TrackedSymbol] = []
    private let selectsAll: Bool

    /// - Parameter symbols: the symbols to decode ("BTCUSDT"); nil decodes every symbol seen.
    public init(venue: String, market: Market, symbols: [String]? = nil) {
        self.venue = venue
        self.market = market
        self.selectsAll = symbols == nil
        for symbol in symbols ?? [] {
            self.symbols.append(TrackedSymbol(key: Array(symbol.lowercased().utf8), id: InstrumentID(venue: venue, symbol: symbol)))
        }
    }

    /// The market rules a venue name implies ("binance-spot" is spot, the rest futures).
    public init(venue: String, symbols: [String]? = nil) {
        self.init(venue: venue, market: venue.hasSuffix("spot") ? .spot : .futures, symbols: symbols)
    }

    /// The local book of `symbol`, for inspection and tests.
    public func book(of symbol: String) -> L2Book? {
        let key = Array(symbol.lowercased().utf8)
        return symbols.first { $0.key == key }?.book
    }

    /// The venue missed a book event of `id`: the next update goes out as the whole book.
    public mutating func resendWholeBook(_ id: InstrumentID) {
        for index in symbols.indices where symbols[index].id == id { symbols[index].sentWholeBook = false }
    }

    // MARK: - Messages

    /// Decodes one message: a combined-stream message, or a REST depth snapshot (no "stream" key).
    /// - Parameter localTime: the recorder's receive stamp, used only when the message has no venue time.
    public mutating func decode(
        _ message: UnsafeBufferPointer<UInt8>, localTime: Timestamp? = nil, into events: inout [MarketEvent]
    ) throws(MarketDataFault) -> DecodeOutcome {
        // A message cut short is refused before anything is applied: the body is decoded where
        // it stands (one pass), so the bytes after it are read only afterwards.
        var last = message.count - 1
        while last >= 0, message[last] == 0x20 || message[last] == 0x0A || message[last] == 0x0D || message[last] == 0x09 { last -= 1 }
        guard last >= 0, message[last] == UInt8(ascii: "}") else { throw MarketDataFault(.malformedJSON, "unterminated object at byte \(message.count)") }
        var cursor = JSONCursor(message)
        try cursor.beginObject()
        var stream: Range<Int>?
        var data: JSONCursor.Value?
        var outcome: DecodeOutcome?
        while let key = try cursor.nextKey() {
            if cursor.matches(key, "stream") {
                let value = try cursor.readValue()
                stream = value.range
                // Skip unselected symbols before touching the body.
                if symbolIndex(streamName: value.range, in: cursor) == nil && !selectsAll { return .notSelected }
            } else if cursor.matches(key, "data") {
                cursor.skipSpace()
                if let stream, outcome == nil, cursor.index < cursor.end, message[cursor.index] == UInt8(ascii: "{") {
                    // The usual order, "stream" first: decode the body in this pass.
                    guard let index = symbolIndex(streamName: stream, in: cursor) ?? addSymbol(streamName: stream, in: cursor) else {
                        return .notSelected
                    }
                    let start = cursor.index
                    outcome = try decodeData(message, cursor: &cursor, stream: stream, symbol: index, localTime: localTime, into: &events)
                    data = JSONCursor.Value(kind: .object, range: start..<cursor.index)
                } else {
                    data = try cursor.readValue()
                }
            } else if cursor.matches(key, "lastUpdateId") && stream == nil {
                return try decodeSnapshot(message, symbol: nil, into: &events)
            } else {
                _ = try cursor.readValue()
            }
        }
        if let outcome { return outcome }
        guard let stream, let data, data.kind == .object else {
            if stream == nil && data == nil && cursor.index > 0 { return .ignored }
            throw MarketDataFault(.malformedJSON, "a combined-stream message needs \"stream\" and an object \"data\"")
        }
        guard let index = symbolIndex(streamName: stream, in: cursor) ?? addSymbol(streamName: stream, in: cursor) else {
            return .notSelected
        }
        var body = JSONCursor(message, range: data.range)
        return try decodeData(message, cursor: &body, stream: stream, symbol: index, localTime: localTime, into: &events)
    }

    /// Decodes a REST depth snapshot (`lastUpdateId`, `bids`, `asks`) and replays buffered updates.
    /// - Parameter symbol: the symbol when the body does not name it (USD-M and spot snapshots do
    ///   not); nil picks the one symbol this decoder follows.
    public mutating func decodeSnapshot(
        _ message: UnsafeBufferPointer<UInt8>, symbol: String?, into events: inout [MarketEvent]
    ) throws(MarketDataFault) -> DecodeOutcome {
        var cursor = JSONCursor(message)
        try cursor.beginObject()
        var lastUpdateId: JSONCursor.Value?, bids: JSONCursor.Value?, asks: JSONCursor.Value?
        var eventTime: JSONCursor.Value?, bodySymbol: JSONCursor.Value?
        while let key = try cursor.nextKey() {
            let value = try cursor.readValue()
            if cursor.matches(key, "lastUpdateId") { lastUpdateId = value }
            else if cursor.matches(key, "bids") { bids = value }
            else if cursor.matches(key, "asks") { asks = value }
            else if cursor.matches(key, "E") { eventTime = value }
            else if cursor.matches(key, "symbol") { bodySymbol = value }
        }
        let name = bodySymbol.map { cursor.text($0.range) } ?? symbol
        let index: Int
        if let name {
            let key = Array(name.lowercased().utf8)
            if let found = symbols.firstIndex(where: { $0.key == key }) { index = found }
            else if selectsAll { symbols.append(TrackedSymbol(key: key, id: InstrumentID(venue: venue, symbol: name.uppercased()))); index = symbols.count - 1 }
            else { return .notSelected }
        } else if symbols.count == 1 {
            index = 0
        } else {
            throw MarketDataFault(.unknownSymbol, "a depth snapshot without a symbol, and \(symbols.count) symbols followed: say which symbol it is for")
        }
        let updateId = try cursor.integer(lastUpdateId, "lastUpdateId")
        var book = L2Book()
        try cursor.forEachLevel(bids, "bids") { price, quantity throws(MarketDataFault) in book.set(.buy, price: price, quantity: quantity) }
        try cursor.forEachLevel(asks, "asks") { price, quantity throws(MarketDataFault) in book.set(.sell, price: price, quantity: quantity) }
        let buffered: [[UInt8]]
        if case .awaitingSnapshot(let kept) = symbols[index].sync { buffered = kept } else { buffered = [] }
        symbols[index].book = book
        symbols[index].sync = .awaitingFirstUpdate(lastUpdateId: updateId)
        symbols[index].lastTop = nil
        symbols[index].sentWholeBook = false
        _ = eventTime
        var firstFault: MarketDataFault?
        for raw in buffered {
            raw.withUnsafeBufferPointer { bytes in
                do throws(MarketDataFault) { _ = try decode(bytes, into: &events) }
                catch { if firstFault == nil { firstFault = error } }
            }
        }
        if let firstFault { throw firstFault }
        return .decoded
    }

    // MARK: - Stream bodies

    /// Decodes a stream body; `cursor` stands at its '{' and is left after its '}'.
    private mutating func decodeData(
        _ message: UnsafeBufferPointer<UInt8>, cursor: inout JSONCursor, stream: Range<Int>, symbol index: Int,
        localTime: Timestamp?, into events: inout [MarketEvent]
    ) throws(MarketDataFault) -> DecodeOutcome {
        try cursor.beginObject()
        var type: JSONCursor.Value?, eventTime: JSONCursor.Value?, tradeTime: JSONCursor.Value?
        var first: JSONCursor.Value?, last: JSONCursor.Value?, previous: JSONCursor.Value?
        var b: JSONCursor.Value?, bigB: JSONCursor.Value?, a: JSONCursor.Value?, bigA: JSONCursor.Value?
        var p: JSONCursor.Value?, q: JSONCursor.Value?, m: JSONCursor.Value?, r: JSONCursor.Value?
        while let key = try cursor.nextKey() {
            let value = try cursor.readValue()
            guard key.count <= 2 else { continue }
            let c0 = message[key.lowerBound]
            if key.count == 1 {
                switch c0 {
                case UInt8(ascii: "e"): type = value
                case UInt8(ascii: "E"): eventTime = value
                case UInt8(ascii: "T"): tradeTime = value
                case UInt8(ascii: "U"): first = value
                case UInt8(ascii: "u"): last = value
                case UInt8(ascii: "b"): b = value
                case UInt8(ascii: "B"): bigB = value
                case UInt8(ascii: "a"): a = value
                case UInt8(ascii: "A"): bigA = value
                case UInt8(ascii: "p"): p = value
                case UInt8(ascii: "q"): q = value
                case UInt8(ascii: "m"): m = value
                case UInt8(ascii: "r"): r = value
                default: break
                }
            } else if cursor.matches(key, "pu") {
                previous = value
            }
        }
        let id = symbols[index].id
        // Venue time: E, else T; spot bookTicker has neither, so the shifted local stamp.
        let time: Timestamp
        if let stamp = eventTime ?? tradeTime {
            time = Timestamp(milliseconds: try cursor.integer(stamp, "E"))
        } else if let localTime, let offset = localClockOffset {
            time = localTime + offset
        } else {
            throw MarketDataFault(.malformedJSON, "no event time (E or T) and no local stamp with a measured offset")
        }
        // Spot bookTicker carries no "e"; recognise it by its shape.
        let isBookTicker = type.map { cursor.matches($0.range, "bookTicker") } ?? (bigB != nil && bigA != nil)
        if isBookTicker {
            // Stamped like depth, with T (the book state's own venue time) when it has one, so
            // tops and depth updates merge in the venue's order.
            let bookTime = try tradeTime.map { v throws(MarketDataFault) in Timestamp(milliseconds: try cursor.integer(v, "T")) } ?? time
            let quote = Quote(bid: try cursor.decimal(b, "b"), bidSize: try cursor.decimal(bigB, "B"),
                              ask: try cursor.decimal(a, "a"), askSize: try cursor.decimal(bigA, "A"), time: bookTime)
            try Self.refuseDefect(quote, id)
            events.append(.quote(id, quote))
            return .decoded
        }
        guard let type else { throw MarketDataFault(.unknownMessage, "stream \(cursor.text(stream)) without an event type \"e\"") }
        if cursor.matches(type.range, "depthUpdate") {
            // The book's own venue time: T (futures: the last transaction it holds), else E. A
            // futures update is published some milliseconds after T (bookTicker tops too, by a
            // different lag); ordering both by T keeps them in the venue's order.
            let bookTime = try tradeTime.map { v throws(MarketDataFault) in Timestamp(milliseconds: try cursor.integer(v, "T")) } ?? time
            return try applyDepth(message, cursor: cursor, index: index, first: try cursor.integer(first, "U"),
                                  last: try cursor.integer(last, "u"), previous: try previous.map { v throws(MarketDataFault) in try cursor.integer(v, "pu") },
                                  bids: b, asks: a, time: bookTime, into: &events)
        }
        if cursor.matches(type.range, "trade") || cursor.matches(type.range, "aggTrade") {
            // "m": the buyer is the maker, so the seller took liquidity.
            let buyerIsMaker = m.map { cursor.matches($0.range, "true") } ?? false
            let trade = PublicTrade(price: try cursor.decimal(p, "p"), quantity: try cursor.decimal(q, "q"),
                                    aggressor: buyerIsMaker ? .sell : .buy, time: time)
            guard trade.price.isPositive else { throw MarketDataFault(.badNumber, "trade price \(trade.price) is not positive") }
            events.append(.trade(id, trade))
            return .decoded
        }
        if cursor.matches(type.range, "markPriceUpdate") {
            let mark = try cursor.decimal(p, "p")
            guard mark.isPositive else { throw MarketDataFault(.badNumber, "mark price \(mark) is not positive") }
            events.append(.mark(id, mark, time: time))
            // Dated contracts send an empty funding rate.
            if let r, !r.range.isEmpty, let next = tradeTime {
                events.append(.fundingRate(id, rate: try cursor.decimal(r, "r"),
                                           nextFundingTime: Timestamp(milliseconds: try cursor.integer(next, "T")), time: time))
            }
            return .decoded
        }
        if cursor.matches(type.range, "kline") || cursor.matches(type.range, "continuous_kline") { return .kline }
        throw MarketDataFault(.unknownMessage, "event type \"\(cursor.text(type.range))\" on stream \(cursor.text(stream))")
    }

    private mutating func applyDepth(
        _ message: UnsafeBufferPointer<UInt8>, cursor: JSONCursor, index: Int, first: Int64, last: Int64, previous: Int64?,
        bids: JSONCursor.Value?, asks: JSONCursor.Value?, time: Timestamp, into events: inout [MarketEvent]
    ) throws(MarketDataFault) -> DecodeOutcome {
        symbols[index].seenDepth = true
        switch symbols[index].sync {
        case .awaitingSnapshot(var buffered):
            if buffered.count >= maxBufferedUpdates { buffered.removeFirst() }
            buffered.append(Array(message))
            symbols[index].sync = .awaitingSnapshot(buffered: buffered)
            return .decoded
        case .awaitingFirstUpdate(let snapshotId):
            // Spot drops u <= lastUpdateId, futures u < lastUpdateId.
            let stale = market == .spot ? last <= snapshotId : last < snapshotId
            if stale { return .decoded }
            let target = market == .spot ? snapshotId + 1 : snapshotId
            guard first <= target && target <= last else {
                symbols[index].sync = .awaitingSnapshot(buffered: [])
                throw MarketDataFault(.bookGap, "\(symbols[index].id): first update U=\(first) u=\(last) does not straddle the snapshot's lastUpdateId \(snapshotId); the book waits for a new snapshot")
            }
        case .synced(let previousLast):
            let continues = market == .spot ? first == previousLast + 1 : (previous ?? first - 1) == previousLast
            guard continues else {
                symbols[index].sync = .awaitingSnapshot(buffered: [])
                throw MarketDataFault(.bookGap, "\(symbols[index].id): update U=\(first) u=\(last) pu=\(previous.map(String.init) ?? "-") does not follow u=\(previousLast); the book waits for a new snapshot")
            }
        }
        var book = symbols[index].book
        symbols[index].book = L2Book()   // keep the arrays uniquely referenced while editing
        defer { symbols[index].book = book }
        let update = try book.apply(bids: bids, asks: asks, in: cursor, time: time)
        symbols[index].sync = .synced(lastUpdateId: last)
        try Self.emitBook(book, update, tracked: &symbols[index], into: &events)
        return .decoded
    }

    /// The events of a book just changed by `update`: the whole book when the venue does not hold
    /// it yet, else the changes; then the top as a quote when it moved. A crossed book is refused
    /// (and the next good update goes out whole, since the venue missed this one).
    static func emitBook<Tracked: TrackedSymbolBook>(_ book: L2Book, _ update: BookUpdate, tracked: inout Tracked, into events: inout [MarketEvent]) throws(MarketDataFault) {
        let id = tracked.id
        guard let top = book.top(time: update.time) else {
            tracked.sentWholeBook = false
            return
        }
        do throws(MarketDataFault) { try refuseDefect(top, id) } catch {
            tracked.sentWholeBook = false
            throw error
        }
        if tracked.sentWholeBook {
            events.append(.bookUpdate(id, update))
        } else {
            events.append(.depth(id, book.depth(levels: .max, time: update.time)))
            tracked.sentWholeBook = true
        }
        if let lastTop = tracked.lastTop, lastTop.bid == top.bid, lastTop.ask == top.ask,
           lastTop.bidSize == top.bidSize, lastTop.askSize == top.askSize { return }
        tracked.lastTop = top
        events.append(.quote(id, top))
    }

    /// Refuses a quote the core would refuse, naming the instrument.
    static func refuseDefect(_ quote: Quote, _ id: InstrumentID) throws(MarketDataFault) {
        guard let defect = quote.defect else { return }
        switch defect {
        case .crossed: throw MarketDataFault(.crossedBook, "\(id): \(defect)")
        default: throw MarketDataFault(.badNumber, "\(id): \(defect)")
        }
    }

    // MARK: - Symbols

    /// The tracked symbol a stream name ("btcusdt@bookTicker") is for, compared without case.
    private func symbolIndex(streamName range: Range<Int>, in cursor: JSONCursor) -> Int? {
        var end = range.lowerBound
        while end < range.upperBound && cursor.bytes[end] != UInt8(ascii: "@") { end += 1 }
        let length = end - range.lowerBound
        for (index, tracked) in symbols.enumerated() where tracked.key.count == length {
            var same = true
            for offset in 0..<length {
                var byte = cursor.bytes[range.lowerBound + offset]
                if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { byte |= 0x20 }
                guard tracked.key[offset] == byte else {
                    same = false
                    break
                }
            }
            if same { return index }
        }
        return nil
    }

    private mutating func addSymbol(streamName range: Range<Int>, in cursor: JSONCursor) -> Int? {
        guard selectsAll else { return nil }
        let name = cursor.text(range).split(separator: "@").first.map(String.init) ?? ""
        symbols.append(TrackedSymbol(key: Array(name.lowercased().utf8), id: InstrumentID(venue: venue, symbol: name.uppercased())))
        return symbols.count - 1
    }
}
