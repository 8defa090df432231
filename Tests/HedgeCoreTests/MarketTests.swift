import Testing
@testable import HedgeCore

/// Quotes, instruments, timestamps and durations.
@Suite("Market values")
struct MarketTests {
    @Test("mid is rounded half-even to eight places", arguments: [
        ("60000", "60000.1", "60000.05"),
        ("0.00000001", "0.00000002", "0.00000002"),   // 1.5 units → 2 (even)
        ("0.00000002", "0.00000003", "0.00000002"),   // 2.5 units → 2 (even)
        ("100", "100", "100"),
        ("90000000000", "90000000000.00000001", "90000000000"),   // the sum beyond Int64: the 128-bit path
    ])
    func midHalfEven(bid: String, ask: String, mid: String) {
        let quote = Quote(bid: dec(bid), bidSize: "1", ask: dec(ask), askSize: "1", time: .zero)
        #expect(quote.mid == dec(mid))
    }

    @Test("quote defects name what is wrong")
    func quoteDefects() {
        func quote(_ bid: String, _ ask: String, bidSize: String = "1") -> Quote {
            Quote(bid: dec(bid), bidSize: dec(bidSize), ask: dec(ask), askSize: "1", time: .zero)
        }
        #expect(quote("0", "1").defect?.description == "bid price 0 is not positive")
        #expect(quote("1", "-2").defect?.description == "ask price -2 is not positive")
        #expect(quote("2", "1").defect?.description == "crossed book: bid 2 above ask 1")
        #expect(quote("1", "2", bidSize: "-1").defect?.description == "negative size")
        #expect(quote("1", "1").defect == nil)            // locked, not crossed
        #expect(quote("1", "2", bidSize: "0").defect == nil)
    }

    @Test("a taker buys at the ask and sells at the bid")
    func takerPrices() {
        let quote = Quote(bid: "1", bidSize: "3", ask: "2", askSize: "4", time: .zero)
        #expect(quote.price(toTake: .buy) == "2" && quote.size(toTake: .buy) == "4")
        #expect(quote.price(toTake: .sell) == "1" && quote.size(toTake: .sell) == "3")
    }

    @Test("instrument ids parse VENUE:SYMBOL", arguments: [
        ("binance-usdm:BTCUSDT", "binance-usdm", "BTCUSDT"),
        ("a:b:c", "a", "b:c"),
    ])
    func instrumentParses(text: String, venue: String, symbol: String) {
        #expect(InstrumentID(parsing: text) == InstrumentID(venue: venue, symbol: symbol))
        #expect(InstrumentID(parsing: text)?.description == text)
    }

    @Test("malformed instrument ids are refused", arguments: ["BTCUSDT", ":BTC", "binance:", ""])
    func instrumentRefused(text: String) {
        #expect(InstrumentID(parsing: text) == nil)
    }

    @Test("timestamps print ISO 8601 UTC with milliseconds", arguments: [
        (Int64(1_723_161_255_123), "2024-08-08T23:54:15.123Z"),
        (0, "1970-01-01T00:00:00.000Z"),
        (1_624_608_000_000, "2021-06-25T08:00:00.000Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
        (951_782_400_000, "2000-02-29T00:00:00.000Z"),
    ])
    func timestampDescription(milliseconds: Int64, text: String) {
        #expect(Timestamp(milliseconds: milliseconds).description == text)
    }

    @Test("durations print compactly", arguments: [
        (45, "45s"), (192, "3m12s"), (7500, "2h05m"), (273_600, "3d04h"), (-5, "0s"),
    ])
    func durationCompact(seconds: Int64, text: String) {
        #expect(Duration.seconds(seconds).compact == text)
    }

    @Test("sides and legs have opposites")
    func opposites() {
        #expect(Side.buy.opposite == .sell && Side.sell.sign == -1)
        #expect(Leg.a.other == .b && Leg.b.other == .a)
    }
}
