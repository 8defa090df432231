import Testing
@testable import HedgeCore

/// Figures a person reads: one thousands rule, prices to the contract's tick, fees with their
/// asset and no more places than the contract can produce.
@Suite("Figures: thousands, ticks and fees")
struct ContractSpecFiguresTests {
    static let linear = ContractSpecOrderLimitsTests.bybitLinear
    static let inverse = ContractSpecOrderLimitsTests.coinmSeptember

    @Test("every figure of a thousand or more is grouped, whatever its places", arguments: [
        ("999.9", 1, "999.9"), ("1000", 0, "1,000"), ("63388.9", 1, "63,388.9"), ("-12345.678", 2, "-12,345.68"),
        ("1234567", 0, "1,234,567"), ("0.5", 2, "0.50"),
    ])
    func thousandsRule(value: String, places: Int, expected: String) {
        #expect(dec(value).figure(places: places) == expected)
    }

    @Test("fraction digits of ticks and lots", arguments: [("0.1", 1), ("0.001", 3), ("5", 0), ("0.00000001", 8), ("-2.50", 1)])
    func fractionDigits(value: String, digits: Int) {
        #expect(dec(value).fractionDigits == digits)
    }

    @Test("a price shows to the tick: an average is rounded to it and a whole price keeps its place", arguments: [
        ("63030.66710000", "63,030.7"), ("63389", "63,389.0"), ("63388.9", "63,388.9"), ("63388.95", "63,389.0"),
    ])
    func priceToTheTick(price: String, expected: String) {
        #expect(Self.linear.priceText(dec(price)) == expected)
    }

    @Test("a fee has its asset and at most the contract's precision")
    func feeText() {
        // Linear BTCUSDT: tick 0.1 × lot 0.001 → 4 places. 0.0005 × 0.001 × 63388.9 = 0.03169445 → 0.0317.
        #expect(Self.linear.feePlaces == 4)
        #expect(Self.linear.feeText(dec("0.03169445")) == "0.0317 USDT")
        // No trailing zeros added: a round fee stays short; a rebate keeps its sign.
        #expect(Self.linear.feeText(dec("1.5")) == "1.5 USDT")
        #expect(Self.linear.feeText(dec("-0.01")) == "-0.01 USDT")
        #expect(Self.linear.feeText(dec("1234.5")) == "1,234.5 USDT")
        // Inverse: the fee is in the coin, to the satoshi.
        #expect(Self.inverse.feeText(dec("0.00000079")) == "0.00000079 BTC")
    }

    @Test("a quantity shows to the lot step")
    func quantityText() {
        #expect(Self.linear.quantityText(dec("0.5")) == "0.500")
        #expect(Self.inverse.quantityText(dec("1500")) == "1,500")
    }
}
