import HedgeCore

/// The venue's maximum order quantity and notional, refused in the venue's own words: Binance
/// futures answer -4005, Binance spot -1013 with the filter's name, Bybit linear 10001 and Bybit
/// spot 170135.
extension SimulatedVenue {
    /// Why `order` at `price` breaks the contract's maximums, as the venue would say it, or nil.
    func limitRefusal(_ order: OrderRequest, spec: ContractSpec, price: FixedDecimal) -> String? {
        let market = order.type == .market
        guard let problem = spec.limitViolation(quantity: order.quantity, market: market, price: price) else { return nil }
        let overNotional = spec.maxNotional.map { limit in
            ((try? spec.quoteNotional(quantity: order.quantity, price: price)) ?? .zero) > limit
        } ?? false
        let bybit = order.instrument.venue.hasPrefix("bybit")
        switch (bybit, spec.kind) {
        case (true, .spot):
            return overNotional ? "Order value exceeded upper limit (\(problem))" : "170135 Order quantity exceeded upper limit. (\(problem))"
        case (true, _):
            return "10001 The number of contracts exceeds maximum limit allowed: too large (\(problem))"
        case (false, .spot):
            let filter = overNotional ? "NOTIONAL" : market && spec.maxMarketQuantity.map({ order.quantity > $0 }) == true ? "MARKET_LOT_SIZE" : "LOT_SIZE"
            return "-1013 Filter failure: \(filter) (\(problem))"
        case (false, _):
            return "-4005 Quantity greater than max quantity. (\(problem))"
        }
    }
}
