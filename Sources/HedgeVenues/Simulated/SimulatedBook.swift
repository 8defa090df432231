import HedgeCore

/// One instrument's book as the simulated venue sees it: every level the feed gives (a full
/// `.depth`, then the level changes of each `.bookUpdate`), bounded by `maxLevels` a side, or only
/// the top when the feed sends quotes alone. Liquidity that our orders take stays taken until the
/// market data next sets that level.
///
/// Ticker tops and depth are merged by venue time, so a fill never uses a level newer data no
/// longer shows: a ticker top newer than the depth removes the levels better than it; a depth
/// change older than the newest ticker top cannot bring back a level at or through it.
///
/// Each side is a `BookSide` of scaled prices (asks negated) with the best level last, as in the
/// decoders' `L2Book`: a change moves at most one block of levels, and a quote allocates nothing.
public struct SimulatedBook: Sendable, Hashable {
    private var bids = BookSide()
    private var asks = BookSide()
    /// Whether levels below the top are known (the feed sent depth).
    private(set) var hasDepth = false
    public private(set) var time: Timestamp = .zero
    /// Levels kept a side at most; deeper ones are dropped (`ReplayOptions.maxBookLevels`).
    public var maxLevels: Int
    /// Per side, the key of the best level the bound dropped: nothing at or beyond it is known
    /// until the next full book (`Int64.min`: nothing dropped).
    private var bidFloor = Int64.min
    private var askFloor = Int64.min
    /// Venue time (ns) of the newest depth applied, and of the newest ticker top with its keys.
    private var depthTime = Int64.min
    private var tickerTime = Int64.min
    private var tickerBidKey = Int64.max
    private var tickerAskKey = Int64.max
    private var tickerBidSize: Int64 = 0
    private var tickerAskSize: Int64 = 0
    /// Levels the bound has dropped so far.
    public private(set) var droppedLevels = 0

    /// Levels kept a side unless configured otherwise: far beyond any feed's book (Binance sends
    /// at most 5,000 levels in a snapshot), a few megabytes at most.
    public static let defaultMaxLevels = 100_000

    public init(maxLevels: Int = SimulatedBook.defaultMaxLevels) {
        self.maxLevels = max(1, maxLevels)
    }

    /// Both sides present.
    var isTwoSided: Bool { !bids.isEmpty && !asks.isEmpty }

    /// The levels kept on one side, best first (inspection and tests).
    public func levels(_ side: Side) -> [BookLevel] {
        let sign: Int64 = side == .buy ? 1 : -1
        var levels: [BookLevel] = []
        (side == .buy ? bids : asks).forEachFromBest { key, size in
            levels.append(BookLevel(price: FixedDecimal(units: sign * key), quantity: FixedDecimal(units: size)))
            return true
        }
        return levels
    }

    /// The top of book (sizes net of what our orders took).
    public var top: Quote? {
        guard let bid = bids.best, let ask = asks.best else { return nil }
        return Quote(bid: FixedDecimal(units: bid.key), bidSize: FixedDecimal(units: bid.size),
                     ask: FixedDecimal(units: -ask.key), askSize: FixedDecimal(units: ask.size), time: time)
    }

    public var mid: FixedDecimal? { top?.mid }

    // MARK: - Market data

    /// A new top of book. With depth known, a top newer than the depth (and than the last top)
    /// removes the levels better than it and sets its own; an older one adds nothing the depth
    /// does not show (a top the decoder derived from the depth has the depth's own time).
    public mutating func apply(_ quote: Quote) {
        let now = quote.time.nanoseconds
        if now > time.nanoseconds { time = quote.time }
        guard hasDepth else {
            // In place: a new top per quote allocates nothing.
            bids.replaceAll(key: quote.bid.units, size: quote.bidSize.units)
            asks.replaceAll(key: -quote.ask.units, size: quote.askSize.units)
            return
        }
        guard now > depthTime, now >= tickerTime else { return }
        tickerTime = now
        tickerBidKey = quote.bid.units
        tickerAskKey = -quote.ask.units
        tickerBidSize = quote.bidSize.units
        tickerAskSize = quote.askSize.units
        Self.setTop(key: tickerBidKey, size: quote.bidSize.units, side: &bids)
        Self.setTop(key: tickerAskKey, size: quote.askSize.units, side: &asks)
    }

    /// A whole book (a snapshot, or a resync): replaces every level, keeping the best
    /// `maxLevels` a side. Levels at or through a newer ticker top are left out.
    public mutating func apply(_ depth: BookDepth) {
        hasDepth = true
        bidFloor = .min
        askFloor = .min
        Self.fill(&bids, with: depth.bids, sign: 1)
        Self.fill(&asks, with: depth.asks, sign: -1)
        Self.trim(&bids, floor: &bidFloor, to: maxLevels, dropped: &droppedLevels)
        Self.trim(&asks, floor: &askFloor, to: maxLevels, dropped: &droppedLevels)
        let now = depth.time.nanoseconds
        if now < tickerTime {
            // Older than the newest ticker top: that top stands, and nothing through it.
            Self.setTop(key: tickerBidKey, size: tickerBidSize, side: &bids)
            Self.setTop(key: tickerAskKey, size: tickerAskSize, side: &asks)
        }
        depthTime = max(depthTime, now)
        if now > time.nanoseconds { time = depth.time }
    }

    /// The level changes of one depth update. Ignored until a whole book has come (a change
    /// means nothing without the levels it changes).
    public mutating func apply(_ update: BookUpdate) {
        guard hasDepth else { return }
        let now = update.time.nanoseconds
        // Older than the newest ticker top: nothing at or through that top.
        let bidLimit = now < tickerTime ? tickerBidKey : .max
        let askLimit = now < tickerTime ? tickerAskKey : .max
        for level in update.bids {
            let key = level.price.units
            guard key < bidLimit else { continue }
            Self.set(key: key, size: level.quantity.units, side: &bids, floor: &bidFloor, maxLevels: maxLevels, dropped: &droppedLevels)
        }
        for level in update.asks {
            let key = -level.price.units
            guard key < askLimit else { continue }
            Self.set(key: key, size: level.quantity.units, side: &asks, floor: &askFloor, maxLevels: maxLevels, dropped: &droppedLevels)
        }
        depthTime = max(depthTime, now)
        if now > time.nanoseconds { time = update.time }
    }

    // MARK: - Taking liquidity

    /// A slice of an order's fill: its price, quantity and what the book knew to price it.
    struct Slice: Hashable {
        var price: FixedDecimal
        var quantity: FixedDecimal
        var knowledge: FillBookKnowledge
    }

    /// Takes up to `quantity` from the side a taker of `side` consumes, best level first, no worse
    /// than `limit`. With only the top known, what the top cannot fill fills one tick worse
    /// (NautilusTrader's model); so does what a market order needs beyond the deepest level kept
    /// when the bound dropped deeper ones. Returns the slices taken; the book keeps what is left.
    mutating func take(_ side: Side, quantity: FixedDecimal, limit: FixedDecimal?, tick: FixedDecimal) -> [Slice] {
        if side == .buy {
            return Self.take(quantity: quantity.units, limit: limit.map { -$0.units }, tick: tick.units, sign: -1,
                             side: &asks, hasDepth: hasDepth, cut: askFloor != .min)
        }
        return Self.take(quantity: quantity.units, limit: limit?.units, tick: tick.units, sign: 1,
                         side: &bids, hasDepth: hasDepth, cut: bidFloor != .min)
    }

    /// Quantity available to a taker of `side` at prices no worse than `limit` (before one-tick-worse).
    public func available(_ side: Side, limit: FixedDecimal) -> FixedDecimal {
        let bound = side == .buy ? -limit.units : limit.units
        var total: Int64 = 0
        (side == .buy ? asks : bids).forEachFromBest { key, size in
            guard key >= bound else { return false }
            total &+= size
            return true
        }
        return FixedDecimal(units: total)
    }

    // MARK: - Levels

    /// `side` ascending with the best level last; `limit` in the same keys (a taker accepts keys
    /// at or above it); `sign` turns a key back into a price.
    private static func take(quantity: Int64, limit: Int64?, tick: Int64, sign: Int64,
                             side: inout BookSide, hasDepth: Bool, cut: Bool) -> [Slice] {
        var slices: [Slice] = []
        var remaining = quantity
        let knowledge: FillBookKnowledge = hasDepth ? .depth : .topOnly
        var walkedPast = true
        side.updateFromBest { key, size in
            guard remaining > 0 else {
                walkedPast = false
                return false
            }
            if let limit, key < limit {
                walkedPast = false
                return false
            }
            let taken = min(size, remaining)
            if taken > 0 {
                slices.append(Slice(price: FixedDecimal(units: sign * key), quantity: FixedDecimal(units: taken), knowledge: knowledge))
                size -= taken
                remaining -= taken
            }
            return true
        }
        // Top only: the rest one tick beyond the displayed level. Past the kept depth of a book
        // the bound cut (market orders only): the rest one tick beyond the deepest kept level.
        let beyond: (key: Int64, knowledge: FillBookKnowledge)? =
            !hasDepth ? side.best.map { ($0.key, .topOnly) }
            : (cut && limit == nil && walkedPast) ? side.worst.map { ($0.key, .beyondKeptDepth) } : nil
        if remaining > 0, let beyond {
            let worseKey = beyond.key &- tick
            if sign &* worseKey > 0, limit.map({ worseKey >= $0 }) ?? true {
                slices.append(Slice(price: FixedDecimal(units: sign * worseKey), quantity: FixedDecimal(units: remaining), knowledge: beyond.knowledge))
            }
        }
        return slices
    }

    /// Sets the size at `key` (0 removes the level), keeping at most `maxLevels`: a level beyond
    /// what the bound dropped is unknown territory and ignored.
    private static func set(key: Int64, size: Int64, side: inout BookSide, floor: inout Int64,
                            maxLevels: Int, dropped: inout Int) {
        if key <= floor { return }
        if side.set(key: key, size: size), side.count > maxLevels {
            trim(&side, floor: &floor, to: maxLevels, dropped: &dropped)
        }
    }

    /// Drops the worst levels beyond `count`, remembering where knowledge ends.
    private static func trim(_ side: inout BookSide, floor: inout Int64, to count: Int, dropped: inout Int) {
        let excess = side.count - count
        guard excess > 0 else { return }
        if let highest = side.removeWorst(excess) { floor = max(floor, highest) }
        dropped += excess
    }

    /// A whole side from a depth message's levels, best first; zero sizes are left out, and
    /// levels out of order or repeated (a hand-made depth) are put in order.
    private static func fill(_ side: inout BookSide, with levels: [BookLevel], sign: Int64) {
        side.removeAll()
        var previous = Int64.min
        var ascending = true
        for level in levels.reversed() where level.quantity.isPositive {
            let key = sign * level.price.units
            guard ascending && key > previous else {
                ascending = false
                side.set(key: key, size: level.quantity.units)
                continue
            }
            side.append(key: key, size: level.quantity.units)
            previous = key
        }
    }

    /// A ticker top on a book with depth: the levels better than it are gone, its own size is set.
    private static func setTop(key: Int64, size: Int64, side: inout BookSide) {
        while let best = side.best, best.key > key { side.removeBest() }
        side.set(key: key, size: size, keepingZero: true)
    }
}
