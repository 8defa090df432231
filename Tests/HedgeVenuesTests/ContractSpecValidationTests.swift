import Foundation
import HedgeCore
import Testing
@testable import HedgeVenues

/// A contracts file with a wrong field must never trade a wrong size: the instrument is refused
/// with the field named, and the file's other instruments stay usable.
@Suite struct ContractSpecValidationTests {
    static func coinMargined(_ symbol: String, contractSize: String = "100", tick: String = "\"0.1\"", step: String = "\"1\"", minQty: String = "\"1\"") -> String {
        """
        {"symbol": "\(symbol)", "contractType": "PERPETUAL", "contractSize": \(contractSize), "marginAsset": "BTC", "baseAsset": "BTC", "quoteAsset": "USD",
         "filters": [{"filterType": "PRICE_FILTER", "tickSize": \(tick)}, {"filterType": "LOT_SIZE", "stepSize": \(step), "minQty": \(minQty)}]}
        """
    }

    static func load(_ entries: [String]) throws -> ContractCatalog {
        let text = "{\"_source_url\": \"https://dapi.binance.com/dapi/v1/exchangeInfo\", \"response\": {\"symbols\": [" + entries.joined(separator: ",") + "]}}"
        let path = try ReplayFixtures.temporaryFile("contracts.json", text)
        var catalog = ContractCatalog()
        try catalog.load(contentsOf: URL(fileURLWithPath: path))
        return catalog
    }

    @Test(arguments: [
        (coinMargined("BTCUSD_PERP", contractSize: "\"abc\""), "contractSize"),
        (coinMargined("BTCUSD_PERP", contractSize: "1e300"), "contractSize"),
        (coinMargined("BTCUSD_PERP", contractSize: "1e-9"), "contractSize"),
        (coinMargined("BTCUSD_PERP", contractSize: "\"0.000000001\""), "contractSize"),
        (coinMargined("BTCUSD_PERP", contractSize: "0"), "contractSize"),
        (coinMargined("BTCUSD_PERP", contractSize: "-100"), "contractSize"),
        (coinMargined("BTCUSD_PERP", tick: "\"0\""), "tickSize"),
        (coinMargined("BTCUSD_PERP", tick: "\"0.000000001\""), "tickSize"),
        (coinMargined("BTCUSD_PERP", tick: "\"1e9\""), "tickSize"),
        (coinMargined("BTCUSD_PERP", step: "\"-1\""), "stepSize"),
        (coinMargined("BTCUSD_PERP", step: "\"x\""), "stepSize"),
        (coinMargined("BTCUSD_PERP", minQty: "\"abc\""), "minQty"),
    ])
    func badFieldRefusesTheInstrumentNamingTheField(entry: String, field: String) throws {
        let catalog = try Self.load([entry, Self.coinMargined("ETHUSD_PERP", contractSize: "10")])
        #expect { _ = try catalog.spec(venue: "binance-coinm", symbol: "BTCUSD_PERP") } throws: { error in
            let text = "\(error)"
            return text.contains("contracts.json: BTCUSD_PERP: \(field) ") && text.contains("refused")
        }
        #expect(try catalog.spec(venue: "binance-coinm", symbol: "ETHUSD_PERP").contractSize == 10)
        #expect(catalog.refused.count == 1)
    }

    @Test func goodFileLoadsEveryInstrument() throws {
        let catalog = try Self.load([Self.coinMargined("BTCUSD_PERP"), Self.coinMargined("ETHUSD_PERP", contractSize: "10")])
        #expect(try catalog.spec(venue: "binance-coinm", symbol: "BTCUSD_PERP").contractSize == 100)
        #expect(catalog.refused.isEmpty)
    }

    @Test(arguments: ["\"0\"", "\"abc\"", "\"0.000000001\""])
    func bybitBadTickRefusesTheInstrument(tick: String) throws {
        let entry = { (symbol: String, tick: String) in
            "{\"symbol\": \"\(symbol)\", \"priceFilter\": {\"tickSize\": \(tick)}, \"lotSizeFilter\": {\"qtyStep\": \"0.001\", \"minOrderQty\": \"0.001\"}}"
        }
        let text = "{\"result\": {\"category\": \"linear\", \"list\": [" + entry("BTCUSDT", tick) + "," + entry("ETHUSDT", "\"0.01\"") + "]}}"
        var catalog = ContractCatalog()
        try catalog.load(contentsOf: URL(fileURLWithPath: try ReplayFixtures.temporaryFile("bybit.json", text)))
        #expect { _ = try catalog.spec(venue: "bybit-linear", symbol: "BTCUSDT") } throws: { "\($0)".contains("bybit.json: BTCUSDT: tickSize ") }
        #expect(try catalog.spec(venue: "bybit-linear", symbol: "ETHUSDT").tickSize == "0.01")
    }

    @Test func theSharedFilesRefuseNothing() throws {
        #expect(try ContractCatalogTests.loaded().refused.isEmpty)
    }
}
