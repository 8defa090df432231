import DequeModule
import HedgeCore

/// One strategy inside the engine: its state machine plus the history the screen shows.
struct StrategyRunner {
    // Every property the snapshot shows bumps `version` when written, so the engine rebuilds a
    // strategy's snapshot only when it changed, whichever path changed it (a plain `didSet`
    // keeps the write in place: one increment).
    var machine: HedgingStateMachine { didSet { version &+= 1 } }
    var spreadSeries = DownsampledSeries() { didSet { version &+= 1 } }
    var meanSeries = DownsampledSeries() { didSet { version &+= 1 } }
    var pnlSeries = DownsampledSeries() { didSet { version &+= 1 } }
    var entryBandSeries = BandSeries() { didSet { version &+= 1 } }
    var exitBandSeries = BandSeries() { didSet { version &+= 1 } }
    var markers = Deque<ChartMarker>() { didSet { version &+= 1 } }
    var transitions = Deque<Transition>() { didSet { version &+= 1 } }
    /// Counts writes to what the snapshot shows; equal versions mean an equal snapshot at the
    /// same clock (the clock moves the legs' data age and the annualised basis: `refreshed`).
    private(set) var version: UInt64 = 0
    /// The generation of each scheduled timer; a fired timer whose generation is stale was cancelled.
    var timerGenerations: [StrategyTimer: UInt64] = [:]
    var nextGeneration: UInt64 = 0
    /// The data time of the last market sample whose PnL has not been worked out yet. Within a
    /// chart point's interval the newest value replaces the last, so only the last sample before
    /// the machine next changes (or the chart is read) counts: `pnlBreakdown()` runs then, on the
    /// same state, instead of per quote.
    var pendingPnLSample: Timestamp?
    /// Every entry the machine looked at, by what it decided.
    var entryChecks = EntryCheckTally()

    static let transitionLimit = 64
    static let markerLimit = 64

    init(config: StrategyConfig, startedAt: Timestamp) {
        machine = HedgingStateMachine(config: config, startedAt: startedAt)
        transitions.append(Transition(from: .scanning, to: .scanning, reason: "started", time: startedAt))
    }

    var name: String { machine.config.name }

    /// The machine handles `event`, and the entry decision it made, if any, is counted: one
    /// access to the runner for both (the engine's per-quote path).
    @inline(__always)
    mutating func handle(_ event: StrategyEvent, at now: Timestamp) -> [StrategyAction] {
        let actions = machine.handle(event, at: now)
        if let check = machine.takeEntryCheck() { entryChecks.count(check) }
        return actions
    }

    mutating func record(_ transition: Transition) {
        transitions.append(transition)
        if transitions.count > Self.transitionLimit { transitions.removeFirst() }
    }

    mutating func record(_ cycleEvent: CycleEvent) {
        let marker: ChartMarker
        switch cycleEvent {
        case .opened(let spread, let time):
            // Short A: A was sold as the rich leg; long A: B was.
            let a = machine.positions.a.quantity
            let rich: Leg? = a.isNegative ? .a : a.isPositive ? .b : nil
            marker = ChartMarker(time: time, kind: .entry, spreadBps: spread.doubleValue, richLeg: rich)
        case .closed(let spread, _, _, let time):
            marker = ChartMarker(time: time, kind: .exit, spreadBps: spread?.doubleValue ?? .nan)
        }
        markers.append(marker)
        if markers.count > Self.markerLimit { markers.removeFirst() }
    }

    /// Samples the charts after the machine has seen new market data.
    mutating func sampleCharts(at now: Timestamp) {
        if let spread = machine.spreadBps {
            spreadSeries.record(spread.doubleValue, at: now)
            // The lines drawn with the spread are kept at its point's time, so each of their points
            // sits on one of the spread's, even when they start mid-point (after the warm-up).
            let time = spreadSeries.points.last?.time ?? now
            // The rolling mean the z-score is measured from, once warmed up (a z rule's fair value
            // is always that mean); not the fair value of a bps rule, which is 0 for cross/basis.
            let lines = machine.chartLines
            if let mean = lines.mean { meanSeries.record(mean, at: time) }
            // The bands as the rules judge them now, kept so the chart shows each time's band.
            if let band = lines.entryBand { entryBandSeries.record((band.upper, band.lower), at: time) }
            if let band = lines.exitBand { exitBandSeries.record((band.upper, band.lower), at: time) }
        }
        if pnlSeries.startsNewPoint(at: now) {
            pendingPnLSample = nil
            if let pnl = machine.pnlBreakdown() { pnlSeries.record(pnl.net.doubleValue, at: now) }
        } else {
            pendingPnLSample = now
        }
    }

    /// The machine's net PnL now. Mutating only so the engine reads the machine in place: the
    /// same call on a runner read out of the engine's array copied the machine first.
    mutating func netPnL() -> FixedDecimal? {
        machine.pnlBreakdown()?.net
    }

    /// Writes the pending PnL sample: call before the machine changes or the chart is read.
    mutating func flushPnLSample() {
        guard let time = pendingPnLSample else { return }
        pendingPnLSample = nil
        if let pnl = machine.pnlBreakdown() { pnlSeries.record(pnl.net.doubleValue, at: time) }
    }

    /// Before market data at `now` reaches the machine: the pending sample must be written now if
    /// a sample at `now` would start a new point (later samples in its interval replace it anyway).
    mutating func flushPnLSample(before now: Timestamp) {
        guard pendingPnLSample != nil, pnlSeries.startsNewPoint(at: now) else { return }
        flushPnLSample()
    }

    func snapshot(at now: Timestamp) -> StrategySnapshot {
        let config = machine.config
        let breakdown = machine.pnlBreakdown()
        let pnl = breakdown.map { PnLSummary(realised: $0.realised, unrealised: $0.unrealised, fees: $0.fees, funding: $0.funding, net: $0.net) } ?? .zero
        let legs = PerLeg(a: legSnapshot(.a, at: now), b: legSnapshot(.b, at: now))
        return StrategySnapshot(fields: StrategySnapshot.Fields(
            name: config.name, kind: config.kind, state: machine.stateName, stateSince: machine.stateSince,
            paused: machine.paused, haltReason: machine.haltReason, legs: legs, spreadBps: machine.spreadBps,
            rollingMeanBps: machine.statistics.mean, zScore: machine.zScore, annualisedBasis: annualisedBasis(at: now),
            entryBandBps: machine.band(config.entry), exitBandBps: machine.band(config.exit),
            entryRule: "|dev| ≥ \(config.entry)", exitRule: "|dev| ≤ \(config.exit)", entry: config.entry, exit: config.exit,
            pnl: pnl, spreadSeries: spreadSeries.points, meanSeries: meanSeries.points, pnlSeries: pnlSeries.points,
            entryBandSeries: entryBandSeries.points, exitBandSeries: exitBandSeries.points,
            markers: Array(markers), transitions: Array(transitions),
            openOrders: machine.workingOrders.map {
                OrderSnapshot(id: $0.request.id, leg: $0.request.leg, instrument: $0.request.instrument, side: $0.request.side,
                              quantity: $0.request.quantity, filled: $0.filled, purpose: $0.request.purpose, sentAt: $0.sentAt)
            },
            completedCycles: machine.completedCycles, haltedByKillSwitch: machine.haltedByKillSwitch,
            rebalanceNeeded: machine.rebalanceNeeded))
    }

    /// Annualised basis as a fraction at `now`, when a leg has an expiry (it moves with the clock).
    func annualisedBasis(at now: Timestamp) -> Double? {
        guard let a = machine.quotes.a?.mid, let b = machine.quotes.b?.mid else { return nil }
        let config = machine.config
        switch (config.legs.a.kind.expiry, config.legs.b.kind.expiry) {
        case (let expiryA?, let expiryB?) where expiryA != expiryB:
            // Calendar: the carry implied between the two expiries.
            let (far, near, farExpiry, nearExpiry) = expiryA > expiryB ? (a, b, expiryA, expiryB) : (b, a, expiryB, expiryA)
            return SpreadMath.annualisedBasis(future: far, spot: near, now: nearExpiry, expiry: farExpiry)
        case (let expiry?, nil):
            return SpreadMath.annualisedBasis(future: a, spot: b, now: now, expiry: expiry)
        case (nil, let expiry?):
            return SpreadMath.annualisedBasis(future: b, spot: a, now: now, expiry: expiry)
        default:
            return nil
        }
    }

    /// What of `snapshot` (this runner's, built at an earlier clock with no write since) moves
    /// with the clock alone, worked out at `now`: the legs' data age and the annualised basis.
    func clockParts(at now: Timestamp) -> (freshness: PerLeg<LegFreshness?>, annualisedBasis: Double?) {
        (PerLeg<LegFreshness?>(a: machine.freshness(.a, at: now), b: machine.freshness(.b, at: now)), annualisedBasis(at: now))
    }

    private func legSnapshot(_ leg: Leg, at now: Timestamp) -> LegSnapshot {
        let spec = machine.config.legs[leg]
        let position = machine.positions[leg]
        let mark = machine.marks[leg] ?? machine.quotes[leg]?.mid
        let unrealised = mark.flatMap { try? position.unrealisedPnL(mark: $0) } ?? .zero
        return LegSnapshot(
            instrument: spec.id, margining: spec.margining, settlementAsset: spec.settlementAsset,
            quote: machine.quotes[leg], quantity: position.quantity, averageEntry: position.averageEntry, mark: mark,
            unrealisedPnL: unrealised, realisedPnL: position.realisedPnL, fees: position.feesPaid,
            funding: position.funding, liquidationPrice: nil, margin: machine.margins[leg], tickSize: spec.tickSize, lotStep: spec.lotStep,
            freshness: machine.freshness(leg, at: now), baseAsset: spec.baseAsset,
            baseExposure: mark.flatMap { try? position.baseExposure(at: $0) })
    }
}
