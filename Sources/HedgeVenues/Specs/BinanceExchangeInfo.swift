import HedgeCore

/// Contract specs from a Binance futures exchangeInfo `symbols` list (COIN-M dapi or USD-M fapi).
enum BinanceExchangeInfo {
    /// Binance marks perpetuals with a far-future deliveryDate (4133404800000, year 2100).
    static func specs(_ symbols: [[String: Any]], venue: String, file: String) throws(ContractFileError) -> [ContractSpec] {
        var specs: [ContractSpec] = []
        for entry in symbols {
            guard let symbol = entry["symbol"] as? String else { continue }
            func fail(_ reason: String) -> ContractFileError { ContractFileError(file: file, reason: "\(symbol): \(reason)") }
            let filters = (entry["filters"] as? [[String: Any]]) ?? []
            func filter(_ type: String, _ key: String) -> FixedDecimal? {
                guard let value = filters.first(where: { $0["filterType"] as? String == type })?[key] else { return nil }
                return decimal(value)
            }
            guard let tick = filter("PRICE_FILTER", "tickSize"), let step = filter("LOT_SIZE", "stepSize") else {
                throw fail("PRICE_FILTER tickSize or LOT_SIZE stepSize missing")
            }
            let contractType = entry["contractType"] as? String ?? ""
            let kind: ContractKind
            if contractType == "PERPETUAL" || contractType.isEmpty {
                kind = .perpetual
            } else {
                guard let delivery = entry["deliveryDate"].flatMap(integer) else { throw fail("deliveryDate missing for a \(contractType) contract") }
                kind = .dated(expiry: Timestamp(milliseconds: delivery))
            }
            let inverse = venue == "binance-coinm"
            let size = entry["contractSize"].flatMap(decimal) ?? 1
            let marginAsset = entry["marginAsset"] as? String ?? (inverse ? entry["baseAsset"] as? String ?? "" : "USDT")
            specs.append(ContractSpec(
                id: InstrumentID(venue: venue, symbol: symbol), kind: kind, margining: inverse ? .inverse : .linear,
                contractSize: size, tickSize: tick, lotStep: step, minQuantity: filter("LOT_SIZE", "minQty"),
                minNotional: filter("MIN_NOTIONAL", "notional") ?? .zero,
                baseAsset: entry["baseAsset"] as? String ?? "", quoteAsset: entry["quoteAsset"] as? String ?? "",
                settlementAsset: marginAsset, fundingInterval: kind == .perpetual ? .seconds(8 * 3600) : nil))
        }
        return specs
    }
}

/// A decimal from a JSON value that may be a string ("0.10") or a number (100).
func decimal(_ value: Any) -> FixedDecimal? {
    if let text = value as? String { return try? FixedDecimal(parsing: text) }
    if let number = value as? Int { return try? FixedDecimal(number) }
    if let number = value as? Double { return try? FixedDecimal(parsing: String(number)) }
    return nil
}

/// A whole number from a JSON value that may be a string ("1758175736000") or a number.
func integer(_ value: Any) -> Int64? {
    if let number = value as? Int { return Int64(number) }
    if let number = value as? Int64 { return number }
    if let text = value as? String { return Int64(text) }
    if let number = value as? Double { return Int64(number) }
    return nil
}
