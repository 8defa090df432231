import HedgeCore

/// Contract specs from a Bybit v5 instruments-info `result.list` (linear: USDT or USDC perpetuals
/// and dated futures).
enum BybitInstrumentsInfo {
    /// A bad entry refuses that instrument only, as in `BinanceExchangeInfo.specs`.
    static func specs(_ list: [[String: Any]], category: String, file: String) -> (specs: [ContractSpec], refused: [InstrumentID: String]) {
        let venue = category == "spot" ? "bybit-spot" : "bybit-linear"
        var specs: [ContractSpec] = []
        var refused: [InstrumentID: String] = [:]
        for entry in list {
            guard let symbol = entry["symbol"] as? String else { continue }
            let id = InstrumentID(venue: venue, symbol: symbol)
            let price = entry["priceFilter"] as? [String: Any] ?? [:]
            let lot = entry["lotSizeFilter"] as? [String: Any] ?? [:]
            do throws(RefusedSpec) {
                let tick = try SpecFieldCheck.positive(price["tickSize"], "tickSize")
                let step = try SpecFieldCheck.positive(lot["qtyStep"] ?? lot["basePrecision"], lot["qtyStep"] == nil && lot["basePrecision"] != nil ? "basePrecision" : "qtyStep")
                // deliveryTime "0" marks a perpetual.
                let delivery = entry["deliveryTime"].flatMap(integer) ?? 0
                let kind: ContractKind = category == "spot" ? .spot : delivery > 0 ? .dated(expiry: Timestamp(milliseconds: delivery)) : .perpetual
                let minutes = entry["fundingInterval"].flatMap(integer) ?? 0
                // Linear: minNotionalValue and maxMktOrderQty; spot: minOrderAmt (the least order
                // value in the quote coin), maxMarketOrderQty and maxOrderAmt.
                let linearMinimum = try SpecFieldCheck.minimum(lot["minNotionalValue"], "minNotionalValue")
                let spotMinimum = try SpecFieldCheck.minimum(lot["minOrderAmt"], "minOrderAmt")
                let linearMarketMaximum = try SpecFieldCheck.maximum(lot["maxMktOrderQty"], "maxMktOrderQty")
                let spotMarketMaximum = try SpecFieldCheck.maximum(lot["maxMarketOrderQty"], "maxMarketOrderQty")
                specs.append(ContractSpec(
                    id: id, kind: kind, margining: .linear, contractSize: 1,
                    tickSize: tick, lotStep: step, minQuantity: try SpecFieldCheck.minimum(lot["minOrderQty"], "minOrderQty"),
                    minNotional: linearMinimum ?? spotMinimum ?? .zero,
                    maxQuantity: try SpecFieldCheck.maximum(lot["maxOrderQty"], "maxOrderQty"),
                    maxMarketQuantity: linearMarketMaximum ?? spotMarketMaximum,
                    maxNotional: try SpecFieldCheck.maximum(lot["maxOrderAmt"], "maxOrderAmt"),
                    baseAsset: entry["baseCoin"] as? String ?? "", quoteAsset: entry["quoteCoin"] as? String ?? "",
                    settlementAsset: entry["settleCoin"] as? String ?? entry["quoteCoin"] as? String ?? "",
                    fundingInterval: kind == .perpetual && minutes > 0 ? .seconds(minutes * 60) : nil,
                    // Base tier: derivatives 0.02 % / 0.055 %, spot 0.1 % both ways.
                    fees: category == "spot" ? FeeSchedule(maker: "0.001", taker: "0.001") : FeeSchedule(maker: "0.0002", taker: "0.00055")))
            } catch {
                refused[id] = "\(file): \(symbol): \(error.reason)"
            }
        }
        return (specs, refused)
    }
}
