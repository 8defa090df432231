import HedgeCore

/// The simulated venue as the engine's `Venue`.
extension SimulatedVenue: Venue {
    /// Everything the engine does with a venue for market data other than a quote, in one
    /// in-place call: `onMarket`, whether the strategies must not see it, the latency drawn for it
    /// (none when withheld), and whether a position moved.
    ///
    /// A mark stamped with the time of its instrument's book is part of that book's message (as
    /// Bybit's tickers carry bid, ask and mark together): it reaches the strategies with the book
    /// (no latency of its own, so never after or between), and a screen never shows one without
    /// the other. Its latency is still drawn, so the draws that follow are the same.
    public mutating func receiveMarket(_ event: MarketEvent) -> MarketDataReceipt {
        let revision = positionRevision
        let reports = onMarket(event)
        let withheld = withholdsFromStrategy(event)
        var latency = withheld ? 0 : nextMarketDataLatencyNanoseconds()
        if case .mark(let id, _, let time) = event, books[id]?.time == time { latency = 0 }
        return (reports, withheld, latency, positionRevision != revision)
    }

    /// Live, except during an injected outage (down); its last message is its latest quote.
    public func health(at time: Timestamp) -> VenueHealth {
        var last: Timestamp?
        for index in books.keys.indices {
            let quoted = books[index: index].time
            if quoted != .zero, last.map({ $0 < quoted }) ?? true { last = quoted }
        }
        return VenueHealth(state: isDown(at: time) ? .down : .live, lastMessageAt: last)
    }

    /// When an injected outage starts or ends.
    public func nextHealthChange(after time: Timestamp) -> Timestamp? { faultState.nextOutageEdge(after: time) }
}
