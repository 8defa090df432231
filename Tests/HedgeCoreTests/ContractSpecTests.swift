import Foundation
import Testing
@testable import HedgeCore

/// Contract specs built from the venues' own exchangeInfo (a fixture copied from shared/data).
enum VenueSpecs {
    /// The symbol objects of Binance COIN-M (2021-04-17) and USD-M (2021-07-22) exchangeInfo.
    static func symbols() throws -> [String: [String: Any]] {
        let url = try #require(Bundle.module.url(forResource: "binance_exchangeInfo_subset", withExtension: "json", subdirectory: "Fixtures"))
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        var bySymbol: [String: [String: Any]] = [:]
        for venue in ["dapi", "fapi"] {
            for symbol in try #require(root[venue] as? [[String: Any]]) {
                bySymbol["\(venue):\(try #require(symbol["symbol"] as? String))"] = symbol
            }
        }
        return bySymbol
    }

    static func filter(_ symbol: [String: Any], _ type: String) throws -> [String: Any] {
        let filters = try #require(symbol["filters"] as? [[String: Any]])
        return try #require(filters.first { $0["filterType"] as? String == type })
    }

    /// A `ContractSpec` from one exchangeInfo symbol object, the way a venue loader reads it.
    static func spec(_ key: String) throws -> ContractSpec {
        let symbol = try #require(try symbols()[key])
        let venue = key.hasPrefix("dapi") ? "binance-coinm" : "binance-usdm"
        let name = try #require(symbol["symbol"] as? String)
        let contractType = try #require(symbol["contractType"] as? String)
        let kind: ContractKind = contractType == "PERPETUAL"
            ? .perpetual
            : .dated(expiry: Timestamp(milliseconds: Int64(try #require(symbol["deliveryDate"] as? Int))))
        let inverse = key.hasPrefix("dapi")
        let contractSize = (symbol["contractSize"] as? Int).map { FixedDecimal(integerLiteral: $0) } ?? "1"
        let price = try filter(symbol, "PRICE_FILTER"), lot = try filter(symbol, "LOT_SIZE")
        let filters = try #require(symbol["filters"] as? [[String: Any]])
        let minNotional = filters.first { $0["filterType"] as? String == "MIN_NOTIONAL" }   // USD-M only
        return ContractSpec(
            id: InstrumentID(venue: venue, symbol: name), kind: kind, margining: inverse ? .inverse : .linear,
            contractSize: contractSize,
            tickSize: try FixedDecimal(parsing: try #require(price["tickSize"] as? String)),
            lotStep: try FixedDecimal(parsing: try #require(lot["stepSize"] as? String)),
            minQuantity: try FixedDecimal(parsing: try #require(lot["minQty"] as? String)),
            minNotional: try minNotional.map { try FixedDecimal(parsing: try #require($0["notional"] as? String)) } ?? .zero,
            baseAsset: try #require(symbol["baseAsset"] as? String),
            quoteAsset: try #require(symbol["quoteAsset"] as? String),
            settlementAsset: try #require(symbol["marginAsset"] as? String),
            fundingInterval: contractType == "PERPETUAL" ? .seconds(8 * 3600) : nil,
            initialMarginRate: try FixedDecimal(parsing: try #require(symbol["requiredMarginPercent"] as? String)).divided(by: "100"),
            maintenanceMarginRate: try FixedDecimal(parsing: try #require(symbol["maintMarginPercent"] as? String)).divided(by: "100"))
    }

    static func btcusdPerp() throws -> ContractSpec { try spec("dapi:BTCUSD_PERP") }
    static func ethusd210625() throws -> ContractSpec { try spec("dapi:ETHUSD_210625") }
    static func btcusdt() throws -> ContractSpec { try spec("fapi:BTCUSDT") }
}

@Suite("ContractSpec from venue exchangeInfo")
struct ContractSpecTests {
    @Test("BTCUSD_PERP loads as an inverse 100 USD contract settled in BTC")
    func btcusdPerpFields() throws {
        let spec = try VenueSpecs.btcusdPerp()
        #expect(spec.margining == .inverse)
        #expect(spec.kind == .perpetual)
        #expect(spec.contractSize == "100")
        #expect(spec.tickSize == "0.1")
        #expect(spec.lotStep == "1")
        #expect(spec.minQuantity == "1")
        #expect(spec.settlementAsset == "BTC")
        #expect(spec.maintenanceMarginRate == "0.025")
        #expect(spec.initialMarginRate == "0.05")
    }

    @Test("ETHUSD_210625 loads as a dated 10 USD contract expiring 2021-06-25 08:00 UTC")
    func ethusdDatedFields() throws {
        let spec = try VenueSpecs.ethusd210625()
        #expect(spec.margining == .inverse)
        #expect(spec.contractSize == "10")
        #expect(spec.tickSize == "0.01")
        #expect(spec.kind.expiry?.description == "2021-06-25T08:00:00.000Z")
        #expect(spec.settlementAsset == "ETH")
    }

    @Test("BTCUSDT loads as linear with tick 0.01, lot 0.001, min notional 5")
    func btcusdtFields() throws {
        let spec = try VenueSpecs.btcusdt()
        #expect(spec.margining == .linear)
        #expect(spec.contractSize == "1")
        #expect(spec.tickSize == "0.01")
        #expect(spec.lotStep == "0.001")
        #expect(spec.minNotional == "5")
        #expect(spec.settlementAsset == "USDT")
    }

    @Test("prices round to the tick", arguments: [
        ("fapi:BTCUSDT", "61800.255", RoundingMode.halfEven, "61800.26"),  // 6180025.5 ticks → 6180026 (even)
        ("fapi:BTCUSDT", "61800.245", .halfEven, "61800.24"),              // 6180024.5 ticks → 6180024 (even)
        ("fapi:BTCUSDT", "61800.241", .up, "61800.25"),
        ("dapi:BTCUSD_PERP", "61800.25", .halfEven, "61800.2"),
        ("dapi:BTCUSD_PERP", "61800.25", .down, "61800.2"),
        ("dapi:BTCUSD_PERP", "61800.21", .up, "61800.3"),
        ("dapi:ETHUSD_210625", "2400.005", .halfEven, "2400"),
    ])
    func roundPrice(key: String, price: String, mode: RoundingMode, expected: String) throws {
        #expect(try VenueSpecs.spec(key).roundPrice(dec(price), mode) == dec(expected))
    }

    @Test("quantities round down to the lot by default", arguments: [
        ("fapi:BTCUSDT", "0.0019", "0.001"),
        ("fapi:BTCUSDT", "1.23456", "1.234"),
        ("dapi:BTCUSD_PERP", "10.99", "10"),
        ("dapi:BTCUSD_PERP", "0.5", "0"),
    ])
    func roundQuantity(key: String, quantity: String, expected: String) throws {
        #expect(try VenueSpecs.spec(key).roundQuantity(dec(quantity)) == dec(expected))
    }

    @Test("linear notional is qty × price; base exposure is qty")
    func linearNotionalAndExposure() throws {
        let spec = try VenueSpecs.btcusdt()
        // 0.001 × 61800.2 = 61.8002 USDT
        #expect(try spec.quoteNotional(quantity: "0.001", price: "61800.2") == "61.8002")
        #expect(try spec.baseExposure(quantity: "0.001", price: "61800.2") == "0.001")
        #expect(try spec.settlementNotional(quantity: "0.5", price: "60000") == "30000")
    }

    @Test("inverse notional is contracts × 100 USD; base exposure drifts with price")
    func inverseNotionalAndExposure() throws {
        let spec = try VenueSpecs.btcusdPerp()
        #expect(try spec.quoteNotional(quantity: "10", price: "60000") == "1000")
        #expect(try spec.quoteNotional(quantity: "10", price: "30000") == "1000")
        // 10 × 100 / 60000 = 0.0166666666… → 0.01666667 BTC; at 50000: 0.02 BTC
        #expect(try spec.baseExposure(quantity: "10", price: "60000") == "0.01666667")
        #expect(try spec.baseExposure(quantity: "10", price: "50000") == "0.02")
        // ETH: 10 × 10 / 2400 = 0.041666… → 0.04166667 ETH
        #expect(try VenueSpecs.ethusd210625().baseExposure(quantity: "10", price: "2400") == "0.04166667")
    }

    @Test("quantity for a base exposure rounds to the lot")
    func quantityForBase() throws {
        // 0.02 BTC at 50000 = 1000 USD = 10 contracts; 0.0199 BTC → 9.95 → 9 (down) or 10 (halfEven)
        let inverse = try VenueSpecs.btcusdPerp()
        #expect(try inverse.quantity(forBase: "0.02", price: "50000", rounding: .down) == "10")
        #expect(try inverse.quantity(forBase: "0.0199", price: "50000", rounding: .down) == "9")
        #expect(try inverse.quantity(forBase: "0.0199", price: "50000", rounding: .halfEven) == "10")
        let linear = try VenueSpecs.btcusdt()
        #expect(try linear.quantity(forBase: "0.01666667", price: "60000", rounding: .halfEven) == "0.017")
        #expect(try linear.quantity(forBase: "0.01666667", price: "60000", rounding: .down) == "0.016")
    }

    @Test("fees are notional × rate in the settlement asset; a negative maker rate is a rebate")
    func fees() throws {
        var linear = try VenueSpecs.btcusdt()
        linear.fees = FeeSchedule(maker: "-0.0001", taker: "0.0005")
        // 0.1 × 60000 = 6000 USDT; taker 6000 × 0.0005 = 3; maker 6000 × −0.0001 = −0.6
        #expect(try linear.fee(quantity: "0.1", price: "60000", liquidity: .taker) == "3")
        #expect(try linear.fee(quantity: "0.1", price: "60000", liquidity: .maker) == "-0.6")
        let inverse = try VenueSpecs.btcusdPerp()
        // 10 × 100 / 50000 = 0.02 BTC; × 0.0005 = 0.00001 BTC; maker 0.02 × 0.0002 = 0.000004
        #expect(try inverse.fee(quantity: "10", price: "50000", liquidity: .taker) == "0.00001")
        #expect(try inverse.fee(quantity: "10", price: "50000", liquidity: .maker) == "0.000004")
    }

    @Test("orders that break the filters are refused with a message", arguments: [
        ("fapi:BTCUSDT", "0", "60000", "quantity 0 must be positive"),
        ("fapi:BTCUSDT", "-0.001", "60000", "quantity -0.001 must be positive"),
        ("fapi:BTCUSDT", "0.0005", "60000", "quantity 0.0005 is not a multiple of the lot step 0.001"),
        ("fapi:BTCUSDT", "0.001", "61800.255", "price 61800.255 is not a multiple of the tick 0.01"),
        ("fapi:BTCUSDT", "0.001", "0", "price 0 must be positive"),
        ("fapi:BTCUSDT", "0.001", "4000", "notional 4 is below the minimum 5"),   // 0.001 × 4000 = 4 USDT
        ("dapi:BTCUSD_PERP", "1.5", "60000", "quantity 1.5 is not a multiple of the lot step 1"),
        ("dapi:BTCUSD_PERP", "1", "60000.05", "price 60000.05 is not a multiple of the tick 0.1"),
    ])
    func violations(key: String, quantity: String, price: String, message: String) throws {
        #expect(try VenueSpecs.spec(key).violation(quantity: dec(quantity), price: dec(price)) == message)
    }

    @Test("orders within the filters pass", arguments: [
        ("fapi:BTCUSDT", "0.001", "5000"),      // exactly 5 USDT
        ("fapi:BTCUSDT", "1.234", "61800.25"),
        ("dapi:BTCUSD_PERP", "1", "60000.1"),
        ("dapi:ETHUSD_210625", "3", "2400.01"),
    ])
    func noViolation(key: String, quantity: String, price: String) throws {
        #expect(try VenueSpecs.spec(key).violation(quantity: dec(quantity), price: dec(price)) == nil)
    }
}
