import HedgeCore

/// One run of a sweep in figures: a grid point on the whole data (or on one walk-forward fold)
/// and what its replay's report says. Money is exact; ratios are the report's own doubles.
public struct SweepRow: Sendable, Hashable, Codable {
    public var point: SweepPoint
    /// The walk-forward fold it ran on (1-based); nil for the whole data.
    public var fold: Int?
    public var net: FixedDecimal
    public var cycles: Int
    public var winRate: Double?
    /// Of the equity curve (fills included), as the report's statistics give it.
    public var maxDrawdown: FixedDecimal
    /// Of per-cycle returns, the report's formula.
    public var sharpe: Double?
    public var feesShareOfGross: Double?
    /// Why the replay gave no result (a bad line under stop, a leg without quotes); nil when it did.
    public var failure: String?

    /// The row of `report`'s first strategy (a command-line replay has one).
    public init(point: SweepPoint, fold: Int?, report: RunReport, failure: String?) {
        self.point = point
        self.fold = fold
        let strategy = report.strategies.first
        net = strategy?.pnl.net ?? .zero
        cycles = strategy?.cycles ?? 0
        winRate = strategy?.statistics?.winRate
        maxDrawdown = strategy?.statistics?.maxDrawdown ?? strategy?.maxDrawdown ?? .zero
        sharpe = strategy?.statistics?.sharpe
        feesShareOfGross = strategy?.statistics?.feesShareOfGross
        var failure = failure
        if failure == nil, let missing = strategy?.legsWithoutQuotes, !missing.isEmpty {
            failure = "no quotes for \(missing.joined(separator: " and "))"
        }
        self.failure = failure
    }

    /// A run that could not start (`ReplaySetup` refused it).
    public init(point: SweepPoint, fold: Int?, failure: String) {
        self.point = point
        self.fold = fold
        net = .zero
        cycles = 0
        maxDrawdown = .zero
        self.failure = failure
    }

    /// Best first: the higher net PnL, then the earlier grid point (a stable, stated tie-break);
    /// failed runs last.
    public static func ranked(_ rows: [SweepRow]) -> [SweepRow] {
        rows.sorted { a, b in
            if (a.failure == nil) != (b.failure == nil) { return a.failure == nil }
            if a.net != b.net { return a.net > b.net }
            return a.point.index < b.point.index
        }
    }
}
