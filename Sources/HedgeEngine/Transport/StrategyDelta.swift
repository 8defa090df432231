import HedgeCore

/// What changed in one strategy between two snapshots, by part: its settings (rarely), its live
/// figures (spread, PnL, state: each frame), each leg, and each series as an `ArrayDelta`. A
/// part absent is unchanged.
public struct StrategyDelta: Codable, Sendable {
    /// The strategy's place in `EngineSnapshot.strategies`.
    public var index: Int
    /// The whole strategy, when the watcher had none at `index` or another one there.
    public var whole: StrategySnapshot?
    var settings: StrategySettings?
    var figures: StrategyFigures?
    var legA: LegDelta?
    var legB: LegDelta?
    var spreadSeries: ArrayDelta<SeriesPoint>?
    var meanSeries: ArrayDelta<SeriesPoint>?
    var pnlSeries: ArrayDelta<SeriesPoint>?
    var entryBandSeries: ArrayDelta<BandPoint>?
    var exitBandSeries: ArrayDelta<BandPoint>?
    var markers: ArrayDelta<ChartMarker>?
    var transitions: ArrayDelta<Transition>?
    var openOrders: ArrayDelta<OrderSnapshot>?

    /// The change from `old` to `new` at `index`; nil when they are the same.
    init?(index: Int, from old: StrategySnapshot?, to new: StrategySnapshot) {
        self.index = index
        guard let old, old.name == new.name else {
            whole = new
            return
        }
        if old.sharesBox(with: new) { return nil }
        let before = old.box.fields, after = new.box.fields
        let settings = StrategySettings(after)
        if StrategySettings(before) != settings { self.settings = settings }
        let figures = StrategyFigures(after)
        if StrategyFigures(before) != figures { self.figures = figures }
        legA = LegDelta(from: before.legs.a, to: after.legs.a)
        legB = LegDelta(from: before.legs.b, to: after.legs.b)
        spreadSeries = ArrayDelta(from: before.spreadSeries, to: after.spreadSeries)
        meanSeries = ArrayDelta(from: before.meanSeries, to: after.meanSeries)
        pnlSeries = ArrayDelta(from: before.pnlSeries, to: after.pnlSeries)
        entryBandSeries = ArrayDelta(from: before.entryBandSeries, to: after.entryBandSeries)
        exitBandSeries = ArrayDelta(from: before.exitBandSeries, to: after.exitBandSeries)
        markers = ArrayDelta(from: before.markers, to: after.markers)
        transitions = ArrayDelta(from: before.transitions, to: after.transitions)
        openOrders = ArrayDelta(from: before.openOrders, to: after.openOrders)
        if self.settings == nil, self.figures == nil, legA == nil, legB == nil, spreadSeries == nil, meanSeries == nil,
           pnlSeries == nil, entryBandSeries == nil, exitBandSeries == nil, markers == nil, transitions == nil, openOrders == nil {
            return nil
        }
    }

    /// The strategy after the change, from `old` (the watcher's at `index`).
    func apply(to old: StrategySnapshot?) throws(WireError) -> StrategySnapshot {
        if let whole { return whole }
        guard let old else { throw WireError(.malformed, "a delta changes strategy \(index), which the watcher does not have") }
        var fields = old.box.fields
        settings?.apply(to: &fields)
        figures?.apply(to: &fields)
        if let legA { fields.legs.a = legA.apply(to: fields.legs.a) }
        if let legB { fields.legs.b = legB.apply(to: fields.legs.b) }
        if let spreadSeries { fields.spreadSeries = try spreadSeries.apply(to: fields.spreadSeries) }
        if let meanSeries { fields.meanSeries = try meanSeries.apply(to: fields.meanSeries) }
        if let pnlSeries { fields.pnlSeries = try pnlSeries.apply(to: fields.pnlSeries) }
        if let entryBandSeries { fields.entryBandSeries = try entryBandSeries.apply(to: fields.entryBandSeries) }
        if let exitBandSeries { fields.exitBandSeries = try exitBandSeries.apply(to: fields.exitBandSeries) }
        if let markers { fields.markers = try markers.apply(to: fields.markers) }
        if let transitions { fields.transitions = try transitions.apply(to: fields.transitions) }
        if let openOrders { fields.openOrders = try openOrders.apply(to: fields.openOrders) }
        return StrategySnapshot(fields: fields)
    }
}

/// What a strategy is set to do: changes with a threshold command, not with the market.
struct StrategySettings: Codable, Sendable, Equatable {
    var kind: StrategyKind
    var entryRule: String
    var exitRule: String
    var entry: Threshold
    var exit: Threshold

    init(_ fields: StrategySnapshot.Fields) {
        kind = fields.kind
        entryRule = fields.entryRule
        exitRule = fields.exitRule
        entry = fields.entry
        exit = fields.exit
    }

    func apply(to fields: inout StrategySnapshot.Fields) {
        fields.kind = kind
        fields.entryRule = entryRule
        fields.exitRule = exitRule
        fields.entry = entry
        fields.exit = exit
    }
}

/// A strategy's figures other than its legs and series: what moves with the market and its state.
struct StrategyFigures: Codable, Sendable, Equatable {
    /// A chart band as it travels (tuples are not `Codable`).
    struct Band: Codable, Sendable, Equatable {
        var upper: Double
        var lower: Double
    }

    var state: StrategyStateName
    var stateSince: Timestamp
    var paused: Bool
    var haltReason: String?
    var spreadBps: FixedDecimal?
    var rollingMeanBps: Double?
    var zScore: Double?
    var annualisedBasis: Double?
    var entryBandBps: Band?
    var exitBandBps: Band?
    var pnl: PnLSummary
    var completedCycles: Int
    var haltedByKillSwitch: Bool
    var rebalanceNeeded: Bool
    var unhedgedSince: Timestamp?

    init(_ fields: StrategySnapshot.Fields) {
        state = fields.state
        stateSince = fields.stateSince
        paused = fields.paused
        haltReason = fields.haltReason
        spreadBps = fields.spreadBps
        rollingMeanBps = fields.rollingMeanBps
        zScore = fields.zScore
        annualisedBasis = fields.annualisedBasis
        entryBandBps = fields.entryBandBps.map { Band(upper: $0.upper, lower: $0.lower) }
        exitBandBps = fields.exitBandBps.map { Band(upper: $0.upper, lower: $0.lower) }
        pnl = fields.pnl
        completedCycles = fields.completedCycles
        haltedByKillSwitch = fields.haltedByKillSwitch
        rebalanceNeeded = fields.rebalanceNeeded
        unhedgedSince = fields.unhedgedSince
    }

    func apply(to fields: inout StrategySnapshot.Fields) {
        fields.state = state
        fields.stateSince = stateSince
        fields.paused = paused
        fields.haltReason = haltReason
        fields.spreadBps = spreadBps
        fields.rollingMeanBps = rollingMeanBps
        fields.zScore = zScore
        fields.annualisedBasis = annualisedBasis
        fields.entryBandBps = entryBandBps.map { (upper: $0.upper, lower: $0.lower) }
        fields.exitBandBps = exitBandBps.map { (upper: $0.upper, lower: $0.lower) }
        fields.pnl = pnl
        fields.completedCycles = completedCycles
        fields.haltedByKillSwitch = haltedByKillSwitch
        fields.rebalanceNeeded = rebalanceNeeded
        fields.unhedgedSince = unhedgedSince
    }
}

/// What changed in one leg: the whole leg when its contract did (rare), else its live figures.
struct LegDelta: Codable, Sendable {
    var whole: LegSnapshot?
    var live: LegFigures?

    /// Nil when `old` and `new` are equal.
    init?(from old: LegSnapshot, to new: LegSnapshot) {
        guard old != new else { return nil }
        if LegContract(old) != LegContract(new) {
            whole = new
        } else {
            live = LegFigures(new)
        }
    }

    func apply(to old: LegSnapshot) -> LegSnapshot {
        if let whole { return whole }
        var leg = old
        live?.apply(to: &leg)
        return leg
    }
}

/// A leg's contract facts: fixed for the strategy's life.
struct LegContract: Equatable {
    var instrument: InstrumentID
    var margining: Margining
    var settlementAsset: String
    var tickSize: FixedDecimal?
    var lotStep: FixedDecimal?
    var baseAsset: String?

    init(_ leg: LegSnapshot) {
        instrument = leg.instrument
        margining = leg.margining
        settlementAsset = leg.settlementAsset
        tickSize = leg.tickSize
        lotStep = leg.lotStep
        baseAsset = leg.baseAsset
    }
}

/// A leg's figures that move with the market and with fills.
struct LegFigures: Codable, Sendable, Equatable {
    var quote: Quote?
    var quantity: FixedDecimal
    var averageEntry: FixedDecimal
    var mark: FixedDecimal?
    var unrealisedPnL: FixedDecimal
    var realisedPnL: FixedDecimal
    var fees: FixedDecimal
    var funding: FixedDecimal
    var liquidationPrice: FixedDecimal?
    var margin: MarginStatus?
    var freshness: LegFreshness?
    var baseExposure: FixedDecimal?

    init(_ leg: LegSnapshot) {
        quote = leg.quote
        quantity = leg.quantity
        averageEntry = leg.averageEntry
        mark = leg.mark
        unrealisedPnL = leg.unrealisedPnL
        realisedPnL = leg.realisedPnL
        fees = leg.fees
        funding = leg.funding
        liquidationPrice = leg.liquidationPrice
        margin = leg.margin
        freshness = leg.freshness
        baseExposure = leg.baseExposure
    }

    func apply(to leg: inout LegSnapshot) {
        leg.quote = quote
        leg.quantity = quantity
        leg.averageEntry = averageEntry
        leg.mark = mark
        leg.unrealisedPnL = unrealisedPnL
        leg.realisedPnL = realisedPnL
        leg.fees = fees
        leg.funding = funding
        leg.liquidationPrice = liquidationPrice
        leg.margin = margin
        leg.freshness = freshness
        leg.baseExposure = baseExposure
    }
}
