import Foundation
import HedgeCore

/// A contract the catalog does not know, with what to do about it.
public struct UnknownContract: Error, Sendable, Hashable, CustomStringConvertible {
    public var instrument: InstrumentID
    public var known: Int
    /// Why a loaded file's entry for the instrument was refused (`ContractCatalog.refused`).
    public var refusal: String?
    public var description: String {
        if let refusal {
            return "\(refusal); \(instrument) is refused rather than traded with a wrong size: fix that entry, or give another instrument response with --contracts FILE"
        }
        return "no contract spec for \(instrument) among \(known) known; give the venue's instrument response (Binance exchangeInfo, Bybit instruments-info) with --contracts FILE, or list it in replay.contracts of a config file"
    }
}

/// A response file the catalog could not read.
public struct ContractFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var reason: String
    public var description: String { "\(file): \(reason)" }
}

/// Contract specs by venue and symbol, loaded from the venues' instrument responses
/// (Binance exchangeInfo, Bybit v5 instruments-info) or taken from the built-in table.
public struct ContractCatalog: Sendable, Hashable {
    public private(set) var specs: [InstrumentID: ContractSpec] = [:]
    /// Instruments of loaded files whose entries had a missing or wrong field, with the reason
    /// ("contracts.json: BTCUSD_PERP: contractSize 0 must be greater than 0").
    public private(set) var refused: [InstrumentID: String] = [:]

    public init(_ specs: [ContractSpec] = []) {
        for spec in specs { self.specs[spec.id] = spec }
    }

    /// The spec of `instrument`, or an error that says how to get it.
    public func spec(for instrument: InstrumentID) throws(UnknownContract) -> ContractSpec {
        guard let spec = specs[instrument] else {
            throw UnknownContract(instrument: instrument, known: specs.count, refusal: refused[instrument])
        }
        return spec
    }

    public func spec(venue: String, symbol: String) throws(UnknownContract) -> ContractSpec {
        try spec(for: InstrumentID(venue: venue, symbol: symbol))
    }

    /// Adds specs; ones already here win, so a hand-checked table is not overwritten by an old file.
    public mutating func add(_ more: [ContractSpec]) {
        for spec in more where specs[spec.id] == nil { specs[spec.id] = spec }
    }

    /// One warning per loaded file that skipped instruments (a tick finer than the eight places a
    /// `FixedDecimal` holds, a missing field...): the rest of the file loaded, and a replay that
    /// asks for a skipped one stops with its reason.
    public private(set) var warnings: [String] = []

    /// Names the instruments a file skipped, a few with their reasons.
    mutating func noteSkipped(_ loaded: (specs: [ContractSpec], refused: [InstrumentID: String]), file: String) {
        guard !loaded.refused.isEmpty else { return }
        let shown = loaded.refused.sorted { $0.key.symbol < $1.key.symbol }.prefix(3)
            .map { $0.value.hasPrefix("\(file): ") ? String($0.value.dropFirst(file.count + 2)) : $0.value }
        let more = loaded.refused.count > shown.count ? "; and \(loaded.refused.count - shown.count) more" : ""
        warnings.append("\(file): \(loaded.refused.count) instrument\(loaded.refused.count == 1 ? "" : "s") skipped, \(loaded.specs.count) loaded: \(shown.joined(separator: "; "))\(more)")
    }

    /// Adds a file's specs and its refused instruments (the first reason given is kept).
    mutating func add(_ loaded: (specs: [ContractSpec], refused: [InstrumentID: String])) {
        add(loaded.specs)
        refused.merge(loaded.refused) { first, _ in first }
    }

    /// Loads a saved instrument response (wrapped `{"_source_url", ..., "response": {...}}`, or
    /// bare), telling Binance COIN-M, Binance USD-M and Bybit linear apart by their shape.
    /// A Bybit JSON-lines recording (`*.jsonl`) is read for the instruments-info responses its
    /// `http` lines hold (linear and spot), so a recording that carries its own specs needs no other file.
    public mutating func load(contentsOf url: URL) throws(ContractFileError) {
        let name = url.lastPathComponent
        let data: Data
        do { data = try Data(contentsOf: url) }
        catch { throw ContractFileError(file: name, reason: "cannot read (\(error.localizedDescription))") }
        try load(data, named: name)
    }

    /// Loads a file's bytes already in hand (a venue's answer before it is cached); `name` tells
    /// a JSON-lines recording from one response, and names the source in messages.
    public mutating func load(_ data: Data, named name: String) throws(ContractFileError) {
        if name.hasSuffix(".jsonl") {
            try loadRecordedResponses(data, file: name)
            return
        }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) }
        catch { throw ContractFileError(file: name, reason: "not JSON (\(error.localizedDescription))") }
        try load(object, file: name)
    }

    /// The instruments-info responses among a Bybit recording's `http` lines.
    mutating func loadRecordedResponses(_ data: Data, file name: String) throws(ContractFileError) {
        var found = 0
        for line in data.split(separator: UInt8(ascii: "\n")) where line.count > 2 {
            guard let envelope = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                  envelope["t"] as? String == "http", (envelope["url"] as? String)?.contains("instruments-info") == true,
                  let text = envelope["data"] as? String,
                  let response = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else { continue }
            try load(response, file: name)
            found += 1
        }
        if found == 0 {
            throw ContractFileError(file: name, reason: "a JSON-lines recording with no instruments-info response among its http lines")
        }
    }

    /// Loads one parsed instrument response.
    mutating func load(_ object: Any, file name: String) throws(ContractFileError) {
        guard let wrapper = object as? [String: Any] else { throw ContractFileError(file: name, reason: "not a JSON object") }
        let response = wrapper["response"] as? [String: Any] ?? wrapper
        let source = (wrapper["_source_url"] as? String) ?? name
        if let result = response["result"] as? [String: Any], let list = result["list"] as? [[String: Any]] {
            let loaded = BybitInstrumentsInfo.specs(list, category: result["category"] as? String ?? "linear", file: name)
            add(loaded)
            noteSkipped(loaded, file: name)
        } else if let symbols = response["symbols"] as? [[String: Any]] {
            let coinMargined = source.contains("dapi") || symbols.contains { $0["contractSize"] != nil && $0["marginAsset"] as? String != "USDT" && $0["contractType"] != nil && ($0["symbol"] as? String)?.contains("_") == true }
            let loaded = BinanceExchangeInfo.specs(symbols, venue: coinMargined ? "binance-coinm" : "binance-usdm", file: name)
            add(loaded)
            noteSkipped(loaded, file: name)
        } else {
            throw ContractFileError(file: name, reason: "neither a Binance exchangeInfo (\"symbols\") nor a Bybit instruments-info (\"result.list\")")
        }
    }

    /// The built-in table: the instruments of the 2024-08-08 Binance recordings (which have no
    /// exchangeInfo of their own) and of the 2021 and 2026 recordings' headline contracts.
    ///
    /// BTCUSD_PERP's filters are the 2021 dapi exchangeInfo's (tick 0.1, 100 USD a contract, step 1;
    /// unchanged since). USD-M BTCUSDT's 2021 tick was 0.01, but every price in the 2024 recording
    /// is a multiple of 0.1, its tick since 2023, so the table says 0.1 (lot 0.001 from 2021; the
    /// 2021 min notional of 5 USDT is kept). Spot BTCUSDT: tick 0.01 and lot 0.00001 as printed.
    /// Maximum order sizes are the same files' LOT_SIZE / MARKET_LOT_SIZE maxQty (COIN-M 100000
    /// contracts, USD-M 1000 BTC); Binance spot has no exchangeInfo here, so none is set.
    /// Bybit's are the 2026 recording's instruments-info: linear maxOrderQty 1500, maxMktOrderQty
    /// 150; spot (its own venue) tick 0.1, basePrecision 0.000001, maxOrderQty 230,
    /// maxMarketOrderQty 120, minOrderAmt 5 and maxOrderAmt 8000000 USDT.
    public static let builtIn: ContractCatalog = {
        let hour = Duration.seconds(3600)
        return ContractCatalog([
            ContractSpec(id: InstrumentID(venue: "binance-usdm", symbol: "BTCUSDT"), kind: .perpetual, margining: .linear,
                         contractSize: 1, tickSize: "0.1", lotStep: "0.001", minNotional: "5", maxQuantity: 1000, maxMarketQuantity: 1000,
                         baseAsset: "BTC", quoteAsset: "USDT", settlementAsset: "USDT", fundingInterval: hour * 8),
            ContractSpec(id: InstrumentID(venue: "binance-coinm", symbol: "BTCUSD_PERP"), kind: .perpetual, margining: .inverse,
                         contractSize: 100, tickSize: "0.1", lotStep: 1, maxQuantity: 100_000, maxMarketQuantity: 100_000,
                         baseAsset: "BTC", quoteAsset: "USD", settlementAsset: "BTC", fundingInterval: hour * 8),
            ContractSpec(id: InstrumentID(venue: "binance-spot", symbol: "BTCUSDT"), kind: .spot, margining: .linear,
                         contractSize: 1, tickSize: "0.01", lotStep: "0.00001", minNotional: "5",
                         baseAsset: "BTC", quoteAsset: "USDT", settlementAsset: "USDT",
                         fees: FeeSchedule(maker: "0.001", taker: "0.001")),
            ContractSpec(id: InstrumentID(venue: "bybit-linear", symbol: "BTCUSDT"), kind: .perpetual, margining: .linear,
                         contractSize: 1, tickSize: "0.1", lotStep: "0.001", minNotional: "5", maxQuantity: 1500, maxMarketQuantity: 150,
                         baseAsset: "BTC", quoteAsset: "USDT", settlementAsset: "USDT", fundingInterval: hour * 8),
            ContractSpec(id: InstrumentID(venue: "bybit-spot", symbol: "BTCUSDT"), kind: .spot, margining: .linear,
                         contractSize: 1, tickSize: "0.1", lotStep: "0.000001", minNotional: "5", maxQuantity: 230, maxMarketQuantity: 120,
                         maxNotional: 8_000_000, baseAsset: "BTC", quoteAsset: "USDT", settlementAsset: "USDT",
                         fees: FeeSchedule(maker: "0.001", taker: "0.001")),
        ])
    }()
}
