import HedgeCore

extension RunReport {
    /// A strategy's performance figures. Money is exact (`FixedDecimal`, USD); ratios are `Double`.
    public struct Statistics: Sendable, Hashable, Codable {
        /// Closed cycles (a spread that failed while opening counts: its cost is a result).
        public var closedCycles: Int
        public var wins: Int
        public var losses: Int
        /// Wins / closed cycles (a cycle netting exactly 0 is neither a win nor a loss).
        public var winRate: Double?
        public var grossWins: FixedDecimal
        /// The losing cycles' nets added up (negative or 0).
        public var grossLosses: FixedDecimal
        public var averageWin: FixedDecimal?
        /// Negative.
        public var averageLoss: FixedDecimal?
        /// Gross wins / |gross losses|; nil without a loss.
        public var profitFactor: Double?
        /// The deepest fall of the equity curve from its running peak (the curve starts at 0).
        public var maxDrawdown: FixedDecimal
        /// Data time with either leg holding a position, and its share of the replay.
        public var timeInMarketSeconds: Double
        public var timeInMarketShare: Double?
        /// Quote-currency notional of every fill added up (USD; USDT counted as USD).
        public var turnover: FixedDecimal
        /// Fees / gross PnL before fees (price PnL, open and closed, plus funding); nil when that
        /// gross is not positive.
        public var feesShareOfGross: Double?
        /// Sharpe ratio of per-cycle returns, as `sharpeFormula` says; nil with fewer than 2
        /// closed cycles or no spread of returns.
        public var sharpe: Double?
        public var sharpeFormula: String

        init(cycles: [CycleRow], fills: [ExecutionRecord.FillRow], equity: [ExecutionRecord.EquityPoint], pnl: Money,
             inMarket: Duration, duration: Duration, notional: FixedDecimal) {
            let nets = cycles.compactMap(\.net)
            closedCycles = nets.count
            let winning = nets.filter(\.isPositive), losing = nets.filter(\.isNegative)
            wins = winning.count
            losses = losing.count
            winRate = nets.isEmpty ? nil : Double(wins) / Double(nets.count)
            grossWins = (try? winning.sum()) ?? .zero
            grossLosses = (try? losing.sum()) ?? .zero
            averageWin = winning.isEmpty ? nil : try? grossWins.divided(by: FixedDecimal(winning.count))
            averageLoss = losing.isEmpty ? nil : try? grossLosses.divided(by: FixedDecimal(losing.count))
            profitFactor = grossLosses.isZero ? nil : grossWins.doubleValue / grossLosses.magnitude.doubleValue
            maxDrawdown = Self.maxDrawdown(equity)
            timeInMarketSeconds = inMarket.secondsDouble
            timeInMarketShare = duration > .zero ? inMarket.secondsDouble / duration.secondsDouble : nil
            turnover = (try? fills.map(\.notional).sum()) ?? .zero
            let gross = (try? pnl.realised + pnl.unrealised + pnl.funding) ?? .zero
            feesShareOfGross = gross.isPositive ? pnl.fees.doubleValue / gross.doubleValue : nil
            let returns = nets.map { notional.isPositive ? $0.doubleValue / notional.doubleValue : 0 }
            sharpe = Self.sharpe(returns)
            sharpeFormula = "Sharpe = mean(r) / sd(r) over closed cycles, r = cycle net / \(notional) USD notional per leg, "
                + "sd with n − 1 (n = \(nets.count)), per cycle, not annualised"
        }

        /// The deepest fall from a running peak, exactly.
        static func maxDrawdown(_ equity: [ExecutionRecord.EquityPoint]) -> FixedDecimal {
            var peak = FixedDecimal.min, deepest = FixedDecimal.zero
            for point in equity {
                if point.net > peak { peak = point.net }
                if let fall = try? peak - point.net, fall > deepest { deepest = fall }
            }
            return deepest
        }

        /// mean / sample standard deviation; nil below two returns or with none spread.
        static func sharpe(_ returns: [Double]) -> Double? {
            guard returns.count >= 2 else { return nil }
            let mean = returns.reduce(0, +) / Double(returns.count)
            let variance = returns.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(returns.count - 1)
            guard variance > 0 else { return nil }
            return mean / variance.squareRoot()
        }
    }
}
