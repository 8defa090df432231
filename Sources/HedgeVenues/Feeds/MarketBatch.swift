import HedgeCore

/// A run of market events in feed order, for a consumer that takes many at a time (the engine).
///
/// Quotes, nearly all of a replay, are plain rows (an instrument number and a `Quote`): filling,
/// copying and reading one costs a few stores, where a `MarketEvent` (an enum holding strings and
/// arrays) is copied and destroyed through value witnesses at every step. Other events keep their
/// `MarketEvent` in `others`, and their row points at it.
public struct MarketBatch {
    /// One event: a quote, or a pointer into `others`.
    public struct Row: Sendable {
        /// The instrument's number in `instruments`.
        public var instrument: Int
        /// The quote; for other events only its `time` is meaningful (the event's time).
        public var quote: Quote
        /// The event's index in `others`, or -1 for a quote.
        public var other: Int

        @inlinable public var time: Timestamp { quote.time }
        @inlinable public var isQuote: Bool { other < 0 }
    }

    /// The instruments rows refer to, by number. It only grows, so a number stays valid across
    /// refills of the same batch.
    public private(set) var instruments: [InstrumentID]
    public private(set) var rows: [Row] = []
    public private(set) var others: [MarketEvent] = []

    public init(instruments: [InstrumentID] = []) {
        self.instruments = instruments
    }

    /// How many rows a feed puts in a batch: enough to spread the per-batch work thin, few enough
    /// to stay in the cache.
    static let preferredCount = 256

    public var count: Int { rows.count }
    public var isEmpty: Bool { rows.isEmpty }

    /// Empties the batch, keeping its storage and its instrument numbers.
    public mutating func removeAll() {
        rows.removeAll(keepingCapacity: true)
        if !others.isEmpty { others.removeAll(keepingCapacity: true) }
    }

    /// The number of `id` in `instruments`, added when new.
    public mutating func number(of id: InstrumentID) -> Int {
        if let index = instruments.firstIndex(of: id) { return index }
        instruments.append(id)
        return instruments.count - 1
    }

    /// Whether the instruments numbered first are `ids`, in order (cheap when they share storage).
    func startsWith(_ ids: [InstrumentID]) -> Bool {
        instruments.count >= ids.count && (instruments.count == ids.count ? instruments == ids : Array(instruments.prefix(ids.count)) == ids)
    }

    /// Appends a quote of the instrument numbered `instrument`.
    mutating func appendQuote(_ quote: Quote, instrument: Int) {
        rows.append(Row(instrument: instrument, quote: quote, other: -1))
    }

    /// Appends any event.
    public mutating func append(_ event: MarketEvent) {
        let instrument = number(of: event.instrument)
        if case .quote(_, let quote) = event {
            appendQuote(quote, instrument: instrument)
            return
        }
        var row = Row(instrument: instrument, quote: Self.timeOnly, other: others.count)
        row.quote.time = event.time
        rows.append(row)
        others.append(event)
    }

    /// Appends row `index` of `batch`, whose instrument numbers may differ from this one's.
    mutating func append(row index: Int, of batch: MarketBatch) {
        var row = batch.rows[index]
        if !row.isQuote {
            append(batch.others[row.other])
            return
        }
        if instruments.count != batch.instruments.count || instruments[row.instrument] != batch.instruments[row.instrument] {
            row.instrument = number(of: batch.instruments[row.instrument])
        }
        rows.append(row)
    }

    /// Removes the last row (an event refused after it was decoded).
    mutating func removeLast() {
        let row = rows.removeLast()
        if !row.isQuote { others.removeLast() }
    }

    /// Row `index` as a `MarketEvent`.
    public func event(at index: Int) -> MarketEvent {
        let row = rows[index]
        return row.isQuote ? .quote(instruments[row.instrument], row.quote) : others[row.other]
    }

    /// Swaps contents with `other` (cheap: the arrays are exchanged, not copied).
    mutating func swapContents(with other: inout MarketBatch) {
        swap(&self, &other)
    }

    private static let timeOnly = Quote(bid: .zero, bidSize: .zero, ask: .zero, askSize: .zero, time: .zero)
}

extension MarketFeed {
    /// Replaces `batch`'s rows with the feed's next events, up to `MarketBatch.preferredCount`;
    /// leaves it empty at the end. Feeds with a faster path (`ReplayFeed`) provide their own.
    public mutating func nextBatch(into batch: inout MarketBatch) {
        batch.removeAll()
        while batch.count < MarketBatch.preferredCount, let event = next() { batch.append(event) }
    }
}
