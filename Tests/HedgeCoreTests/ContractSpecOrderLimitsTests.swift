import Testing
@testable import HedgeCore

/// The venue's maximum order size and notional: which orders break them and how an order beyond
/// them is split. Limits as the venues' files give them (Bybit instruments-info 2026-08-09,
/// Binance COIN-M exchangeInfo 2021-04-17).
@Suite("Contract spec: maximum order size and notional")
struct ContractSpecOrderLimitsTests {
    /// Bybit linear BTCUSDT: maxOrderQty 1500, maxMktOrderQty 150, qtyStep 0.001.
    static let bybitLinear = ContractSpec(
        id: InstrumentID(venue: "bybit-linear", symbol: "BTCUSDT"), kind: .perpetual, margining: .linear, contractSize: 1,
        tickSize: "0.1", lotStep: "0.001", minNotional: "5", maxQuantity: 1500, maxMarketQuantity: 150,
        baseAsset: "BTC", quoteAsset: "USDT", settlementAsset: "USDT")
    /// Binance COIN-M BTCUSD_210924: LOT_SIZE maxQty 100000, MARKET_LOT_SIZE maxQty 10000, 100 USD a contract.
    static let coinmSeptember = ContractSpec(
        id: InstrumentID(venue: "binance-coinm", symbol: "BTCUSD_210924"), kind: .dated(expiry: Timestamp(milliseconds: 1_632_470_400_000)),
        margining: .inverse, contractSize: 100, tickSize: "0.1", lotStep: 1, maxQuantity: 100_000, maxMarketQuantity: 10_000,
        baseAsset: "BTC", quoteAsset: "USD", settlementAsset: "BTC")
    /// Bybit spot BTCUSDT: maxOrderQty 230, maxMarketOrderQty 120, maxOrderAmt 8000000, basePrecision 0.000001.
    static let bybitSpot = ContractSpec(
        id: InstrumentID(venue: "bybit-spot", symbol: "BTCUSDT"), kind: .spot, margining: .linear, contractSize: 1,
        tickSize: "0.1", lotStep: "0.000001", minNotional: "5", maxQuantity: 230, maxMarketQuantity: 120, maxNotional: 8_000_000,
        baseAsset: "BTC", quoteAsset: "USDT", settlementAsset: "USDT")

    @Test("a market order is held to the market maximum, a limit order to the general one")
    func marketAndLimitMaximums() {
        #expect(Self.bybitLinear.maximumQuantity(market: true) == 150)
        #expect(Self.bybitLinear.maximumQuantity(market: false) == 1500)
        #expect(Self.bybitLinear.limitViolation(quantity: "150", market: true, price: "116000") == nil)
        #expect(Self.bybitLinear.limitViolation(quantity: "150.001", market: true, price: "116000")
                == "quantity 150.001 is above the maximum market order quantity 150")
        #expect(Self.bybitLinear.limitViolation(quantity: "150.001", market: false, price: "116000") == nil)
        #expect(Self.bybitSpot.limitViolation(quantity: "70", market: true, price: "116000") == "notional 8120000 is above the maximum 8000000")
    }

    @Test("an order within the maximum goes whole")
    func withinGoesWhole() throws {
        #expect(try Self.bybitLinear.childQuantities("150", market: true, price: "116000") == ["150"])
        #expect(try Self.coinmSeptember.childQuantities("10000", market: true, price: "67000") == ["10000"])
    }

    @Test("beyond the market maximum: near-equal children of whole lots that sum to the order exactly", arguments: [
        // order, expected children
        ("400", ["133.334", "133.333", "133.333"]),
        ("150.001", ["75.001", "75"]),
        ("300", ["150", "150"]),
    ])
    func splitsLinear(order: String, expected: [String]) throws {
        let children = try Self.bybitLinear.childQuantities(dec(order), market: true, price: "116000")
        #expect(children == expected.map(dec))
        #expect(children.reduce(FixedDecimal.zero) { (try? $0 + $1) ?? .zero } == dec(order))
        #expect(children.allSatisfy { $0 <= 150 && $0.isMultiple(of: "0.001") })
    }

    @Test("an inverse order beyond MARKET_LOT_SIZE splits in contracts")
    func splitsInverse() throws {
        // 15000 contracts of BTCUSD_210924 (1.5 M USD) against a 10000 market maximum: 7500 + 7500.
        #expect(try Self.coinmSeptember.childQuantities("15000", market: true, price: "67000") == ["7500", "7500"])
        #expect(try Self.coinmSeptember.childQuantities("20001", market: true, price: "67000") == ["6667", "6667", "6667"])
    }

    @Test("the maximum notional splits too, with headroom for the price to move")
    func splitsByNotional() throws {
        // 100 BTC at 116000 is 11.6 M USDT: at most 0.99 × 8 M / 116000 = 68.275862 BTC a child.
        let children = try Self.bybitSpot.childQuantities("100", market: true, price: "116000")
        #expect(children == ["50", "50"])
        #expect(children.allSatisfy { Self.bybitSpot.limitViolation(quantity: $0, market: true, price: "116000") == nil })
    }

    @Test("more children than the cap is refused before anything is sent")
    func tooManyChildren() {
        // 3150.001 BTC over 150 a market order is 22 orders.
        #expect(throws: OrderLimitRefusal.self) { try Self.bybitLinear.childQuantities("3150.001", market: true, price: "116000") }
        #expect((try? Self.bybitLinear.childQuantities("3000", market: true, price: "116000"))?.count == 20)
    }

    @Test("a maximum below the minimum order cannot be met")
    func maximumBelowMinimum() {
        var spec = Self.bybitLinear
        spec.minQuantity = 200
        #expect(throws: OrderLimitRefusal.self) { try spec.childQuantities("400", market: true, price: "116000") }
    }
}
