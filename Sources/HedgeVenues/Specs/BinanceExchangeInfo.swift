import HedgeCore

/// Contract specs from a Binance futures exchangeInfo `symbols` list (COIN-M dapi or USD-M fapi).
enum BinanceExchangeInfo {
    /// Binance marks perpetuals with a far-future deliveryDate (4133404800000, year 2100).
    ///
    /// An entry with a missing or wrong field (`SpecFieldCheck`) is refused, not the whole file:
    /// an exchangeInfo lists hundreds of instruments, and a trader replaying BTCUSD_PERP is not
    /// helped by failing over a broken entry for a symbol the replay never reads. The refused
    /// instrument can never be traded with a guessed size: asking for it gives the reason.
    static func specs(_ symbols: [[String: Any]], venue: String, file: String) -> (specs: [ContractSpec], refused: [InstrumentID: String]) {
        var specs: [ContractSpec] = []
        var refused: [InstrumentID: String] = [:]
        for entry in symbols {
            guard let symbol = entry["symbol"] as? String else { continue }
            let id = InstrumentID(venue: venue, symbol: symbol)
            let filters = (entry["filters"] as? [[String: Any]]) ?? []
            func filter(_ type: String, _ key: String) -> Any? {
                filters.first(where: { $0["filterType"] as? String == type })?[key]
            }
            do throws(RefusedSpec) {
                let tick = try SpecFieldCheck.positive(filter("PRICE_FILTER", "tickSize"), "tickSize")
                let step = try SpecFieldCheck.positive(filter("LOT_SIZE", "stepSize"), "stepSize")
                let contractType = entry["contractType"] as? String ?? ""
                let kind: ContractKind
                if contractType == "PERPETUAL" || contractType.isEmpty {
                    kind = .perpetual
                } else {
                    guard let delivery = entry["deliveryDate"].flatMap(integer), delivery > 0 else {
                        throw RefusedSpec(reason: "deliveryDate missing for a \(contractType) contract")
                    }
                    kind = .dated(expiry: Timestamp(milliseconds: delivery))
                }
                let inverse = venue == "binance-coinm"
                let size = entry["contractSize"] == nil ? 1 : try SpecFieldCheck.positive(entry["contractSize"], "contractSize")
                let marginAsset = entry["marginAsset"] as? String ?? (inverse ? entry["baseAsset"] as? String ?? "" : "USDT")
                specs.append(ContractSpec(
                    id: id, kind: kind, margining: inverse ? .inverse : .linear,
                    contractSize: size, tickSize: tick, lotStep: step,
                    minQuantity: try SpecFieldCheck.minimum(filter("LOT_SIZE", "minQty"), "minQty"),
                    minNotional: try SpecFieldCheck.minimum(filter("MIN_NOTIONAL", "notional"), "notional") ?? .zero,
                    maxQuantity: try SpecFieldCheck.maximum(filter("LOT_SIZE", "maxQty"), "LOT_SIZE maxQty"),
                    maxMarketQuantity: try SpecFieldCheck.maximum(filter("MARKET_LOT_SIZE", "maxQty"), "MARKET_LOT_SIZE maxQty"),
                    maxNotional: filter("NOTIONAL", "applyMaxToMarket") as? Bool == false ? nil
                        : try SpecFieldCheck.maximum(filter("NOTIONAL", "maxNotional"), "NOTIONAL maxNotional"),
                    baseAsset: entry["baseAsset"] as? String ?? "", quoteAsset: entry["quoteAsset"] as? String ?? "",
                    settlementAsset: marginAsset, fundingInterval: kind == .perpetual ? .seconds(8 * 3600) : nil))
            } catch {
                refused[id] = "\(file): \(symbol): \(error.reason)"
            }
        }
        return (specs, refused)
    }
}

/// A whole number from a JSON value that may be a string ("1758175736000") or a number.
func integer(_ value: Any) -> Int64? {
    if let number = value as? Int { return Int64(number) }
    if let number = value as? Int64 { return number }
    if let text = value as? String { return Int64(text) }
    if let number = value as? Double { return Int64(number) }
    return nil
}
