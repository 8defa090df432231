import HedgeCore

/// One strategy as the screen shows it.
///
/// Its fields live in one immutable box shared by every copy: a snapshot of 100 strategies is 100
/// references, and the engine publishes an unchanged strategy's box again as it is (building it
/// afresh cost ≈ 1.5 µs a strategy). Setting a field puts a new box in place; no copy sees it.
public struct StrategySnapshot: Sendable, Hashable, Identifiable {
    /// Every field of a strategy snapshot, as a plain value.
    struct Fields: Sendable {
        var name: String
        var kind: StrategyKind
        var state: StrategyStateName
        var stateSince: Timestamp
        var paused: Bool
        /// Why the strategy is in ERROR, or the last alert that matters.
        var haltReason: String? = nil
        var legs: PerLeg<LegSnapshot>
        /// The current spread A − B in bps of B (nil before both legs have quotes).
        var spreadBps: FixedDecimal? = nil
        var rollingMeanBps: Double? = nil
        var zScore: Double? = nil
        /// Annualised basis as a fraction, when a leg has an expiry.
        var annualisedBasis: Double? = nil
        /// The thresholds as the chart draws them, in bps (already offset by the fair value).
        var entryBandBps: (upper: Double, lower: Double)? = nil
        var exitBandBps: (upper: Double, lower: Double)? = nil
        var entryRule: String
        var exitRule: String
        /// The thresholds themselves, for the adjust dialog.
        var entry: Threshold
        var exit: Threshold
        var pnl: PnLSummary
        /// Spread in bps over time, bounded and downsampled; oldest first.
        var spreadSeries: [SeriesPoint]
        /// Rolling mean in bps over time, aligned with `spreadSeries` where known.
        var meanSeries: [SeriesPoint]
        /// Net PnL (USD) over time; oldest first.
        var pnlSeries: [SeriesPoint]
        /// The entry band as it was at each time (empty before it is known, and from a server that
        /// predates it); `entryBandBps` is its newest value.
        var entryBandSeries: [BandPoint]
        /// The exit band as it was at each time.
        var exitBandSeries: [BandPoint]
        var markers: [ChartMarker]
        /// Newest last; bounded.
        var transitions: [Transition]
        var openOrders: [OrderSnapshot]
        var completedCycles: Int
        /// In ERROR because the kill switch halted it (the screen says HALTED; a resume lifts it).
        var haltedByKillSwitch: Bool = false
        /// A manual rebalance would be accepted now (monitoring, legs a lot or more off the hedge
        /// ratio): the screen offers the rebalance dialog only then.
        var rebalanceNeeded: Bool = false
        /// Since when the legs have not cancelled in their base coin (`PairHedge`), by the engine's
        /// clock at the first snapshot that saw it; nil while hedged or when not known.
        var unhedgedSince: Timestamp? = nil
    }

    /// Holds one strategy's fields; never changed once made, so copies share it across tasks.
    final class Box: Sendable {
        let fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private(set) var box: Box

    /// A snapshot around `fields`, in a box of its own.
    init(fields: Fields) { box = Box(fields) }

    /// Whether `self` and `other` share one box: equal without looking (the engine's and the
    /// socket's test of "unchanged since the last snapshot").
    func sharesBox(with other: StrategySnapshot) -> Bool { box === other.box }

    /// Changes the fields through a copy in a new box: the old box may be shared.
    mutating func update(_ change: (inout Fields) -> Void) {
        var fields = box.fields
        change(&fields)
        box = Box(fields)
    }

    public var id: String { name }
    public var name: String {
        _read { yield box.fields.name }
        set { update { $0.name = newValue } }
    }
    public var kind: StrategyKind {
        _read { yield box.fields.kind }
        set { update { $0.kind = newValue } }
    }
    public var state: StrategyStateName {
        _read { yield box.fields.state }
        set { update { $0.state = newValue } }
    }
    public var stateSince: Timestamp {
        _read { yield box.fields.stateSince }
        set { update { $0.stateSince = newValue } }
    }
    public var paused: Bool {
        _read { yield box.fields.paused }
        set { update { $0.paused = newValue } }
    }
    /// Why the strategy is in ERROR, or the last alert that matters.
    public var haltReason: String? {
        _read { yield box.fields.haltReason }
        set { update { $0.haltReason = newValue } }
    }
    public var legs: PerLeg<LegSnapshot> {
        _read { yield box.fields.legs }
        set { update { $0.legs = newValue } }
    }
    /// The current spread A − B in bps of B (nil before both legs have quotes).
    public var spreadBps: FixedDecimal? {
        _read { yield box.fields.spreadBps }
        set { update { $0.spreadBps = newValue } }
    }
    public var rollingMeanBps: Double? {
        _read { yield box.fields.rollingMeanBps }
        set { update { $0.rollingMeanBps = newValue } }
    }
    public var zScore: Double? {
        _read { yield box.fields.zScore }
        set { update { $0.zScore = newValue } }
    }
    /// Annualised basis as a fraction, when a leg has an expiry.
    public var annualisedBasis: Double? {
        _read { yield box.fields.annualisedBasis }
        set { update { $0.annualisedBasis = newValue } }
    }
    /// The thresholds as the chart draws them, in bps (already offset by the fair value).
    public var entryBandBps: (upper: Double, lower: Double)? {
        _read { yield box.fields.entryBandBps }
        set { update { $0.entryBandBps = newValue } }
    }
    public var exitBandBps: (upper: Double, lower: Double)? {
        _read { yield box.fields.exitBandBps }
        set { update { $0.exitBandBps = newValue } }
    }
    public var entryRule: String {
        _read { yield box.fields.entryRule }
        set { update { $0.entryRule = newValue } }
    }
    public var exitRule: String {
        _read { yield box.fields.exitRule }
        set { update { $0.exitRule = newValue } }
    }
    /// The thresholds themselves, for the adjust dialog.
    public var entry: Threshold {
        _read { yield box.fields.entry }
        set { update { $0.entry = newValue } }
    }
    public var exit: Threshold {
        _read { yield box.fields.exit }
        set { update { $0.exit = newValue } }
    }
    public var pnl: PnLSummary {
        _read { yield box.fields.pnl }
        set { update { $0.pnl = newValue } }
    }
    /// Spread in bps over time, bounded and downsampled; oldest first.
    public var spreadSeries: [SeriesPoint] {
        _read { yield box.fields.spreadSeries }
        set { update { $0.spreadSeries = newValue } }
    }
    /// Rolling mean in bps over time, aligned with `spreadSeries` where known.
    public var meanSeries: [SeriesPoint] {
        _read { yield box.fields.meanSeries }
        set { update { $0.meanSeries = newValue } }
    }
    /// Net PnL (USD) over time; oldest first.
    public var pnlSeries: [SeriesPoint] {
        _read { yield box.fields.pnlSeries }
        set { update { $0.pnlSeries = newValue } }
    }
    /// The entry band as it was at each time (empty before it is known, and from a server that
    /// predates it); `entryBandBps` is its newest value.
    public var entryBandSeries: [BandPoint] {
        _read { yield box.fields.entryBandSeries }
        set { update { $0.entryBandSeries = newValue } }
    }
    /// The exit band as it was at each time.
    public var exitBandSeries: [BandPoint] {
        _read { yield box.fields.exitBandSeries }
        set { update { $0.exitBandSeries = newValue } }
    }
    public var markers: [ChartMarker] {
        _read { yield box.fields.markers }
        set { update { $0.markers = newValue } }
    }
    /// Newest last; bounded.
    public var transitions: [Transition] {
        _read { yield box.fields.transitions }
        set { update { $0.transitions = newValue } }
    }
    public var openOrders: [OrderSnapshot] {
        _read { yield box.fields.openOrders }
        set { update { $0.openOrders = newValue } }
    }
    public var completedCycles: Int {
        _read { yield box.fields.completedCycles }
        set { update { $0.completedCycles = newValue } }
    }
    /// In ERROR because the kill switch halted it (the screen says HALTED; a resume lifts it).
    public var haltedByKillSwitch: Bool {
        _read { yield box.fields.haltedByKillSwitch }
        set { update { $0.haltedByKillSwitch = newValue } }
    }
    /// A manual rebalance would be accepted now (monitoring, legs a lot or more off the hedge
    /// ratio): the screen offers the rebalance dialog only then.
    public var rebalanceNeeded: Bool {
        _read { yield box.fields.rebalanceNeeded }
        set { update { $0.rebalanceNeeded = newValue } }
    }
    /// Since when the legs have not cancelled in their base coin (`PairHedge`), by the engine's
    /// clock at the first snapshot that saw it; nil while hedged or when not known.
    public var unhedgedSince: Timestamp? {
        _read { yield box.fields.unhedgedSince }
        set { update { $0.unhedgedSince = newValue } }
    }

    public init(name: String, kind: StrategyKind, state: StrategyStateName, stateSince: Timestamp,
                paused: Bool, haltReason: String?, legs: PerLeg<LegSnapshot>, spreadBps: FixedDecimal?,
                rollingMeanBps: Double?, zScore: Double?, annualisedBasis: Double?,
                entryBandBps: (upper: Double, lower: Double)?, exitBandBps: (upper: Double, lower: Double)?,
                entryRule: String, exitRule: String, pnl: PnLSummary, spreadSeries: [SeriesPoint],
                meanSeries: [SeriesPoint], pnlSeries: [SeriesPoint], markers: [ChartMarker],
                transitions: [Transition], openOrders: [OrderSnapshot], completedCycles: Int,
                entry: Threshold = .bps(0), exit: Threshold = .bps(0),
                entryBandSeries: [BandPoint] = [], exitBandSeries: [BandPoint] = []) {
        box = Box(Fields(
            name: name, kind: kind, state: state, stateSince: stateSince, paused: paused, haltReason: haltReason,
            legs: legs, spreadBps: spreadBps, rollingMeanBps: rollingMeanBps, zScore: zScore,
            annualisedBasis: annualisedBasis, entryBandBps: entryBandBps, exitBandBps: exitBandBps,
            entryRule: entryRule, exitRule: exitRule, entry: entry, exit: exit, pnl: pnl, spreadSeries: spreadSeries,
            meanSeries: meanSeries, pnlSeries: pnlSeries, entryBandSeries: entryBandSeries,
            exitBandSeries: exitBandSeries, markers: markers, transitions: transitions, openOrders: openOrders,
            completedCycles: completedCycles))
    }

    public static func == (lhs: StrategySnapshot, rhs: StrategySnapshot) -> Bool {
        if lhs.box === rhs.box { return true }
        return lhs.name == rhs.name && lhs.state == rhs.state && lhs.stateSince == rhs.stateSince
            && lhs.paused == rhs.paused && lhs.haltReason == rhs.haltReason && lhs.legs == rhs.legs
            && lhs.spreadBps == rhs.spreadBps && lhs.pnl == rhs.pnl && lhs.spreadSeries == rhs.spreadSeries
            && lhs.pnlSeries == rhs.pnlSeries && lhs.entryBandSeries == rhs.entryBandSeries
            && lhs.exitBandSeries == rhs.exitBandSeries && lhs.markers == rhs.markers && lhs.transitions == rhs.transitions
            && lhs.openOrders == rhs.openOrders && lhs.completedCycles == rhs.completedCycles
            && lhs.haltedByKillSwitch == rhs.haltedByKillSwitch && lhs.rebalanceNeeded == rhs.rebalanceNeeded
            && lhs.unhedgedSince == rhs.unhedgedSince
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(state)
        hasher.combine(stateSince)
    }
}
