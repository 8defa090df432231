import Testing
@testable import HedgeCore

/// Positions: average entry, realised and unrealised PnL (linear and inverse), fees and funding.
@Suite("Position PnL")
struct PositionPnLTests {
    static func fill(_ side: Side, _ quantity: String, at price: String, fee: String = "0", liquidity: Liquidity = .taker) -> Fill {
        Fill(orderID: "T-1", side: side, price: dec(price), quantity: dec(quantity), fee: dec(fee), liquidity: liquidity, time: .zero)
    }

    @Test("linear long: open, add, reduce, flip through zero, close")
    func linearLongLifecycle() throws {
        var position = Position(spec: try VenueSpecs.btcusdt())
        try position.apply(Self.fill(.buy, "0.002", at: "60000"))
        try position.apply(Self.fill(.buy, "0.001", at: "61500"))
        // average = (0.002 × 60000 + 0.001 × 61500) / 0.003 = (120 + 61.5) / 0.003 = 60500
        #expect(position.quantity == "0.003")
        #expect(position.averageEntry == "60500")
        // unrealised at 61000: 0.003 × (61000 − 60500) = 1.5
        #expect(try position.unrealisedPnL(mark: "61000") == "1.5")

        // reduce 0.001 at 62000: 0.001 × (62000 − 60500) = 1.5 realised; the entry stays 60500
        #expect(try position.apply(Self.fill(.sell, "0.001", at: "62000")) == "1.5")
        #expect(position.quantity == "0.002")
        #expect(position.averageEntry == "60500")

        // sell 0.005 at 61000: closes 0.002 → 0.002 × (61000 − 60500) = 1; flips short 0.003 at 61000
        #expect(try position.apply(Self.fill(.sell, "0.005", at: "61000")) == "1")
        #expect(position.quantity == "-0.003")
        #expect(position.averageEntry == "61000")
        #expect(position.realisedPnL == "2.5")

        // buy 0.003 at 60000: short gains 0.003 × (61000 − 60000) = 3; flat
        #expect(try position.apply(Self.fill(.buy, "0.003", at: "60000")) == "3")
        #expect(position.isFlat)
        #expect(position.averageEntry == "0")
        #expect(position.realisedPnL == "5.5")
    }

    @Test("linear short: add averages the entry, a losing reduce realises a loss")
    func linearShortLoss() throws {
        var position = Position(spec: try VenueSpecs.btcusdt())
        try position.apply(Self.fill(.sell, "1", at: "100"))
        try position.apply(Self.fill(.sell, "1", at: "110"))
        // average (100 + 110) / 2 = 105; unrealised at 100: 2 × (105 − 100) = 10
        #expect(position.averageEntry == "105")
        #expect(try position.unrealisedPnL(mark: "100") == "10")
        // buy back 0.5 at 120: 0.5 × (105 − 120) = −7.5
        #expect(try position.apply(Self.fill(.buy, "0.5", at: "120")) == "-7.5")
        #expect(position.quantity == "-1.5")
        #expect(position.side == .sell)
    }

    @Test("inverse long 10 × 100 USD from 60000 to 61000 earns 0.00027322 BTC")
    func inverseLongClose() throws {
        var position = Position(spec: try VenueSpecs.btcusdPerp())
        try position.apply(Self.fill(.buy, "10", at: "60000"))
        // 10 × 100 × (1/60000 − 1/61000) = 1000 × 1000 / (60000 × 61000) = 1e6 / 3.66e9
        //   = 0.000273224043715… → half-even to 8 places: 0.00027322
        #expect(try position.unrealisedPnL(mark: "61000") == "0.00027322")
        #expect(try position.apply(Self.fill(.sell, "10", at: "61000")) == "0.00027322")
        #expect(position.isFlat)
    }

    @Test("inverse short from 60000 to 61000 loses 0.00027322 BTC")
    func inverseShortLoss() throws {
        var position = Position(spec: try VenueSpecs.btcusdPerp())
        try position.apply(Self.fill(.sell, "10", at: "60000"))
        #expect(try position.apply(Self.fill(.buy, "10", at: "61000")) == "-0.00027322")
    }

    @Test("inverse adds average harmonically, so PnL equals the per-fill sum")
    func inverseHarmonicEntry() throws {
        var position = Position(spec: try VenueSpecs.btcusdPerp())
        try position.apply(Self.fill(.buy, "10", at: "60000"))
        try position.apply(Self.fill(.buy, "10", at: "40000"))
        // harmonic: 20 / (10/60000 + 10/40000) = 2 × 60000 × 40000 / 100000 = 48000 (arithmetic would be 50000)
        #expect(position.averageEntry == "48000")
        // close 20 at 50000: 2000 × (1/48000 − 1/50000) = 2000 × 2000 / 2.4e9 = 0.0016666… → 0.00166667
        // per fill: 1000 × (1/60000 − 1/50000) = −0.0033333… and 1000 × (1/40000 − 1/50000) = 0.005; sum 0.0016666…
        #expect(try position.apply(Self.fill(.sell, "20", at: "50000")) == "0.00166667")
    }

    @Test("fees add up per fill; a maker rebate reduces them")
    func feesAndRebates() throws {
        var spec = try VenueSpecs.btcusdt()
        spec.fees = FeeSchedule(maker: "-0.0001", taker: "0.0005")
        var position = Position(spec: spec)
        // open taker: 0.1 × 60000 × 0.0005 = 3; close maker: 0.1 × 61000 × −0.0001 = −0.61
        let openFee = try spec.fee(quantity: "0.1", price: "60000", liquidity: .taker)
        let closeFee = try spec.fee(quantity: "0.1", price: "61000", liquidity: .maker)
        #expect(openFee == "3")
        #expect(closeFee == "-0.61")
        try position.apply(Self.fill(.buy, "0.1", at: "60000", fee: openFee.description))
        try position.apply(Self.fill(.sell, "0.1", at: "61000", fee: closeFee.description, liquidity: .maker))
        // realised 0.1 × 1000 = 100; fees 3 − 0.61 = 2.39; net 97.61
        #expect(position.realisedPnL == "100")
        #expect(position.feesPaid == "2.39")
        #expect(try position.netPnL(mark: "61000") == "97.61")
    }

    @Test("funding: a positive rate makes longs pay and shorts receive", arguments: [
        // linear: 0.1 × 60000 = 6000 USDT × 0.0001 = 0.6
        ("fapi:BTCUSDT", Side.buy, "0.1", "60000", "0.0001", "-0.6"),
        ("fapi:BTCUSDT", .sell, "0.1", "60000", "0.0001", "0.6"),
        ("fapi:BTCUSDT", .buy, "0.1", "60000", "-0.0001", "0.6"),
        ("fapi:BTCUSDT", .sell, "0.1", "60000", "-0.0001", "-0.6"),
        // inverse: 10 × 100 / 50000 = 0.02 BTC × 0.0001 = 0.000002 BTC
        ("dapi:BTCUSD_PERP", .buy, "10", "50000", "0.0001", "-0.000002"),
        ("dapi:BTCUSD_PERP", .sell, "10", "50000", "0.0001", "0.000002"),
        ("dapi:BTCUSD_PERP", .buy, "10", "50000", "-0.0001", "0.000002"),
    ])
    func fundingSign(key: String, side: Side, quantity: String, mark: String, rate: String, expected: String) throws {
        var position = Position(spec: try VenueSpecs.spec(key))
        try position.apply(Self.fill(side, quantity, at: mark))
        let payment = try Funding.payment(position: position, mark: dec(mark), rate: dec(rate))
        #expect(payment == dec(expected))
        try position.applyFunding(payment)
        #expect(try position.netPnL(mark: dec(mark)) == dec(expected))
    }

    @Test("a flat position pays no funding")
    func flatPaysNoFunding() throws {
        let position = Position(spec: try VenueSpecs.btcusdt())
        #expect(try Funding.payment(position: position, mark: "60000", rate: "0.001") == .zero)
    }

    @Test("signed base exposure: long positive, short negative; inverse at the price")
    func signedBaseExposure() throws {
        var linear = Position(spec: try VenueSpecs.btcusdt())
        try linear.apply(Self.fill(.sell, "0.02", at: "50000"))
        #expect(try linear.baseExposure(at: "50000") == "-0.02")
        var inverse = Position(spec: try VenueSpecs.btcusdPerp())
        try inverse.apply(Self.fill(.buy, "10", at: "50000"))
        #expect(try inverse.baseExposure(at: "50000") == "0.02")
        #expect(try inverse.baseExposure(at: "40000") == "0.025")
    }
}
