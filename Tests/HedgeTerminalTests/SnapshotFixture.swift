@testable import HedgeCore
@testable import HedgeEngine
@testable import HedgeTerminal

/// A calendar spread on BTC (September vs December) in MONITORING_SPREAD, built by hand.
enum SnapshotFixture {
    static let start = Timestamp(seconds: 1_723_161_600) // 2024-08-09 00:00:00 UTC

    static func at(_ seconds: Int64) -> Timestamp { Timestamp(seconds: 1_723_161_600 + seconds) }

    static func leg(_ symbol: String, quantity: FixedDecimal, entry: FixedDecimal, bid: FixedDecimal, ask: FixedDecimal, upnl: FixedDecimal) -> LegSnapshot {
        LegSnapshot(instrument: InstrumentID(venue: "binance-usdm", symbol: symbol), margining: .linear, settlementAsset: "USDT",
                    quote: Quote(bid: bid, bidSize: 3, ask: ask, askSize: 2, time: at(600)),
                    quantity: quantity, averageEntry: entry, mark: bid, unrealisedPnL: upnl, realisedPnL: .zero,
                    fees: "1.25", funding: .zero, liquidationPrice: nil,
                    margin: MarginStatus(available: "950000", marginRatio: 0.031, utilisation: 0.0625), tickSize: "0.1",
                    freshness: LegFreshness(age: .milliseconds(300), limit: .seconds(3)))
    }

    static var strategy: StrategySnapshot {
        let spread = (0..<120).map { SeriesPoint(time: at(Int64($0 * 5)), value: 40 + 10 * Double(($0 % 20) - 10) / 10) }
        let mean = (0..<120).map { SeriesPoint(time: at(Int64($0 * 5)), value: 40) }
        let pnl = (0..<60).map { SeriesPoint(time: at(Int64($0 * 10)), value: Double($0) * 0.5 - 5) }
        // σ grows over the window: 2σ is 2 bps at the start and 12 (today's band) at the end, so
        // the entries at 395 s (49 bps, 2σ 5.3) and 500 s (30 bps, 2σ 8.5) were outside the band
        // then and are inside today's.
        func width(_ index: Int) -> Double { max(2, 12 * (Double(index) / 119) * (Double(index) / 119)) }
        let entryBand = (0..<120).map { BandPoint(time: at(Int64($0 * 5)), upper: 40 + width($0), lower: 40 - width($0)) }
        let exitBand = (0..<120).map { BandPoint(time: at(Int64($0 * 5)), upper: 40 + width($0) / 4, lower: 40 - width($0) / 4) }
        return StrategySnapshot(
            name: "cal-btc", kind: .calendar, state: .monitoring, stateSince: at(408), paused: false, haltReason: nil,
            legs: PerLeg(a: leg("BTCUSDT_240927", quantity: "0.5", entry: "61950.1", bid: "62010.5", ask: "62011.0", upnl: "30.20"),
                         b: leg("BTCUSDT_241227", quantity: "-0.5", entry: "62870.0", bid: "62930.0", ask: "62931.5", upnl: "-30.75")),
            spreadBps: "44.5", rollingMeanBps: 40.25, zScore: 1.234, annualisedBasis: 0.0512,
            entryBandBps: (upper: 52, lower: 28), exitBandBps: (upper: 42, lower: 38),
            entryRule: "|z| >= 2.0", exitRule: "|z| <= 0.5",
            pnl: PnLSummary(realised: "12.50", unrealised: "-0.55", fees: "2.50", funding: "0.10", net: "9.55"),
            spreadSeries: spread, meanSeries: mean, pnlSeries: pnl,
            markers: [ChartMarker(time: at(395), kind: .entry, spreadBps: 49, richLeg: .a),
                      ChartMarker(time: at(450), kind: .exit, spreadBps: 40),
                      ChartMarker(time: at(500), kind: .entry, spreadBps: 30, richLeg: .b)],
            transitions: [
                Transition(from: .scanning, to: .spreadDetected, reason: "z 2.1 above entry", time: at(390)),
                Transition(from: .openingShort, to: .monitoring, reason: "both legs filled", time: at(408)),
            ],
            openOrders: [], completedCycles: 3, entry: .z(2), exit: .z(0.5),
            entryBandSeries: entryBand, exitBandSeries: exitBand)
    }

    static var snapshot: EngineSnapshot {
        EngineSnapshot(sequence: 7, time: at(600), mode: .paper, strategies: [strategy],
                       venues: [VenueStatus(name: "binance-usdm", connected: true, latencyMillis: 12, latencyP99Millis: 31)],
                       log: [LogEntry(time: at(408), severity: .info, strategy: "cal-btc", message: "spread opened"),
                             LogEntry(time: at(500), severity: .warning, strategy: "cal-btc", message: "leg B quote stale 2s")],
                       desk: DeskSummary(strategies: [strategy], day: DayBaseline(from: start, marks: ["cal-btc": .zero]), limits: .none, funding: [:]))
    }
}
