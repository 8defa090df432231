import HedgeCore

/// What a recorded message carries, so a subscription names it by the venue's channel rather than
/// by the recorder's exact stream name (`btcusdt@depth@100ms` is served from `@depth@0ms`).
public enum TapeChannel: String, Sendable, Hashable {
    case bookTicker, depth, trade, markPrice, ticker, other
}

/// A book change as the venue numbered it: Binance's `U`/`u`/`pu`, Bybit's `u`/`seq`.
public struct DepthChange: Sendable {
    public var first: Int64
    public var last: Int64
    /// Binance futures' `pu`; Bybit's `seq`.
    public var previous: Int64?
    public var bids: [DepthLevel]
    public var asks: [DepthLevel]
    /// Bybit: a snapshot replaces the book; Binance depth messages are always changes.
    public var replacesBook: Bool
}

/// One price level, kept as the venue printed it so a snapshot built from the book reads exactly
/// like the venue's own (`"61800.20"`, not `"61800.2"`).
public struct DepthLevel: Sendable, Hashable {
    public var price: String
    public var quantity: String
}

/// One recorded message, ready to send.
public struct TapeMessage: Sendable {
    /// The recorder's receive time, ns: what pacing follows.
    public var time: Int64
    /// The venue's event time in ms (E, or Bybit's ts), for synthesized companions.
    public var eventTime: Int64
    /// Upper-case symbol ("BTCUSDT", "BTCUSD_PERP").
    public var symbol: String
    public var channel: TapeChannel
    /// The stream or topic name as recorded ("btcusdt@depth@0ms", "orderbook.200.BTCUSDT").
    public var topic: String
    /// Binance: the `data` object's text; Bybit: the whole message's text.
    public var payload: String
    /// For depth messages: the change, so the exchange's own book follows the stream.
    public var depth: DepthChange? = nil
    /// Bybit tickers: the fields this message sets (a delta sets only what changed), so a
    /// snapshot can be built for a client subscribing later.
    public var tickerFields: [String: String]? = nil
}

/// A REST depth snapshot as recorded (Binance's line without a "stream" key).
public struct TapeSnapshot: Sendable {
    /// The recorder's receive time, ns.
    public var time: Int64
    /// Index of the first tape message received after it (set by the tape).
    public var position = 0
    public var symbol: String
    public var lastUpdateId: Int64
    public var eventTime: Int64?
    public var transactionTime: Int64?
    public var bids: [DepthLevel]
    public var asks: [DepthLevel]
}

/// One venue's recording held in memory in the order it was received: what every connection of
/// that venue plays from. Immutable once loaded, so connections read it without locks.
public final class Tape: Sendable {
    public let venue: ExchangeVenue
    public let messages: [TapeMessage]
    public let snapshots: [TapeSnapshot]
    /// The files it came from, for the start line and the log.
    public let sources: [String]
    /// Facts the operator must know (a synthesized stream, a renamed one).
    public let notes: [String]

    public init(venue: ExchangeVenue, messages: [TapeMessage], snapshots: [TapeSnapshot], sources: [String], notes: [String]) {
        self.venue = venue
        self.messages = messages
        var placed = snapshots.sorted { $0.time < $1.time }
        for index in placed.indices {
            var low = 0, high = messages.count
            while low < high {
                let middle = (low + high) / 2
                if messages[middle].time <= placed[index].time { low = middle + 1 } else { high = middle }
            }
            placed[index].position = low
        }
        self.snapshots = placed
        self.sources = sources
        self.notes = notes
        self.symbols = Set(messages.map(\.symbol))
    }

    public var firstTime: Int64? { messages.first?.time }

    /// The symbols the tape has messages for.
    public let symbols: Set<String>

    /// The index of the first message received after `time` (ns): where a clock at `time` stands.
    public func position(after time: Int64) -> Int {
        var low = 0, high = messages.count
        while low < high {
            let middle = (low + high) / 2
            if messages[middle].time <= time { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
