/// One side of a price-level book: sizes by key, keys ascending with the best level last (bids
/// keep their prices as keys, asks negate theirs, so both sides share one order).
///
/// Depth streams change levels at every depth of a book a thousand levels deep, so one sorted
/// array moved hundreds of levels per change. Here the levels sit in blocks of at most
/// `blockCapacity`, in key order through `order`: a change moves at most one block's levels, and
/// a full block splits in two. Used by the decoders' `L2Book` and the simulated venue's book.
struct BookSide: Sendable {
    static let blockCapacity = 64

    /// Physical blocks of `blockCapacity` slots each; block `b`'s levels are
    /// `keys[b * blockCapacity ..< b * blockCapacity + counts[b]]`, ascending.
    private var keys: [Int64] = []
    private var sizes: [Int64] = []
    private var counts: [Int] = []
    /// The blocks in key order, and the lowest key of each (for finding a key's block).
    private var order: [Int] = []
    private var lows: [Int64] = []
    /// Physical blocks emptied and free for reuse.
    private var free: [Int] = []
    /// Levels held.
    private(set) var count = 0

    init() {}

    var isEmpty: Bool { count == 0 }

    /// The best level (the highest key).
    var best: (key: Int64, size: Int64)? {
        guard let block = order.last else { return nil }
        let slot = block * Self.blockCapacity + counts[block] - 1
        return (keys[slot], sizes[slot])
    }

    /// The worst level (the lowest key).
    var worst: (key: Int64, size: Int64)? {
        guard let block = order.first else { return nil }
        let slot = block * Self.blockCapacity
        return (keys[slot], sizes[slot])
    }

    mutating func removeAll() {
        keys.removeAll(keepingCapacity: true)
        sizes.removeAll(keepingCapacity: true)
        counts.removeAll(keepingCapacity: true)
        order.removeAll(keepingCapacity: true)
        lows.removeAll(keepingCapacity: true)
        free.removeAll(keepingCapacity: true)
        count = 0
    }

    /// Sets the size at `key`; zero removes the level unless `keepingZero` (a level shown with
    /// nothing left, as a ticker top can be). Returns true when a level was added.
    @discardableResult
    mutating func set(key: Int64, size: Int64, keepingZero: Bool = false) -> Bool {
        let removes = size == 0 && !keepingZero
        guard !order.isEmpty else {
            if !removes { appendBlock(key: key, size: size, at: 0) }
            return !removes
        }
        let position = position(of: key)
        let block = order[position]
        let base = block * Self.blockCapacity
        let n = counts[block]
        // The first slot above `key` (a binary search; the top of the block checked first, since
        // most changes are near the best level).
        var index: Int
        if keys[base + n - 1] <= key {
            index = n
        } else {
            var low = 0
            var high = n - 1
            while low < high {
                let middle = (low + high) / 2
                if keys[base + middle] > key { high = middle } else { low = middle + 1 }
            }
            index = low
        }
        if index > 0 && keys[base + index - 1] == key {
            if removes { remove(position: position, index: index - 1) } else { sizes[base + index - 1] = size }
            return false
        }
        guard !removes else { return false }
        insert(key: key, size: size, position: position, index: index)
        return true
    }

    /// The size at `key`, or nil when no level is there.
    func size(at key: Int64) -> Int64? {
        guard !order.isEmpty else { return nil }
        let block = order[position(of: key)]
        let base = block * Self.blockCapacity
        for index in base..<(base + counts[block]) where keys[index] == key { return sizes[index] }
        return nil
    }

    /// Makes the side hold this one level (a top-only book's new quote): in place, no allocation.
    mutating func replaceAll(key: Int64, size: Int64) {
        if count == 1, let block = order.first {
            keys[block * Self.blockCapacity] = key
            sizes[block * Self.blockCapacity] = size
            lows[0] = key
            return
        }
        removeAll()
        appendBlock(key: key, size: size, at: 0)
    }

    /// Appends a level above every level held (building a side from a sorted snapshot).
    mutating func append(key: Int64, size: Int64) {
        guard let last = order.last else {
            appendBlock(key: key, size: size, at: 0)
            return
        }
        precondition(keys[last * Self.blockCapacity + counts[last] - 1] < key, "levels appended out of order")
        if counts[last] == Self.blockCapacity {
            appendBlock(key: key, size: size, at: order.count)
        } else {
            keys[last * Self.blockCapacity + counts[last]] = key
            sizes[last * Self.blockCapacity + counts[last]] = size
            counts[last] += 1
            count += 1
        }
    }

    /// Removes the best level.
    mutating func removeBest() {
        guard let block = order.last else { return }
        remove(position: order.count - 1, index: counts[block] - 1)
    }

    /// Removes the `excess` worst levels; returns the highest key removed.
    @discardableResult
    mutating func removeWorst(_ excess: Int) -> Int64? {
        var left = min(excess, count)
        var highest: Int64?
        while left > 0, let block = order.first {
            let n = counts[block]
            if n <= left {
                highest = keys[block * Self.blockCapacity + n - 1]
                left -= n
                count -= n
                counts[block] = 0
                free.append(block)
                order.removeFirst()
                lows.removeFirst()
            } else {
                let base = block * Self.blockCapacity
                highest = keys[base + left - 1]
                for index in 0..<(n - left) {
                    keys[base + index] = keys[base + left + index]
                    sizes[base + index] = sizes[base + left + index]
                }
                counts[block] = n - left
                lows[0] = keys[base]
                count -= left
                left = 0
            }
        }
        return highest
    }

    /// Calls `body` with each level from the best down, until it returns false; `body` may change
    /// the size (a taker's fill), never the key.
    mutating func updateFromBest(_ body: (Int64, inout Int64) -> Bool) {
        for slot in slotsFromBest where !body(keys[slot], &sizes[slot]) { return }
    }

    /// Calls `body` with each level from the best down, until it returns false.
    func forEachFromBest(_ body: (Int64, Int64) -> Bool) {
        for slot in slotsFromBest where !body(keys[slot], sizes[slot]) { return }
    }

    /// Where the levels sit in `keys` and `sizes`, from the best down.
    private var slotsFromBest: some Sequence<Int> {
        let counts = self.counts
        return order.reversed().lazy.flatMap { block in
            (block * Self.blockCapacity ..< block * Self.blockCapacity + counts[block]).reversed()
        }
    }

    // MARK: - Blocks

    /// The position in `order` of the block where `key` belongs: the last whose lowest key is at
    /// or below it (the first block for a key below all).
    private func position(of key: Int64) -> Int {
        let last = lows.count - 1
        if key >= lows[last] { return last }
        var low = 0
        var high = last
        // lows[low] <= key < lows[high], or key below all.
        while high - low > 1 {
            let middle = (low + high) / 2
            if lows[middle] <= key { low = middle } else { high = middle }
        }
        return low
    }

    private mutating func newBlock() -> Int {
        if let block = free.popLast() { return block }
        let block = counts.count
        counts.append(0)
        keys.append(contentsOf: repeatElement(0, count: Self.blockCapacity))
        sizes.append(contentsOf: repeatElement(0, count: Self.blockCapacity))
        return block
    }

    private mutating func appendBlock(key: Int64, size: Int64, at position: Int) {
        let block = newBlock()
        keys[block * Self.blockCapacity] = key
        sizes[block * Self.blockCapacity] = size
        counts[block] = 1
        order.insert(block, at: position)
        lows.insert(key, at: position)
        count += 1
    }

    private mutating func insert(key: Int64, size: Int64, position: Int, index: Int) {
        var position = position
        var index = index
        var block = order[position]
        if counts[block] == Self.blockCapacity {
            // Split: the upper half moves to a new block right after this one.
            let half = Self.blockCapacity / 2
            let upper = newBlock()
            let from = block * Self.blockCapacity + half
            let to = upper * Self.blockCapacity
            Self.copy(&keys, from: from, to: to, count: half)
            Self.copy(&sizes, from: from, to: to, count: half)
            counts[block] = half
            counts[upper] = half
            order.insert(upper, at: position + 1)
            lows.insert(keys[to], at: position + 1)
            if index > half {
                position += 1
                index -= half
                block = upper
            }
        }
        let slot = block * Self.blockCapacity + index
        let moved = counts[block] - index
        Self.shift(&keys, from: slot, count: moved, by: 1)
        Self.shift(&sizes, from: slot, count: moved, by: 1)
        keys[slot] = key
        sizes[slot] = size
        counts[block] += 1
        if index == 0 { lows[position] = key }
        count += 1
    }

    /// Moves `count` elements starting at `from` by `offset` slots, in one call (element by
    /// element, each write to the array checked its uniqueness again).
    @inline(__always)
    private static func shift(_ array: inout [Int64], from: Int, count: Int, by offset: Int) {
        guard count > 0 else { return }
        array.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            (base + from + offset).update(from: base + from, count: count)
        }
    }

    @inline(__always)
    private static func copy(_ array: inout [Int64], from: Int, to: Int, count: Int) {
        array.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            (base + to).update(from: base + from, count: count)
        }
    }

    private mutating func remove(position: Int, index: Int) {
        let block = order[position]
        let base = block * Self.blockCapacity
        let n = counts[block]
        count -= 1
        if n == 1 {
            counts[block] = 0
            free.append(block)
            order.remove(at: position)
            lows.remove(at: position)
            return
        }
        Self.shift(&keys, from: base + index + 1, count: n - index - 1, by: -1)
        Self.shift(&sizes, from: base + index + 1, count: n - index - 1, by: -1)
        counts[block] = n - 1
        if index == 0 { lows[position] = keys[base] }
    }
}

extension BookSide: Hashable {
    /// Equal when they hold the same levels, however the blocks fall.
    static func == (lhs: BookSide, rhs: BookSide) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var left: [(Int64, Int64)] = []
        left.reserveCapacity(lhs.count)
        lhs.forEachFromBest { left.append(($0, $1)); return true }
        var index = 0
        var same = true
        rhs.forEachFromBest { key, size in
            same = left[index] == (key, size)
            index += 1
            return same
        }
        return same
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        forEachFromBest { key, size in
            hasher.combine(key)
            hasher.combine(size)
            return true
        }
    }
}
