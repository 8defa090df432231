import HedgeCore

/// One instrument's book as the simulated venue sees it: the levels of the last depth update, or
/// only the top when the feed sends quotes. Liquidity that our orders take stays taken until the
/// market data next updates that level.
public struct SimulatedBook: Sendable, Hashable {
    /// Bids, best (highest) first.
    public private(set) var bids: [BookLevel] = []
    /// Asks, best (lowest) first.
    public private(set) var asks: [BookLevel] = []
    /// Whether levels below the top are known (the feed sent depth).
    private(set) var hasDepth = false
    public private(set) var time: Timestamp = .zero

    public init() {}

    /// Both sides present.
    var isTwoSided: Bool { !bids.isEmpty && !asks.isEmpty }

    /// The top of book (sizes net of what our orders took).
    public var top: Quote? {
        guard let bid = bids.first, let ask = asks.first else { return nil }
        return Quote(bid: bid.price, bidSize: bid.quantity, ask: ask.price, askSize: ask.quantity, time: time)
    }

    public var mid: FixedDecimal? { top?.mid }

    /// A new top of book. With depth known, the deeper levels behind the new top stay.
    public mutating func apply(_ quote: Quote) {
        let bid = BookLevel(price: quote.bid, quantity: quote.bidSize)
        let ask = BookLevel(price: quote.ask, quantity: quote.askSize)
        if hasDepth {
            bids = [bid] + bids.filter { $0.price < quote.bid }
            asks = [ask] + asks.filter { $0.price > quote.ask }
        } else if bids.count == 1 && asks.count == 1 {
            // In place: a new top per quote allocates nothing.
            bids[0] = bid
            asks[0] = ask
        } else {
            bids = [bid]
            asks = [ask]
        }
        time = quote.time
    }

    /// A depth update replaces every level.
    public mutating func apply(_ depth: BookDepth) {
        bids = depth.bids.filter { $0.quantity.isPositive }
        asks = depth.asks.filter { $0.quantity.isPositive }
        hasDepth = true
        time = depth.time
    }

    /// Takes up to `quantity` from the side a taker of `side` consumes, best level first, no worse
    /// than `limit`. With only the top known, what the top cannot fill fills one tick worse
    /// (NautilusTrader's model). Returns the slices taken; the book keeps what is left.
    public mutating func take(_ side: Side, quantity: FixedDecimal, limit: FixedDecimal?, tick: FixedDecimal) -> [BookLevel] {
        var slices: [BookLevel] = []
        var remaining = quantity
        var levels = side == .buy ? asks : bids
        func acceptable(_ price: FixedDecimal) -> Bool {
            guard let limit else { return true }
            return side == .buy ? price <= limit : price >= limit
        }
        var index = 0
        while remaining.isPositive && index < levels.count {
            let level = levels[index]
            guard acceptable(level.price) else { break }
            let taken = min(level.quantity, remaining)
            if taken.isPositive {
                slices.append(BookLevel(price: level.price, quantity: taken))
                levels[index].quantity = (try? level.quantity - taken) ?? .zero
                remaining = (try? remaining - taken) ?? .zero
            }
            index += 1
        }
        if remaining.isPositive && !hasDepth, let best = levels.first {
            // Top of book only: the rest one tick beyond the displayed level.
            let worse = (try? (side == .buy ? best.price + tick : best.price - tick)) ?? best.price
            if worse.isPositive && acceptable(worse) {
                slices.append(BookLevel(price: worse, quantity: remaining))
            }
        }
        if side == .buy { asks = levels } else { bids = levels }
        return slices
    }

    /// Quantity available to a taker of `side` at prices no worse than `limit` (before one-tick-worse).
    public func available(_ side: Side, limit: FixedDecimal) -> FixedDecimal {
        let levels = side == .buy ? asks : bids
        var total = FixedDecimal.zero
        for level in levels where side == .buy ? level.price <= limit : level.price >= limit {
            total = (try? total + level.quantity) ?? total
        }
        return total
    }
}
