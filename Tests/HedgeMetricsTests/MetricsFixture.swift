@testable import HedgeCore
@testable import HedgeEngine

/// A calendar spread on BTC (September vs December) in MONITORING_SPREAD with a working hedge
/// order, built by hand so every exported value can be checked against a written one.
enum MetricsFixture {
    static let start = Timestamp(seconds: 1_723_161_600) // 2024-08-09 00:00:00 UTC

    static func at(_ seconds: Int64) -> Timestamp { Timestamp(seconds: 1_723_161_600 + seconds) }

    static func leg(_ symbol: String, quantity: FixedDecimal, entry: FixedDecimal, bid: FixedDecimal, ask: FixedDecimal, upnl: FixedDecimal) -> LegSnapshot {
        LegSnapshot(instrument: InstrumentID(venue: "binance-usdm", symbol: symbol), margining: .linear, settlementAsset: "USDT",
                    quote: Quote(bid: bid, bidSize: 3, ask: ask, askSize: 2, time: at(600)),
                    quantity: quantity, averageEntry: entry, mark: bid, unrealisedPnL: upnl, realisedPnL: .zero,
                    fees: "1.25", funding: .zero, liquidationPrice: nil,
                    margin: MarginStatus(available: "950000", marginRatio: 0.031, utilisation: 0.0625))
    }

    static var strategy: StrategySnapshot {
        StrategySnapshot(
            name: "cal-btc", kind: .calendar, state: .monitoring, stateSince: at(408), paused: false, haltReason: nil,
            legs: PerLeg(a: leg("BTCUSDT_240927", quantity: "0.5", entry: "61950.1", bid: "62010.5", ask: "62011.0", upnl: "30.20"),
                         b: leg("BTCUSDT_241227", quantity: "-0.5", entry: "62870.0", bid: "62930.0", ask: "62931.5", upnl: "-30.75")),
            spreadBps: "-146.2", rollingMeanBps: -140.25, zScore: -1.5, annualisedBasis: 0.0512,
            entryBandBps: (upper: -128, lower: -152), exitBandBps: (upper: -138, lower: -142),
            entryRule: "|z| >= 2.0", exitRule: "|z| <= 0.5",
            // net = realised + unrealised + funding - fees = 12.50 - 0.55 + 0.10 - 2.50 = 9.55
            pnl: PnLSummary(realised: "12.50", unrealised: "-0.55", fees: "2.50", funding: "0.10", net: "9.55"),
            spreadSeries: [], meanSeries: [], pnlSeries: [], markers: [], transitions: [],
            openOrders: [OrderSnapshot(id: "cal-btc-7", leg: .b, instrument: InstrumentID(venue: "binance-usdm", symbol: "BTCUSDT_241227"),
                                       side: .buy, quantity: "0.1", filled: .zero, purpose: .adjust, sentAt: at(590))],
            completedCycles: 3)
    }

    /// Log entries 1...3: an info, a warning (a rejection) and an error.
    static var snapshot: EngineSnapshot {
        EngineSnapshot(sequence: 7, time: at(600), mode: .paper, strategies: [strategy],
                       venues: [VenueStatus(name: "binance-usdm", connected: true, latencyMillis: 12, latencyP99Millis: 31,
                                            ordersSent: 9, ordersRejected: 1)],
                       log: [log(1, .info, "spread opened"), log(2, .warning, "leg B order cal-btc-6 rejected: price band"),
                             log(3, .error, "margin call")])
    }

    static func log(_ id: UInt64, _ severity: LogEntry.Severity, _ message: String) -> LogEntry {
        LogEntry(id: id, time: at(Int64(id)), severity: severity, strategy: "cal-btc", message: message)
    }
}
