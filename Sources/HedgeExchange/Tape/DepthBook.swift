import HedgeCore

/// The exchange's own price-level book of one symbol, following the recorded stream, so a REST
/// snapshot can be answered at any stream position (the documented resync procedure needs one
/// taken after the client's buffered updates began).
struct DepthBook: Sendable {
    /// Price units → the level as printed.
    private var bids: [Int64: DepthLevel] = [:]
    private var asks: [Int64: DepthLevel] = [:]
    /// The venue's id of the last change in the book (Binance `u`, Bybit `u`).
    var lastUpdateId: Int64 = 0
    /// Bybit's cross-sequence `seq` of the last change.
    var sequence: Int64 = 0
    /// Whether a snapshot has seeded it: before that its contents are unknown.
    var isSeeded = false

    mutating func replace(bids newBids: [DepthLevel], asks newAsks: [DepthLevel], lastUpdateId: Int64) {
        bids = [:]
        asks = [:]
        apply(bids: newBids, asks: newAsks)
        self.lastUpdateId = lastUpdateId
        isSeeded = true
    }

    /// Sets each level; a zero quantity removes it.
    mutating func apply(bids newBids: [DepthLevel], asks newAsks: [DepthLevel]) {
        for level in newBids { Self.set(level, in: &bids) }
        for level in newAsks { Self.set(level, in: &asks) }
    }

    private static func set(_ level: DepthLevel, in side: inout [Int64: DepthLevel]) {
        guard let price = FixedDecimal(level.price) else { return }
        if let quantity = FixedDecimal(level.quantity), quantity.units == 0 {
            side[price.units] = nil
        } else {
            side[price.units] = level
        }
    }

    /// The best `limit` levels of each side, best first.
    func top(_ limit: Int) -> (bids: [DepthLevel], asks: [DepthLevel]) {
        let bidKeys = bids.keys.sorted(by: >).prefix(limit)
        let askKeys = asks.keys.sorted().prefix(limit)
        return (bidKeys.map { bids[$0]! }, askKeys.map { asks[$0]! })
    }

    /// `[["p","q"],...]`, the levels as JSON arrays of strings.
    static func json(_ levels: [DepthLevel]) -> String {
        "[" + levels.map { "[\"\($0.price)\",\"\($0.quantity)\"]" }.joined(separator: ",") + "]"
    }
}
