import HedgeCore

/// The simulated venue as the engine's `Venue`.
extension SimulatedVenue: Venue {
    /// Everything the engine does with a venue for market data other than a quote, in one
    /// in-place call: `onMarket`, whether the strategies must not see it, the latency drawn for it
    /// (none when withheld), and whether a position moved.
    public mutating func receiveMarket(_ event: MarketEvent) -> MarketDataReceipt {
        let revision = positionRevision
        let reports = onMarket(event)
        let withheld = withholdsFromStrategy(event)
        let latency = withheld ? 0 : nextMarketDataLatencyNanoseconds()
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
}
