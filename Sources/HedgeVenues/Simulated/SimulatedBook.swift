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
/// Each side is one sorted array of scaled prices (asks negated) with the best level last, as in
/// the decoders' `L2Book`, so the frequent changes near the top move few elements and a quote
/// allocates nothing.
public struct SimulatedBook: Sendable, Hashable {
    private var bidKeys: [Int64] = []
    private var bidSizes: [Int64] = []
    private var askKeys: [Int64] = []
    private var askSizes: [Int64] = []
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
    var isTwoSided: Bool { !bidKeys.isEmpty && !askKeys.isEmpty }

    /// The levels kept on one side, best first (inspection and tests).
    public func levels(_ side: Side) -> [BookLevel] {
        let keys = side == .buy ? bidKeys : askKeys
        let sizes = side == .buy ? bidSizes : askSizes
        let sign: Int64 = side == .buy ? 1 : -1
        return keys.indices.reversed().map { BookLevel(price: FixedDecimal(units: sign * keys[$0]), quantity: FixedDecimal(units: sizes[$0])) }
    }

    /// The top of book (sizes net of what our orders took).
    public var top: Quote? {
        guard let bid = bidKeys.last, let ask = askKeys.last else { return nil }
        return Quote(bid: FixedDecimal(units: bid), bidSize: FixedDecimal(units: bidSizes[bidSizes.count - 1]),
                     ask: FixedDecimal(units: -ask), askSize: FixedDecimal(units: askSizes[askSizes.count - 1]), time: time)
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
            Self.replace(with: quote.bid.units, quote.bidSize.units, keys: &bidKeys, sizes: &bidSizes)
            Self.replace(with: -quote.ask.units, quote.askSize.units, keys: &askKeys, sizes: &askSizes)
            return
        }
        guard now > depthTime, now >= tickerTime else { return }
        tickerTime = now
        tickerBidKey = quote.bid.units
        tickerAskKey = -quote.ask.units
        tickerBidSize = quote.bidSize.units
        tickerAskSize = quote.askSize.units
        Self.setTop(key: tickerBidKey, size: quote.bidSize.units, keys: &bidKeys, sizes: &bidSizes)
        Self.setTop(key: tickerAskKey, size: quote.askSize.units, keys: &askKeys, sizes: &askSizes)
    }

    /// A whole book (a snapshot, or a resync): replaces every level, keeping the best
    /// `maxLevels` a side. Levels at or through a newer ticker top are left out.
    public mutating func apply(_ depth: BookDepth) {
        hasDepth = true
        bidFloor = .min
        askFloor = .min
        bidKeys.removeAll(keepingCapacity: true); bidSizes.removeAll(keepingCapacity: true)
        askKeys.removeAll(keepingCapacity: true); askSizes.removeAll(keepingCapacity: true)
        // Best first in `depth`: worst first here.
        for level in depth.bids.reversed() where level.quantity.isPositive {
            bidKeys.append(level.price.units); bidSizes.append(level.quantity.units)
        }
        for level in depth.asks.reversed() where level.quantity.isPositive {
            askKeys.append(-level.price.units); askSizes.append(level.quantity.units)
        }
        if !Self.isAscending(bidKeys) || !Self.isAscending(askKeys) { sortLevels() }
        Self.trim(&bidKeys, &bidSizes, floor: &bidFloor, to: maxLevels, dropped: &droppedLevels)
        Self.trim(&askKeys, &askSizes, floor: &askFloor, to: maxLevels, dropped: &droppedLevels)
        let now = depth.time.nanoseconds
        if now < tickerTime {
            // Older than the newest ticker top: that top stands, and nothing through it.
            Self.setTop(key: tickerBidKey, size: tickerBidSize, keys: &bidKeys, sizes: &bidSizes)
            Self.setTop(key: tickerAskKey, size: tickerAskSize, keys: &askKeys, sizes: &askSizes)
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
            Self.set(key: key, size: level.quantity.units, keys: &bidKeys, sizes: &bidSizes, floor: &bidFloor, maxLevels: maxLevels, dropped: &droppedLevels)
        }
        for level in update.asks {
            let key = -level.price.units
            guard key < askLimit else { continue }
            Self.set(key: key, size: level.quantity.units, keys: &askKeys, sizes: &askSizes, floor: &askFloor, maxLevels: maxLevels, dropped: &droppedLevels)
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
                             keys: askKeys, sizes: &askSizes, hasDepth: hasDepth, cut: askFloor != .min)
        }
        return Self.take(quantity: quantity.units, limit: limit?.units, tick: tick.units, sign: 1,
                         keys: bidKeys, sizes: &bidSizes, hasDepth: hasDepth, cut: bidFloor != .min)
    }

    /// Quantity available to a taker of `side` at prices no worse than `limit` (before one-tick-worse).
    public func available(_ side: Side, limit: FixedDecimal) -> FixedDecimal {
        let keys = side == .buy ? askKeys : bidKeys
        let sizes = side == .buy ? askSizes : bidSizes
        let bound = side == .buy ? -limit.units : limit.units
        var total: Int64 = 0
        var index = keys.count - 1
        while index >= 0 && keys[index] >= bound {
            total &+= sizes[index]
            index -= 1
        }
        return FixedDecimal(units: total)
    }

    // MARK: - Levels

    /// `keys` ascending with the best level last; `limit` in the same keys (a taker accepts keys
    /// at or above it); `sign` turns a key back into a price.
    private static func take(quantity: Int64, limit: Int64?, tick: Int64, sign: Int64,
                             keys: [Int64], sizes: inout [Int64], hasDepth: Bool, cut: Bool) -> [Slice] {
        var slices: [Slice] = []
        var remaining = quantity
        let knowledge: FillBookKnowledge = hasDepth ? .depth : .topOnly
        var index = keys.count - 1
        while remaining > 0 && index >= 0 {
            if let limit, keys[index] < limit { break }
            let taken = min(sizes[index], remaining)
            if taken > 0 {
                slices.append(Slice(price: FixedDecimal(units: sign * keys[index]), quantity: FixedDecimal(units: taken), knowledge: knowledge))
                sizes[index] -= taken
                remaining -= taken
            }
            index -= 1
        }
        // Top only: the rest one tick beyond the displayed level. Past the kept depth of a book
        // the bound cut (market orders only): the rest one tick beyond the deepest kept level.
        let beyond: (key: Int64, knowledge: FillBookKnowledge)? =
            !hasDepth ? keys.last.map { ($0, .topOnly) }
            : (cut && limit == nil && index < 0) ? keys.first.map { ($0, .beyondKeptDepth) } : nil
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
    private static func set(key: Int64, size: Int64, keys: inout [Int64], sizes: inout [Int64], floor: inout Int64,
                            maxLevels: Int, dropped: inout Int) {
        if key <= floor { return }
        let low = L2Book.slot(of: key, in: keys)
        if low < keys.count && keys[low] == key {
            if size == 0 { keys.remove(at: low); sizes.remove(at: low) } else { sizes[low] = size }
        } else if size != 0 {
            keys.insert(key, at: low)
            sizes.insert(size, at: low)
            if keys.count > maxLevels { trim(&keys, &sizes, floor: &floor, to: maxLevels, dropped: &dropped) }
        }
    }

    /// Drops the worst levels beyond `count`, remembering where knowledge ends.
    private static func trim(_ keys: inout [Int64], _ sizes: inout [Int64], floor: inout Int64, to count: Int, dropped: inout Int) {
        let excess = keys.count - count
        guard excess > 0 else { return }
        floor = max(floor, keys[excess - 1])
        keys.removeFirst(excess)
        sizes.removeFirst(excess)
        dropped += excess
    }

    /// Makes `keys` hold one level, in place.
    private static func replace(with key: Int64, _ size: Int64, keys: inout [Int64], sizes: inout [Int64]) {
        if keys.count == 1 {
            keys[0] = key
            sizes[0] = size
        } else {
            keys.removeAll(keepingCapacity: true); sizes.removeAll(keepingCapacity: true)
            keys.append(key); sizes.append(size)
        }
    }

    /// A ticker top on a book with depth: the levels better than it are gone, its own size is set.
    private static func setTop(key: Int64, size: Int64, keys: inout [Int64], sizes: inout [Int64]) {
        while let last = keys.last, last > key { keys.removeLast(); sizes.removeLast() }
        if keys.last == key {
            sizes[sizes.count - 1] = size
        } else {
            keys.append(key)
            sizes.append(size)
        }
    }

    private static func isAscending(_ keys: [Int64]) -> Bool {
        var index = 1
        while index < keys.count { if keys[index - 1] >= keys[index] { return false }; index += 1 }
        return true
    }

    /// Puts levels given out of order (a hand-made depth) in key order.
    private mutating func sortLevels() {
        func sorted(_ keys: [Int64], _ sizes: [Int64]) -> ([Int64], [Int64]) {
            let pairs = zip(keys, sizes).sorted { $0.0 < $1.0 }
            return (pairs.map(\.0), pairs.map(\.1))
        }
        (bidKeys, bidSizes) = sorted(bidKeys, bidSizes)
        (askKeys, askSizes) = sorted(askKeys, askSizes)
    }
}
