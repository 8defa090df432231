import HedgeCore

/// A price-level book of one instrument, rebuilt from a snapshot and incremental updates.
///
/// Each side keeps its levels in one sorted array with the best level last, so the frequent
/// changes near the top move few elements. Asks are stored with negated prices so both sides
/// share one ascending order.
public struct L2Book: Sendable, Hashable {
    /// Scaled prices (asks negated), ascending: the best level is last.
    private var bidKeys: [Int64] = []
    private var bidSizes: [Int64] = []
    private var askKeys: [Int64] = []
    private var askSizes: [Int64] = []

    public init() {}

    public var isEmpty: Bool { bidKeys.isEmpty && askKeys.isEmpty }
    var levelCount: (bids: Int, asks: Int) { (bidKeys.count, askKeys.count) }

    public mutating func removeAll() {
        bidKeys.removeAll(keepingCapacity: true); bidSizes.removeAll(keepingCapacity: true)
        askKeys.removeAll(keepingCapacity: true); askSizes.removeAll(keepingCapacity: true)
    }

    /// Sets the quantity resting at `price`; a zero quantity removes the level.
    public mutating func set(_ side: Side, price: FixedDecimal, quantity: FixedDecimal) {
        if side == .buy {
            Self.set(key: price.units, size: quantity.units, keys: &bidKeys, sizes: &bidSizes)
        } else {
            Self.set(key: -price.units, size: quantity.units, keys: &askKeys, sizes: &askSizes)
        }
    }

    private static func set(key: Int64, size: Int64, keys: inout [Int64], sizes: inout [Int64]) {
        let low = slot(of: key, in: keys)
        if low < keys.count && keys[low] == key {
            if size == 0 { keys.remove(at: low); sizes.remove(at: low) } else { sizes[low] = size }
        } else if size != 0 {
            keys.insert(key, at: low)
            sizes.insert(size, at: low)
        }
    }

    /// The index of the first key >= `key` in ascending `keys` (a binary search). Most changes
    /// touch the top, so the last slot is checked first.
    @inline(__always)
    static func slot(of key: Int64, in keys: [Int64]) -> Int {
        if let last = keys.last, key > last { return keys.count }
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The best bid and ask, or nil when a side is empty.
    public func top(time: Timestamp) -> Quote? {
        guard let bid = bidKeys.last, let ask = askKeys.last else { return nil }
        return Quote(bid: FixedDecimal(units: bid), bidSize: FixedDecimal(units: bidSizes[bidSizes.count - 1]),
                     ask: FixedDecimal(units: -ask), askSize: FixedDecimal(units: askSizes[askSizes.count - 1]),
                     time: time)
    }

    /// The best `levels` levels of each side, best first.
    public func depth(levels: Int, time: Timestamp) -> BookDepth {
        var bids: [BookLevel] = []
        var asks: [BookLevel] = []
        bids.reserveCapacity(Swift.min(levels, bidKeys.count))
        asks.reserveCapacity(Swift.min(levels, askKeys.count))
        var index = bidKeys.count - 1
        while index >= 0 && bids.count < levels {
            bids.append(BookLevel(price: FixedDecimal(units: bidKeys[index]), quantity: FixedDecimal(units: bidSizes[index])))
            index -= 1
        }
        index = askKeys.count - 1
        while index >= 0 && asks.count < levels {
            asks.append(BookLevel(price: FixedDecimal(units: -askKeys[index]), quantity: FixedDecimal(units: askSizes[index])))
            index -= 1
        }
        return BookDepth(bids: bids, asks: asks, time: time)
    }
}
