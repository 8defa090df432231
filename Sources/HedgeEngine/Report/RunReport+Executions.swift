import HedgeCore

/// The report's per-fill and per-cycle tables and each strategy's equity curve, from the
/// engine's `ExecutionRecord`.
extension RunReport {
    /// One cycle: entry and exit, how long it was held, and its PnL split in USD.
    public struct CycleRow: Sendable, Hashable, Codable {
        public var number: Int
        public var openedAt: Timestamp
        public var closedAt: Timestamp?
        public var entrySpreadBps: FixedDecimal
        public var exitSpreadBps: FixedDecimal?
        /// From the cycle's opening (both legs hedged) to its close, in seconds.
        public var holdSeconds: Double?
        /// Both legs' price PnL before fees, fees, funding and net, in USD; nil while open.
        public var legsPnL: FixedDecimal?
        public var fees: FixedDecimal?
        public var funding: FixedDecimal?
        public var net: FixedDecimal?
        public var reason: String?
        /// Each leg's share in its settlement asset (empty while open).
        public var legs: [ExecutionRecord.LegResult]
    }

    /// The cycle rows of one strategy: its trades (numbered as the report numbers them) with
    /// their splits.
    static func cycleRows(trades: [RunRecord.Trade], results: [ExecutionRecord.CycleResult]) -> [CycleRow] {
        trades.enumerated().map { offset, trade in
            let number = offset + 1
            let result = results.first { $0.number == number }
            return CycleRow(number: number, openedAt: trade.openedAt, closedAt: trade.closedAt, entrySpreadBps: trade.entrySpreadBps,
                            exitSpreadBps: trade.exitSpreadBps, holdSeconds: trade.closedAt.map { ($0 - trade.openedAt).secondsDouble },
                            legsPnL: result?.legsPnL, fees: result?.fees, funding: result?.funding, net: trade.netPnL ?? result?.net,
                            reason: trade.reason, legs: result?.legs ?? [])
        }
    }

    /// The equity curve as reported: 0 at the start, each recorded point, and the final net at the end.
    static func equityCurve(_ points: [ExecutionRecord.EquityPoint], from: Timestamp, end: Timestamp, net: FixedDecimal) -> [ExecutionRecord.EquityPoint] {
        var curve = [ExecutionRecord.EquityPoint(time: from, net: .zero)]
        for point in points where point.time >= from && point.time <= end {
            if curve.last?.time == point.time { curve[curve.count - 1] = point } else { curve.append(point) }
        }
        if curve.last?.time == end { curve[curve.count - 1].net = net } else { curve.append(ExecutionRecord.EquityPoint(time: end, net: net)) }
        return curve
    }

    /// Fills in each strategy's executions, cycles, equity and statistics from the engine's record.
    mutating func addExecutions(engine: Engine, end: Timestamp) {
        let executions = engine.record.executions
        for index in strategies.indices {
            let outcome = executions.outcome(strategy: index, end: end)
            var strategy = strategies[index]
            strategy.fills = outcome.rows
            strategy.cycleResults = Self.cycleRows(trades: strategy.trades, results: outcome.cycles)
            strategy.equity = Self.equityCurve(outcome.equity, from: from, end: end, net: strategy.pnl.net)
            let notional = index < engine.machines.count ? engine.machines[index].config.targetNotional : .zero
            strategy.statistics = Statistics(cycles: strategy.cycleResults, fills: strategy.fills, equity: strategy.equity, pnl: strategy.pnl,
                                             inMarket: outcome.inMarket, duration: end - from, notional: notional)
            strategy.equityMarkSpacingSeconds = outcome.markSpacing.secondsDouble
            strategies[index] = strategy
        }
    }
}
