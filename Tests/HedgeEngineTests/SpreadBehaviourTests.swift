import Foundation
@testable import HedgeCore
@testable import HedgeVenues
import Testing
@testable import HedgeEngine

/// The synthetic markets' spreads move like the recorded ones: the same volatility, half-life
/// and jump rate, measured the same way (`SpreadBehaviour`, 1 s samples) on the 2024-08-08
/// Binance recordings (`Fixtures/binance_quotes_20240808_500ms.csv`, see its README) and on each
/// scenario's seeded market in its calm regime (the recordings hold no volatile stretch).
@Suite("Synthetic spreads behave like the recordings")
struct SpreadBehaviourTests {
    static let usdm = InstrumentID(venue: "binance-usdm", symbol: "BTCUSDT")
    static let coinm = InstrumentID(venue: "binance-coinm", symbol: "BTCUSD_PERP")
    static let spot = InstrumentID(venue: "binance-spot", symbol: "BTCUSDT")
    static let start = Timestamp(seconds: 1_800_000_000)

    /// The recordings' pairs: USD-M against COIN-M (a cross of two perpetuals) and USD-M against
    /// spot (a basis), each as measured on the whole 5.7 minutes.
    static func recorded() throws -> [(name: String, behaviour: SpreadBehaviour)] {
        let url = try #require(Bundle.module.url(forResource: "binance_quotes_20240808_500ms", withExtension: "csv", subdirectory: "Fixtures"))
        return try [("USD-M/COIN-M", usdm, coinm), ("USD-M/spot", usdm, spot)].map { name, a, b in
            var feed = try ReplayFeed(paths: [url.path], instruments: [a, b])
            let spread = SpreadBehaviour.sampleSpread(&feed, legs: PerLeg(a: a, b: b), interval: .seconds(1))
            return (name, try #require(SpreadBehaviour(spread: spread, interval: 1)))
        }
    }

    /// `name`'s market for `seconds` of data time, calm throughout or switching regimes as the
    /// demo does.
    static func synthetic(_ name: PaperScenario.Name, seed: UInt64 = 42, calm: Bool, seconds: Int64) throws -> SpreadBehaviour {
        let scenario = name.scenario(start: start, seed: seed)
        var feed: any MarketFeed
        switch name {
        case .calendar:
            var parameters = (scenario.feed as! SyntheticCalendarFeed).parameters
            if calm { parameters.market.regime = .fixed(.calm) }
            feed = SyntheticCalendarFeed(parameters)
        case .cross:
            var parameters = (scenario.feed as! SyntheticCrossFeed).parameters
            if calm { parameters.market.regime = .fixed(.calm) }
            feed = SyntheticCrossFeed(parameters)
        case .basis:
            var parameters = (scenario.feed as! SyntheticBasisFeed).parameters
            if calm { parameters.market.regime = .fixed(.calm) }
            feed = SyntheticBasisFeed(parameters)
        }
        // The far (or rich) leg over the other, as the strategy reads it.
        let legs = scenario.strategies[0].legs
        let spread = SpreadBehaviour.sampleSpread(&feed, legs: PerLeg(a: legs.a.id, b: legs.b.id), interval: .seconds(1),
                                                  duration: .seconds(seconds))
        return try #require(SpreadBehaviour(spread: spread, interval: 1))
    }

    static func line(_ name: String, _ figures: SpreadBehaviour) -> String {
        func two(_ value: Double) -> String { String(format: "%.2f", value) }
        return "\(name): volatility \(two(figures.volatility)) bps/√s, half-life \(two(figures.halfLife)) s, jumps (> 4σ of 1 s changes) "
            + "\(String(format: "%.0f", figures.jumpsPerHour))/h, level σ \(two(figures.levelSigma)) bps over \(Int(figures.seconds)) s"
    }

    @Test("the measure: an AR(1) series of known half-life and σ reads back as such")
    func measureReadsAKnownSeries() throws {
        // x[t+1] = 0.5 x[t] + e, e ~ N(0, 1): half-life 1 interval; changes' σ² = 2σ²ₓ(1 − b) = 2 × 4/3 × 0.5.
        var random = SeededRandom(seed: 9)
        var x = 0.0, series: [Double] = []
        for _ in 0..<20_000 {
            x = 0.5 * x + random.gaussian()
            series.append(x)
        }
        let figures = try #require(SpreadBehaviour(spread: series, interval: 2))
        #expect(abs(figures.halfLife - 2) < 0.1, "\(figures.halfLife)")
        #expect(abs(figures.volatility - (4.0 / 3).squareRoot() / 2.0.squareRoot()) < 0.02, "\(figures.volatility)")
        #expect(abs(figures.levelSigma - (4.0 / 3).squareRoot()) < 0.03)
        // Gaussian changes: 4σ is passed by 0.0063 % of them, about 1 in 20 000.
        #expect(figures.jumpsPerHour * figures.seconds / 3600 <= 5)
    }

    @Test("each scenario's calm market matches the recordings: volatility ±25 %, half-life ±40 %, jumps within the recordings' interval",
          arguments: PaperScenario.Name.allCases)
    func calmMarketMatchesRecordings(name: PaperScenario.Name) throws {
        let recorded = try Self.recorded()
        let hours = recorded.map { $0.behaviour.seconds / 3600 }.reduce(0, +)
        let volatility = average(recorded.map(\.behaviour.volatility))
        let halfLife = average(recorded.map(\.behaviour.halfLife))
        // Jumps are few in 11 minutes: pooled, with a 2σ Poisson interval on their count.
        let count = recorded.map { $0.behaviour.jumpsPerHour * $0.behaviour.seconds / 3600 }.reduce(0, +)
        let jumps = max(0, count - 2 * count.squareRoot()) / hours...(count + 2 * count.squareRoot()) / hours
        let figures = try Self.synthetic(name, calm: true, seconds: 3600)
        for (pair, behaviour) in recorded { print(Self.line("recorded \(pair)", behaviour)) }
        print(Self.line("synthetic \(name), calm, seed 42", figures))
        // For the README: the demo as it runs, volatile stretches and their dislocations included.
        print(Self.line("synthetic \(name), as the demo runs, seed 42", try Self.synthetic(name, calm: false, seconds: 3600)))
        #expect(abs(figures.volatility / volatility - 1) <= 0.25, "volatility \(figures.volatility) against \(volatility)")
        #expect(abs(figures.halfLife / halfLife - 1) <= 0.4, "half-life \(figures.halfLife) s against \(halfLife) s")
        #expect(jumps.contains(figures.jumpsPerHour), "jumps \(figures.jumpsPerHour)/h against \(jumps)")
    }
}

private func average(_ values: [Double]) -> Double { values.reduce(0, +) / Double(max(values.count, 1)) }
