import Testing
@testable import HedgeCore

/// The average price of an order's fills, as hedges are sized from it.
@Suite("Fill average")
struct FillAverageTests {
    @Test("linear: the volume-weighted mean, exact")
    func linearMean() throws {
        var average = FillAverage(margining: .linear)
        // USD-M BTCUSDT asks of 2024-08-08 23:54:15: 1.072 @ 61800.30, 0.002 @ 61800.70, 0.003 @ 61801.00.
        try average.add(quantity: "1.072", price: "61800.30")
        try average.add(quantity: "0.002", price: "61800.70")
        try average.add(quantity: "0.003", price: "61801.00")
        // (66249.9216 + 123.6014 + 185.403) / 1.077 = 66558.926 / 1.077 = 61800.3026926648…
        #expect(average.quantity == "1.077")
        #expect(average.averagePrice == "61800.30269266")
        #expect(try average.baseExposure(TestContracts.linear("v")) == "1.077")
    }

    @Test("inverse: the harmonic mean, so contracts × size / average is the coins the fills hold")
    func inverseHarmonicMean() throws {
        var average = FillAverage(margining: .inverse)
        // COIN-M BTCUSD_PERP bids: 35 @ 61804.7, 8 @ 61802.0, 53 @ 61800.8.
        try average.add(quantity: "35", price: "61804.7")
        try average.add(quantity: "8", price: "61802.0")
        try average.add(quantity: "53", price: "61800.8")
        // Coins: 3500/61804.7 + 800/61802.0 + 5300/61800.8 = 0.05662999… + 0.01294456… + 0.08575940… = 0.15533396994…
        // Harmonic mean 96 / 0.0015533396994… = 61802.32182081 (rounded once); 9600 / it = 0.15533397.
        #expect(average.quantity == "96")
        #expect(average.averagePrice == "61802.32182081")
        #expect(try average.baseExposure(TestContracts.inverse("v")) == "0.15533397")
        // The top price alone says 9600 / 61804.7 = 0.15532799: the walk is in the coins.
        #expect(try TestContracts.inverse("v").baseExposure(quantity: "96", price: "61804.7") == "0.15532799")
    }

    @Test("the children of a split order add up to the order")
    func addsChildren() throws {
        var first = FillAverage(margining: .inverse), second = FillAverage(margining: .inverse), whole = FillAverage(margining: .inverse)
        try first.add(quantity: "35", price: "61804.7")
        try second.add(quantity: "53", price: "61800.8")
        try whole.add(quantity: "35", price: "61804.7")
        try whole.add(quantity: "53", price: "61800.8")
        try first.add(second)
        #expect(first == whole)
        #expect(FillAverage(margining: .linear).averagePrice == nil)
    }
}
