import Foundation
@testable import HedgeCore
import Testing
@testable import HedgeVenues

/// Maximum order size and notional read from the venues' own files, and the simulated venue
/// refusing an order beyond them as the venue would.
@Suite("Instrument limits")
struct InstrumentLimitsTests {
    static let bybitRecording = ReplayFixtures.sharedData.appendingPathComponent("bybit/20260809_BYBIT_v5_linear_spot.jsonl")

    @Test("Binance LOT_SIZE and MARKET_LOT_SIZE maxQty, from the COIN-M and USD-M exchangeInfo")
    func binanceMaximums() throws {
        let catalog = try ContractCatalogTests.loaded()
        let september = try catalog.spec(venue: "binance-coinm", symbol: "BTCUSD_210924")
        #expect(september.maxQuantity == 100_000 && september.maxMarketQuantity == 10_000 && september.maxNotional == nil)
        let perp = try catalog.spec(venue: "binance-coinm", symbol: "BTCUSD_PERP")
        #expect(perp.maxQuantity == 100_000 && perp.maxMarketQuantity == 100_000)
        let usdm = try catalog.spec(venue: "binance-usdm", symbol: "BCHUSDT")
        #expect(usdm.maxQuantity == 10_000 && usdm.maxMarketQuantity == 1_000)
    }

    @Test("Bybit linear maxOrderQty and maxMktOrderQty, from instruments-info")
    func bybitLinearMaximums() throws {
        let spec = try ContractCatalogTests.loaded().spec(venue: "bybit-linear", symbol: "BTCUSDT")
        #expect(spec.maxQuantity == 1500 && spec.maxMarketQuantity == 150 && spec.maxNotional == nil)
    }

    @Test("Bybit spot from the recording's instruments-info: limits, minOrderAmt as the minimum notional, float noise cut")
    func bybitSpotFromRecording() throws {
        var catalog = ContractCatalog()
        try catalog.load(contentsOf: Self.bybitRecording)
        let spot = try catalog.spec(venue: "bybit-spot", symbol: "BTCUSDT")
        #expect(spot.kind == .spot && spot.tickSize == "0.1" && spot.lotStep == "0.000001" && spot.minQuantity == "0.000001")
        #expect(spot.minNotional == 5 && spot.maxQuantity == 230 && spot.maxMarketQuantity == 120 && spot.maxNotional == 8_000_000)
        #expect(spot.fees.taker == "0.001")
        // ETHBTC's maxOrderQty is printed "1542.6000000000001": the limit is 1542.6, the symbol loads.
        #expect(try catalog.spec(venue: "bybit-spot", symbol: "ETHBTC").maxQuantity == "1542.6")
        // The linear response of the same file loads too.
        #expect(try catalog.spec(venue: "bybit-linear", symbol: "ETHUSDT").maxMarketQuantity != nil)
    }

    @Test("a spot symbol whose tick has more places than the decimal holds is skipped with a warning; the others load")
    func finerTickSkipped() throws {
        var catalog = ContractCatalog()
        try catalog.load(contentsOf: Self.bybitRecording)
        // SHIBUSDT's tick is 0.000000001 (nine places).
        #expect(throws: UnknownContract.self) { try catalog.spec(venue: "bybit-spot", symbol: "SHIBUSDT") }
        #expect(catalog.refused[InstrumentID(venue: "bybit-spot", symbol: "SHIBUSDT")]?.contains("tickSize \"0.000000001\"") == true)
        #expect(catalog.specs.keys.filter { $0.venue == "bybit-spot" }.count == 540)
        #expect(catalog.warnings == [catalog.warnings.first].compactMap { $0 })
        let warning = try #require(catalog.warnings.first)
        #expect(warning.hasPrefix("20260809_BYBIT_v5_linear_spot.jsonl: 17 instruments skipped, 540 loaded: BABYDOGEUSDT: tickSize"))
    }

    @Test("the built-in table carries the limits and a Bybit spot BTCUSDT")
    func builtInLimits() throws {
        let catalog = ContractCatalog.builtIn
        #expect(try catalog.spec(venue: "bybit-linear", symbol: "BTCUSDT").maxMarketQuantity == 150)
        #expect(try catalog.spec(venue: "binance-coinm", symbol: "BTCUSD_PERP").maxMarketQuantity == 100_000)
        var recorded = ContractCatalog()
        try recorded.load(contentsOf: Self.bybitRecording)
        // The built-in spot entry is the recording's, field for field.
        #expect(try catalog.spec(venue: "bybit-spot", symbol: "BTCUSDT") == recorded.spec(venue: "bybit-spot", symbol: "BTCUSDT"))
    }

    /// A venue with `spec`, its book one level deep at `price` with plenty on both sides.
    static func venue(_ spec: ContractSpec, price: FixedDecimal, balances: [String: FixedDecimal]) -> SimulatedVenue {
        var settings = SimulatedVenue.Settings()
        settings.balances = balances
        var venue = SimulatedVenue(name: spec.id.venue, contracts: [spec], settings: settings)
        venue.onMarket(.depth(spec.id, BookDepth(bids: [BookLevel(price: price, quantity: 1_000_000)],
                                                 asks: [BookLevel(price: try! price + spec.tickSize, quantity: 1_000_000)], time: t0)))
        return venue
    }

    static func market(_ spec: ContractSpec, _ quantity: FixedDecimal, id: OrderID = "o1") -> OrderRequest {
        OrderRequest(id: id, leg: .a, instrument: spec.id, side: .buy, quantity: quantity, purpose: .open)
    }

    @Test("the venue refuses a market order beyond the maximum in the venue's own words", arguments: [
        // venue, symbol, quantity beyond, the refusal's start
        ("binance-coinm", "BTCUSD_210924", "10001", "-4005 Quantity greater than max quantity."),
        ("bybit-linear", "BTCUSDT", "150.001", "10001 The number of contracts exceeds maximum limit allowed"),
        ("bybit-spot", "BTCUSDT", "120.000001", "170135 Order quantity exceeded upper limit."),
    ])
    func refusesBeyondMaximum(venueName: String, symbol: String, quantity: String, refusal: String) throws {
        var catalog = try ContractCatalogTests.loaded()
        try catalog.load(contentsOf: Self.bybitRecording)
        let spec = try catalog.spec(venue: venueName, symbol: symbol)
        var venue = Self.venue(spec, price: spec.margining == .inverse ? "57000" : "60000",
                               balances: ["BTC": 1_000, "USDT": 100_000_000])
        let refused = venue.execute(Self.market(spec, FixedDecimal(quantity)!), at: t0)
        guard case .rejected(_, let reason)? = refused.first else { Issue.record("\(refused)"); return }
        #expect(reason.hasPrefix(refusal))
        // At the maximum it fills.
        let atMaximum = venue.execute(Self.market(spec, spec.maximumQuantity(market: true)!, id: "o2"), at: t0)
        #expect(fills(atMaximum).reduce(FixedDecimal.zero) { (try? $0 + $1.quantity) ?? .zero } == spec.maximumQuantity(market: true)!)
    }

    @Test("Bybit spot refuses an order worth more than maxOrderAmt")
    func refusesBeyondMaximumNotional() throws {
        var catalog = ContractCatalog()
        try catalog.load(contentsOf: Self.bybitRecording)
        let spec = try catalog.spec(venue: "bybit-spot", symbol: "BTCUSDT")
        var venue = Self.venue(spec, price: "116000", balances: ["USDT": 100_000_000])
        // 70 BTC at the ask 116000.1 is 8 120 007 USDT, over 8 000 000.
        guard case .rejected(_, let reason)? = venue.execute(Self.market(spec, 70), at: t0).first else { Issue.record("not refused"); return }
        #expect(reason.hasPrefix("Order value exceeded upper limit (notional 8120007 is above the maximum 8000000)"))
    }
}
