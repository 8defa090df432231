import HedgeCore

/// Written by hand because the chart bands are tuples, which Swift cannot synthesise: a band is
/// `{"upper": u, "lower": l}`. Snapshots travel this way from `hedgetop serve` to its watchers.
extension StrategySnapshot: Codable {
    private enum CodingKeys: String, CodingKey {
        case name, kind, state, stateSince, paused, haltReason, legs, spreadBps, rollingMeanBps, zScore
        case annualisedBasis, entryBandBps, exitBandBps, entryRule, exitRule, entry, exit, pnl
        case spreadSeries, meanSeries, pnlSeries, entryBandSeries, exitBandSeries, markers, transitions, openOrders, completedCycles
        case haltedByKillSwitch, rebalanceNeeded, unhedgedSince
    }

    /// A threshold band as it travels.
    private struct Band: Codable {
        var upper: Double
        var lower: Double
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let entryBand = try c.decodeIfPresent(Band.self, forKey: .entryBandBps)
        let exitBand = try c.decodeIfPresent(Band.self, forKey: .exitBandBps)
        self.init(
            name: try c.decode(String.self, forKey: .name),
            kind: try c.decode(StrategyKind.self, forKey: .kind),
            state: try c.decode(StrategyStateName.self, forKey: .state),
            stateSince: try c.decode(Timestamp.self, forKey: .stateSince),
            paused: try c.decode(Bool.self, forKey: .paused),
            haltReason: try c.decodeIfPresent(String.self, forKey: .haltReason),
            legs: try c.decode(PerLeg<LegSnapshot>.self, forKey: .legs),
            spreadBps: try c.decodeIfPresent(FixedDecimal.self, forKey: .spreadBps),
            rollingMeanBps: try c.decodeIfPresent(Double.self, forKey: .rollingMeanBps),
            zScore: try c.decodeIfPresent(Double.self, forKey: .zScore),
            annualisedBasis: try c.decodeIfPresent(Double.self, forKey: .annualisedBasis),
            entryBandBps: entryBand.map { (upper: $0.upper, lower: $0.lower) },
            exitBandBps: exitBand.map { (upper: $0.upper, lower: $0.lower) },
            entryRule: try c.decode(String.self, forKey: .entryRule),
            exitRule: try c.decode(String.self, forKey: .exitRule),
            pnl: try c.decode(PnLSummary.self, forKey: .pnl),
            spreadSeries: try c.decode([SeriesPoint].self, forKey: .spreadSeries),
            meanSeries: try c.decode([SeriesPoint].self, forKey: .meanSeries),
            pnlSeries: try c.decode([SeriesPoint].self, forKey: .pnlSeries),
            markers: try c.decode([ChartMarker].self, forKey: .markers),
            transitions: try c.decode([Transition].self, forKey: .transitions),
            openOrders: try c.decode([OrderSnapshot].self, forKey: .openOrders),
            completedCycles: try c.decode(Int.self, forKey: .completedCycles),
            entry: try c.decode(Threshold.self, forKey: .entry),
            exit: try c.decode(Threshold.self, forKey: .exit),
            // Absent from a server that predates them: the chart then draws no bands.
            entryBandSeries: try c.decodeIfPresent([BandPoint].self, forKey: .entryBandSeries) ?? [],
            exitBandSeries: try c.decodeIfPresent([BandPoint].self, forKey: .exitBandSeries) ?? []
        )
        // Absent from an older server's snapshots: not halted by a kill, no rebalance offered.
        haltedByKillSwitch = try c.decodeIfPresent(Bool.self, forKey: .haltedByKillSwitch) ?? false
        rebalanceNeeded = try c.decodeIfPresent(Bool.self, forKey: .rebalanceNeeded) ?? false
        unhedgedSince = try c.decodeIfPresent(Timestamp.self, forKey: .unhedgedSince)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(kind, forKey: .kind)
        try c.encode(state, forKey: .state)
        try c.encode(stateSince, forKey: .stateSince)
        try c.encode(paused, forKey: .paused)
        try c.encodeIfPresent(haltReason, forKey: .haltReason)
        try c.encode(legs, forKey: .legs)
        try c.encodeIfPresent(spreadBps, forKey: .spreadBps)
        try c.encodeIfPresent(rollingMeanBps, forKey: .rollingMeanBps)
        try c.encodeIfPresent(zScore, forKey: .zScore)
        try c.encodeIfPresent(annualisedBasis, forKey: .annualisedBasis)
        try c.encodeIfPresent(entryBandBps.map { Band(upper: $0.upper, lower: $0.lower) }, forKey: .entryBandBps)
        try c.encodeIfPresent(exitBandBps.map { Band(upper: $0.upper, lower: $0.lower) }, forKey: .exitBandBps)
        try c.encode(entryRule, forKey: .entryRule)
        try c.encode(exitRule, forKey: .exitRule)
        try c.encode(entry, forKey: .entry)
        try c.encode(exit, forKey: .exit)
        try c.encode(pnl, forKey: .pnl)
        try c.encode(spreadSeries, forKey: .spreadSeries)
        try c.encode(meanSeries, forKey: .meanSeries)
        try c.encode(pnlSeries, forKey: .pnlSeries)
        try c.encode(entryBandSeries, forKey: .entryBandSeries)
        try c.encode(exitBandSeries, forKey: .exitBandSeries)
        try c.encode(markers, forKey: .markers)
        try c.encode(transitions, forKey: .transitions)
        try c.encode(openOrders, forKey: .openOrders)
        try c.encode(completedCycles, forKey: .completedCycles)
        try c.encode(haltedByKillSwitch, forKey: .haltedByKillSwitch)
        try c.encode(rebalanceNeeded, forKey: .rebalanceNeeded)
        try c.encodeIfPresent(unhedgedSince, forKey: .unhedgedSince)
    }
}
