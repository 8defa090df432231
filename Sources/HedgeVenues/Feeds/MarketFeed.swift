import HedgeCore

/// One piece of market data, stamped with the venue's time.
public enum MarketEvent: Sendable, Hashable {
    case quote(InstrumentID, Quote)
    /// The venue's mark price.
    case mark(InstrumentID, FixedDecimal, time: Timestamp)

    public var time: Timestamp {
        switch self {
        case .quote(_, let quote): quote.time
        case .mark(_, _, let time): time
        }
    }
}

/// A source of market data in time order: synthetic, or a replay of recorded files.
public protocol MarketFeed {
    /// The contracts this feed quotes.
    var contracts: [ContractSpec] { get }
    /// The next event, or nil when the feed has ended.
    mutating func next() -> MarketEvent?
}
