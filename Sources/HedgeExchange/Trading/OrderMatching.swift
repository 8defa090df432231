import HedgeCore

/// One price level of the recorded book, read as exact decimals.
struct PriceLevel: Sendable, Hashable {
    var price: FixedDecimal
    var quantity: FixedDecimal
}

/// A fill of an order: quantity at a price, as taker or maker.
struct OrderFill: Sendable, Hashable {
    var price: FixedDecimal
    var quantity: FixedDecimal
    var isMaker: Bool
}

/// How an incoming order takes liquidity from the recorded book: level by level from the best,
/// at each level's price, no further than its limit. The recorded book is not depleted by our
/// fills (the tape is what it is), so two orders in a row can take the same level.
enum OrderMatching {
    /// The taker fills of `quantity` on `side` against the opposite side's `levels` (best first),
    /// stopping at `limit` (nil: a market order walks the whole side).
    static func take(_ side: OrderSide, quantity: FixedDecimal, limit: FixedDecimal?, levels: [PriceLevel]) -> [OrderFill] {
        var left = quantity
        var fills: [OrderFill] = []
        for level in levels where left.isPositive {
            if let limit, side == .buy ? level.price > limit : level.price < limit { break }
            let taken = min(left, level.quantity)
            guard taken.isPositive else { continue }
            fills.append(OrderFill(price: level.price, quantity: taken, isMaker: false))
            left = FixedDecimal(units: left.units - taken.units)
        }
        return fills
    }

    /// Whether an order at `price` on `side` would take liquidity now (the best opposite level
    /// is at or through its price).
    static func wouldTake(_ side: OrderSide, price: FixedDecimal, levels: [PriceLevel]) -> Bool {
        guard let best = levels.first else { return false }
        return side == .buy ? best.price <= price : best.price >= price
    }

    /// `DepthBook` levels as decimals, the unreadable ones left out.
    static func levels(_ printed: [DepthLevel]) -> [PriceLevel] {
        printed.compactMap { level in
            guard let price = FixedDecimal(level.price), let quantity = FixedDecimal(level.quantity) else { return nil }
            return PriceLevel(price: price, quantity: quantity)
        }
    }
}
