import HedgeCore

/// Turns Bybit v5 public-stream messages into market events: `tickers.SYMBOL` (snapshot, then
/// deltas that carry only the fields that changed, merged here per symbol), `orderbook.N.SYMBOL`
/// (snapshot, then deltas where size "0" deletes a level) and `publicTrade.SYMBOL`.
/// It knows nothing of files: a live connector feeds it the same raw messages.
public struct BybitStreamDecoder: Sendable {
    /// The last known value of each ticker field; deltas update only what they carry.
    struct TickerState {
        var bid: FixedDecimal?, bidSize: FixedDecimal?, ask: FixedDecimal?, askSize: FixedDecimal?
        var fundingRate: FixedDecimal?, nextFundingTime: Timestamp?
    }

    struct TrackedSymbol: TrackedSymbolBook {
        var key: [UInt8]
        var id: InstrumentID
        var ticker = TickerState()
        var book = L2Book()
        var hasBookSnapshot = false
        var lastTop: Quote?
        var sentWholeBook = false
    }

    public let venue: String
    private var symbols: [TrackedSymbol] = []
    private let selectsAll: Bool

    /// - Parameter symbols: the symbols to decode ("BTCUSDT"); nil decodes every symbol seen.
    public init(venue: String, symbols: [String]? = nil) {
        self.venue = venue
        self.selectsAll = symbols == nil
        for symbol in symbols ?? [] {
            self.symbols.append(TrackedSymbol(key: Array(symbol.utf8), id: InstrumentID(venue: venue, symbol: symbol)))
        }
    }

    /// The venue missed a book event of `id`: the next update goes out as the whole book.
    public mutating func resendWholeBook(_ id: InstrumentID) {
        for index in symbols.indices where symbols[index].id == id { symbols[index].sentWholeBook = false }
    }

    /// Decodes one message (the text a WebSocket frame carries).
    public mutating func decode(_ message: UnsafeBufferPointer<UInt8>, into events: inout [MarketEvent]) throws(MarketDataFault) -> DecodeOutcome {
        var cursor = JSONCursor(message)
        try cursor.beginObject()
        var topic: Range<Int>?, type: Range<Int>?, data: JSONCursor.Value?, ts: JSONCursor.Value?
        while let key = try cursor.nextKey() {
            let value = try cursor.readValue()
            if cursor.matches(key, "topic") { topic = value.range }
            else if cursor.matches(key, "type") { type = value.range }
            else if cursor.matches(key, "data") { data = value }
            else if cursor.matches(key, "ts") { ts = value }
        }
        // Subscription acks and pongs carry no topic.
        guard let topic else { return .ignored }
        let kind: Kind
        if cursor.hasPrefix(topic, "tickers.") { kind = .ticker }
        else if cursor.hasPrefix(topic, "orderbook.") { kind = .book }
        else if cursor.hasPrefix(topic, "publicTrade.") { kind = .trade }
        else if cursor.hasPrefix(topic, "kline.") { return .kline }
        else { throw MarketDataFault(.unknownMessage, "topic \"\(cursor.text(topic))\"") }
        // The symbol is the topic's last dotted part.
        var symbolStart = topic.upperBound
        while symbolStart > topic.lowerBound && message[symbolStart - 1] != UInt8(ascii: ".") { symbolStart -= 1 }
        guard let index = symbolIndex(symbolStart..<topic.upperBound, cursor) else { return .notSelected }
        guard let data else { throw MarketDataFault(.malformedJSON, "topic \(cursor.text(topic)) without \"data\"") }
        let time = Timestamp(milliseconds: try cursor.integer(ts, "ts"))
        let isSnapshot = type.map { cursor.matches($0, "snapshot") } ?? false
        switch kind {
        case .ticker: try decodeTicker(cursor, data, index: index, time: time, into: &events)
        case .book: try decodeBook(cursor, data, index: index, snapshot: isSnapshot, time: time, into: &events)
        case .trade: try decodeTrades(cursor, data, index: index, into: &events)
        }
        return .decoded
    }

    private enum Kind { case ticker, book, trade }

    private mutating func decodeTicker(_ outer: JSONCursor, _ data: JSONCursor.Value, index: Int, time: Timestamp, into events: inout [MarketEvent]) throws(MarketDataFault) {
        var cursor = JSONCursor(outer.bytes, range: data.range)
        try cursor.beginObject()
        var state = symbols[index].ticker
        var quoteChanged = false
        var mark: FixedDecimal?
        var fundingChanged = false
        while let key = try cursor.nextKey() {
            let value = try cursor.readValue()
            // Empty strings mean "not available" (spot tickers, dated contracts' funding).
            if value.kind == .string && value.range.isEmpty { continue }
            if cursor.matches(key, "bid1Price") { state.bid = try cursor.decimal(value, "bid1Price"); quoteChanged = true }
            else if cursor.matches(key, "bid1Size") { state.bidSize = try cursor.decimal(value, "bid1Size"); quoteChanged = true }
            else if cursor.matches(key, "ask1Price") { state.ask = try cursor.decimal(value, "ask1Price"); quoteChanged = true }
            else if cursor.matches(key, "ask1Size") { state.askSize = try cursor.decimal(value, "ask1Size"); quoteChanged = true }
            else if cursor.matches(key, "markPrice") { mark = try cursor.decimal(value, "markPrice") }
            else if cursor.matches(key, "fundingRate") { state.fundingRate = try cursor.decimal(value, "fundingRate"); fundingChanged = true }
            else if cursor.matches(key, "nextFundingTime") {
                state.nextFundingTime = Timestamp(milliseconds: try cursor.integer(value, "nextFundingTime")); fundingChanged = true
            }
        }
        symbols[index].ticker = state
        let id = symbols[index].id
        if quoteChanged, let bid = state.bid, let bidSize = state.bidSize, let ask = state.ask, let askSize = state.askSize {
            let quote = Quote(bid: bid, bidSize: bidSize, ask: ask, askSize: askSize, time: time)
            try BinanceStreamDecoder.refuseDefect(quote, id)
            events.append(.quote(id, quote))
        }
        if let mark {
            guard mark.isPositive else { throw MarketDataFault(.badNumber, "\(id): mark price \(mark) is not positive") }
            events.append(.mark(id, mark, time: time))
        }
        if fundingChanged, let rate = state.fundingRate, let next = state.nextFundingTime {
            events.append(.fundingRate(id, rate: rate, nextFundingTime: next, time: time))
        }
    }

    private mutating func decodeBook(_ outer: JSONCursor, _ data: JSONCursor.Value, index: Int, snapshot: Bool, time: Timestamp, into events: inout [MarketEvent]) throws(MarketDataFault) {
        var cursor = JSONCursor(outer.bytes, range: data.range)
        try cursor.beginObject()
        var bids: JSONCursor.Value?, asks: JSONCursor.Value?, updateId: JSONCursor.Value?
        while let key = try cursor.nextKey() {
            let value = try cursor.readValue()
            if cursor.matches(key, "b") { bids = value } else if cursor.matches(key, "a") { asks = value }
            else if cursor.matches(key, "u") { updateId = value }
        }
        // Bybit resends a snapshot with u == 1 after a service restart: treat it as one.
        let isReset = snapshot || (updateId.map { cursor.matches($0.range, "1") } ?? false)
        if !isReset && !symbols[index].hasBookSnapshot {
            throw MarketDataFault(.bookGap, "\(symbols[index].id): an order book delta before any snapshot")
        }
        var book = symbols[index].book
        symbols[index].book = L2Book()
        defer { symbols[index].book = book }
        if isReset {
            book.removeAll()
            symbols[index].hasBookSnapshot = true
            symbols[index].lastTop = nil
            symbols[index].sentWholeBook = false
        }
        let update = try book.apply(bids: bids, asks: asks, in: cursor, time: time)
        try BinanceStreamDecoder.emitBook(book, update, tracked: &symbols[index], into: &events)
    }

    private func decodeTrades(_ outer: JSONCursor, _ data: JSONCursor.Value, index: Int, into events: inout [MarketEvent]) throws(MarketDataFault) {
        guard data.kind == .array else { throw MarketDataFault(.malformedJSON, "publicTrade \"data\" is not an array") }
        var list = JSONCursor(outer.bytes, range: data.range)
        try list.expect(UInt8(ascii: "["))
        if list.consume(UInt8(ascii: "]")) { return }
        let id = symbols[index].id
        repeat {
            let item = try list.readValue()
            var cursor = JSONCursor(outer.bytes, range: item.range)
            try cursor.beginObject()
            var price: JSONCursor.Value?, size: JSONCursor.Value?, side: JSONCursor.Value?, time: JSONCursor.Value?
            while let key = try cursor.nextKey() {
                let value = try cursor.readValue()
                if cursor.matches(key, "p") { price = value } else if cursor.matches(key, "v") { size = value }
                else if cursor.matches(key, "S") { side = value } else if cursor.matches(key, "T") { time = value }
            }
            guard let side else { throw MarketDataFault(.malformedJSON, "a trade without a side \"S\"") }
            let trade = PublicTrade(price: try cursor.decimal(price, "p"), quantity: try cursor.decimal(size, "v"),
                                    aggressor: cursor.matches(side.range, "Buy") ? .buy : .sell,
                                    time: Timestamp(milliseconds: try cursor.integer(time, "T")))
            guard trade.price.isPositive else { throw MarketDataFault(.badNumber, "\(id): trade price \(trade.price) is not positive") }
            events.append(.trade(id, trade))
        } while list.consume(UInt8(ascii: ","))
    }

    private mutating func symbolIndex(_ range: Range<Int>, _ cursor: JSONCursor) -> Int? {
        for (index, tracked) in symbols.enumerated() where tracked.key.count == range.count {
            if tracked.key.withUnsafeBufferPointer({ key in key.elementsEqual(cursor.slice(range)) }) { return index }
        }
        guard selectsAll else { return nil }
        let name = cursor.text(range)
        symbols.append(TrackedSymbol(key: Array(name.utf8), id: InstrumentID(venue: venue, symbol: name)))
        return symbols.count - 1
    }
}
