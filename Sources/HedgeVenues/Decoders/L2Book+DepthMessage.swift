import HedgeCore

extension L2Book {
    /// Applies a depth message's `b` and `a` levels (Binance's and Bybit's share the form) and
    /// returns the same changes as the update the simulated venue's book applies in its turn.
    mutating func apply(bids: JSONCursor.Value?, asks: JSONCursor.Value?, in cursor: JSONCursor,
                        time: Timestamp) throws(MarketDataFault) -> BookUpdate {
        var update = BookUpdate(bids: [], asks: [], time: time)
        // One allocation a side: a level takes at least 10 bytes of JSON (`["1","0"],`).
        if let bids, bids.range.count > 2 { update.bids.reserveCapacity(bids.range.count / 10 + 1) }
        if let asks, asks.range.count > 2 { update.asks.reserveCapacity(asks.range.count / 10 + 1) }
        try cursor.forEachLevel(bids, "b") { price, quantity throws(MarketDataFault) in
            set(.buy, price: price, quantity: quantity)
            update.bids.append(BookLevel(price: price, quantity: quantity))
        }
        try cursor.forEachLevel(asks, "a") { price, quantity throws(MarketDataFault) in
            set(.sell, price: price, quantity: quantity)
            update.asks.append(BookLevel(price: price, quantity: quantity))
        }
        return update
    }
}
