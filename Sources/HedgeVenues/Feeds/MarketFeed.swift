import HedgeCore

/// One piece of market data, stamped with the venue's time.
public enum MarketEvent: Sendable, Hashable {
    /// Best bid and offer (bookTicker, a tickers message's bid1/ask1, a CSV row, or the top of a
    /// rebuilt book).
    case quote(InstrumentID, Quote)
    /// A whole book (a snapshot, or the book after a resync): best levels first on each side.
    /// It replaces every level the venue's book held.
    case depth(InstrumentID, BookDepth)
    /// The levels one depth update changed: the venue's book applies them to the levels it has,
    /// so a deep book is never copied per update.
    case bookUpdate(InstrumentID, BookUpdate)
    /// A public trade.
    case trade(InstrumentID, PublicTrade)
    /// The venue's mark price.
    case mark(InstrumentID, FixedDecimal, time: Timestamp)
    /// The current funding rate of a perpetual and when it is next paid.
    case fundingRate(InstrumentID, rate: FixedDecimal, nextFundingTime: Timestamp, time: Timestamp)

    public var time: Timestamp {
        switch self {
        case .quote(_, let quote): quote.time
        case .depth(_, let depth): depth.time
        case .bookUpdate(_, let update): update.time
        case .trade(_, let trade): trade.time
        case .mark(_, _, let time): time
        case .fundingRate(_, _, _, let time): time
        }
    }

    public var instrument: InstrumentID {
        switch self {
        case .quote(let id, _), .depth(let id, _), .bookUpdate(let id, _), .trade(let id, _), .mark(let id, _, _), .fundingRate(let id, _, _, _): id
        }
    }
}

/// A price level: price and the quantity resting there.
public struct BookLevel: Sendable, Hashable {
    public var price: FixedDecimal
    public var quantity: FixedDecimal

    public init(price: FixedDecimal, quantity: FixedDecimal) {
        self.price = price
        self.quantity = quantity
    }
}

/// The best levels of a book at one instant: bids descending, asks ascending.
public struct BookDepth: Sendable, Hashable {
    public var bids: [BookLevel]
    public var asks: [BookLevel]
    public var time: Timestamp

    public init(bids: [BookLevel], asks: [BookLevel], time: Timestamp) {
        self.bids = bids
        self.asks = asks
        self.time = time
    }

    /// The top of this book as a quote, or nil when a side is empty.
    public var top: Quote? {
        guard let bid = bids.first, let ask = asks.first else { return nil }
        return Quote(bid: bid.price, bidSize: bid.quantity, ask: ask.price, askSize: ask.quantity, time: time)
    }
}

/// The levels one depth update changed, each with its new quantity (0: the level is gone), at
/// the venue time of the book state it describes.
public struct BookUpdate: Sendable, Hashable {
    public var bids: [BookLevel]
    public var asks: [BookLevel]
    public var time: Timestamp

    public init(bids: [BookLevel], asks: [BookLevel], time: Timestamp) {
        self.bids = bids
        self.asks = asks
        self.time = time
    }
}

/// A trade printed on the venue's tape.
public struct PublicTrade: Sendable, Hashable {
    public var price: FixedDecimal
    public var quantity: FixedDecimal
    /// The taker's side.
    var aggressor: Side
    public var time: Timestamp

    public init(price: FixedDecimal, quantity: FixedDecimal, aggressor: Side, time: Timestamp) {
        self.price = price
        self.quantity = quantity
        self.aggressor = aggressor
        self.time = time
    }
}

/// A source of market data in time order: synthetic, or a replay of recorded files.
public protocol MarketFeed {
    /// The contracts this feed quotes.
    var contracts: [ContractSpec] { get }
    /// The next event, or nil when the feed has ended.
    mutating func next() -> MarketEvent?
    /// Replaces `batch`'s rows with the next events; empty when the feed has ended. A default
    /// (by `next()`) is provided; `ReplayFeed` fills quote rows without making events.
    mutating func nextBatch(into batch: inout MarketBatch)
    /// Whether an empty batch means "nothing yet" rather than the end (a live feed never ends).
    var isOpenEnded: Bool { get }
    /// The live connections behind the feed, per venue; empty for recorded and synthetic feeds.
    func feedHealth(at now: Timestamp) -> [FeedHealth]
}

extension MarketFeed {
    /// Recorded and synthetic feeds end when their data does.
    public var isOpenEnded: Bool { false }
    /// Recorded and synthetic feeds have no connection to report on.
    public func feedHealth(at now: Timestamp) -> [FeedHealth] { [] }
}
