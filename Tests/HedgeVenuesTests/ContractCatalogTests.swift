import Foundation
@testable import HedgeCore
import Testing
@testable import HedgeVenues

/// Contract specs loaded from the venues' saved instrument responses in shared/data.
@Suite struct ContractCatalogTests {
    static func loaded() throws -> ContractCatalog {
        var catalog = ContractCatalog()
        let folder = ReplayFixtures.sharedData.appendingPathComponent("contract_specs")
        for name in ["20210417_dapi.binance.com_dapi_v1_exchangeInfo.json", "20210722_fapi.binance.com_fapi_v1_exchangeInfo.json",
                     "20260809_api.bybit.com_v5_market_instruments_info_linear.json"] {
            try catalog.load(contentsOf: folder.appendingPathComponent(name))
        }
        return catalog
    }

    @Test func coinMarginedFromDapi() throws {
        let catalog = try Self.loaded()
        let perp = try catalog.spec(venue: "binance-coinm", symbol: "BTCUSD_PERP")
        #expect(perp.margining == .inverse && perp.contractSize == 100 && perp.tickSize == "0.1" && perp.lotStep == 1)
        #expect(perp.kind == .perpetual && perp.settlementAsset == "BTC")
        let eth = try catalog.spec(venue: "binance-coinm", symbol: "ETHUSD_210625")
        // deliveryDate 1624608000000 = 2021-06-25 08:00 UTC.
        #expect(eth.kind == .dated(expiry: Timestamp(milliseconds: 1_624_608_000_000)))
        #expect(eth.contractSize == 10 && eth.tickSize == "0.01")
    }

    @Test func usdMarginedFromFapi() throws {
        let spec = try Self.loaded().spec(venue: "binance-usdm", symbol: "BTCUSDT")
        #expect(spec.margining == .linear && spec.tickSize == "0.01" && spec.lotStep == "0.001" && spec.minNotional == 5)
        #expect(spec.settlementAsset == "USDT")
    }

    @Test func bybitLinearFromInstrumentsInfo() throws {
        let catalog = try Self.loaded()
        let spec = try catalog.spec(venue: "bybit-linear", symbol: "BTCUSDT")
        #expect(spec.tickSize == "0.1" && spec.lotStep == "0.001" && spec.minNotional == 5)
        #expect(spec.fundingInterval == .seconds(480 * 60) && spec.kind == .perpetual)
        #expect(try catalog.spec(venue: "bybit-linear", symbol: "BTCUSDT-25DEC26").kind.expiry != nil)
    }

    @Test func unknownSymbolSaysWhatToDo() throws {
        #expect { _ = try ContractCatalog.builtIn.spec(venue: "binance-usdm", symbol: "NOPE") } throws: { error in
            (error as? UnknownContract)?.description.contains("give the venue's instrument response (Binance exchangeInfo, Bybit instruments-info) with --contracts FILE") == true
        }
        #expect(try ContractCatalog.builtIn.spec(for: ReplayFixtures.usdm).tickSize == "0.1")
    }
}
