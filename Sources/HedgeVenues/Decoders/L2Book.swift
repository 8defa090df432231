import HedgeCore

/// A price-level book of one instrument, rebuilt from a snapshot and incremental updates.
///
/// Each side is a `BookSide` with the best level last; asks are stored with negated prices so
/// both sides share one ascending order.
public struct L2Book: Sendable, Hashable {
    private var bids = BookSide()
    private var asks = BookSide()

    public init() {}

    public var isEmpty: Bool { bids.isEmpty && asks.isEmpty }
    var levelCount: (bids: Int, asks: Int) { (bids.count, asks.count) }

    public mutating func removeAll() {
        bids.removeAll()
        asks.removeAll()
    }

    /// Sets the quantity resting at `price`; a zero quantity removes the level.
    public mutating func set(_ side: Side, price: FixedDecimal, quantity: FixedDecimal) {
        if side == .buy {
            bids.set(key: price.units, size: quantity.units)
        } else {
            asks.set(key: -price.units, size: quantity.units)
        }
    }

    /// The best bid and ask, or nil when a side is empty.
    public func top(time: Timestamp) -> Quote? {
        guard let bid = bids.best, let ask = asks.best else { return nil }
        return Quote(bid: FixedDecimal(units: bid.key), bidSize: FixedDecimal(units: bid.size),
                     ask: FixedDecimal(units: -ask.key), askSize: FixedDecimal(units: ask.size),
                     time: time)
    }

    /// The best `levels` levels of each side, best first.
    public func depth(levels: Int, time: Timestamp) -> BookDepth {
        var bidLevels: [BookLevel] = []
        var askLevels: [BookLevel] = []
        bidLevels.reserveCapacity(Swift.min(levels, bids.count))
        askLevels.reserveCapacity(Swift.min(levels, asks.count))
        bids.forEachFromBest { key, size in
            guard bidLevels.count < levels else { return false }
            bidLevels.append(BookLevel(price: FixedDecimal(units: key), quantity: FixedDecimal(units: size)))
            return true
        }
        asks.forEachFromBest { key, size in
            guard askLevels.count < levels else { return false }
            askLevels.append(BookLevel(price: FixedDecimal(units: -key), quantity: FixedDecimal(units: size)))
            return true
        }
        return BookDepth(bids: bidLevels, asks: askLevels, time: time)
    }
}
