import HedgeCore

/// Contract specs from a Bybit v5 instruments-info `result.list` (linear: USDT or USDC perpetuals
/// and dated futures).
enum BybitInstrumentsInfo {
    static func specs(_ list: [[String: Any]], category: String, file: String) throws(ContractFileError) -> [ContractSpec] {
        let venue = category == "spot" ? "bybit-spot" : "bybit-linear"
        var specs: [ContractSpec] = []
        for entry in list {
            guard let symbol = entry["symbol"] as? String else { continue }
            let price = entry["priceFilter"] as? [String: Any] ?? [:]
            let lot = entry["lotSizeFilter"] as? [String: Any] ?? [:]
            guard let tick = price["tickSize"].flatMap(decimal), let step = (lot["qtyStep"] ?? lot["basePrecision"]).flatMap(decimal) else {
                throw ContractFileError(file: file, reason: "\(symbol): priceFilter.tickSize or lotSizeFilter.qtyStep missing")
            }
            // deliveryTime "0" marks a perpetual.
            let delivery = entry["deliveryTime"].flatMap(integer) ?? 0
            let kind: ContractKind = category == "spot" ? .spot : delivery > 0 ? .dated(expiry: Timestamp(milliseconds: delivery)) : .perpetual
            let minutes = entry["fundingInterval"].flatMap(integer) ?? 0
            specs.append(ContractSpec(
                id: InstrumentID(venue: venue, symbol: symbol), kind: kind, margining: .linear, contractSize: 1,
                tickSize: tick, lotStep: step, minQuantity: lot["minOrderQty"].flatMap(decimal),
                minNotional: lot["minNotionalValue"].flatMap(decimal) ?? .zero,
                baseAsset: entry["baseCoin"] as? String ?? "", quoteAsset: entry["quoteCoin"] as? String ?? "",
                settlementAsset: entry["settleCoin"] as? String ?? entry["quoteCoin"] as? String ?? "",
                fundingInterval: kind == .perpetual && minutes > 0 ? .seconds(minutes * 60) : nil,
                fees: FeeSchedule(maker: "0.0002", taker: "0.00055")))
        }
        return specs
    }
}
