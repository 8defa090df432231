import HedgeCore
import HedgeEngine

/// The snapshot as metric samples. Exact decimals become `Double` here and nowhere earlier: the
/// exposition format has no other number type. A value the snapshot does not know (no quote
/// yet, no position, no latency measured) has no sample, so its series disappears rather than
/// reading as zero.
extension EngineSnapshot {
    var metricSamples: [MetricSample] {
        var samples: [MetricSample] = [
            MetricSample(.info, [("mode", mode.rawValue)], 1),
            MetricSample(.snapshots, Double(sequence)),
            MetricSample(.engineTime, time.secondsSinceEpoch),
        ]
        if let killSwitch {
            samples.append(MetricSample(.killSwitchFired, Double(killSwitch.fired)))
            if let last = killSwitch.lastFiredAt { samples.append(MetricSample(.killSwitchLastFired, last.secondsSinceEpoch)) }
        }
        for venue in venues {
            let labels = [("venue", venue.name)]
            samples.append(MetricSample(.venueUp, labels, venue.connected ? 1 : 0))
            samples.append(MetricSample(.ordersSent, labels, Double(venue.ordersSent)))
            samples.append(MetricSample(.ordersRejected, labels, Double(venue.ordersRejected)))
            if let condition = venue.condition {
                for candidate in VenueCondition.allCases {
                    samples.append(MetricSample(.venueState, labels + [("state", candidate.rawValue)], candidate == condition ? 1 : 0))
                }
            }
            if let age = venue.lastMessageAge { samples.append(MetricSample(.venueMessageAge, labels, age.secondsDouble)) }
            for (quantile, millis) in [("0.5", venue.latencyMillis), ("0.99", venue.latencyP99Millis)] {
                if let millis { samples.append(MetricSample(.roundTrip, labels + [("quantile", quantile)], millis / 1000)) }
            }
        }
        for strategy in strategies { strategy.appendSamples(to: &samples, at: time) }
        return samples.filter { $0.value.isFinite }
    }
}

extension StrategySnapshot {
    fileprivate func appendSamples(to samples: inout [MetricSample], at now: Timestamp) {
        let labels = [("strategy", name)]
        samples.append(MetricSample(.strategyInfo, labels + [("kind", kind.rawValue)], 1))
        for candidate in StrategyStateName.allCases {
            samples.append(MetricSample(.strategyState, labels + [("state", candidate.rawValue)], candidate == state ? 1 : 0))
        }
        samples.append(MetricSample(.stateSeconds, labels, (now - stateSince).secondsDouble))
        samples.append(MetricSample(.paused, labels, paused ? 1 : 0))
        samples.append(MetricSample(.haltedByKillSwitch, labels, haltedByKillSwitch ? 1 : 0))
        if let hedge = PairHedge(legs) {
            samples.append(MetricSample(.hedged, labels, hedge.hedged ? 1 : 0))
            samples.append(MetricSample(.unhedgedSeconds, labels, unhedgedSince.map { (now - $0).secondsDouble } ?? 0))
        }
        samples.append(MetricSample(.cycles, labels, Double(completedCycles)))
        if let spreadBps { samples.append(MetricSample(.spread, labels, spreadBps.doubleValue)) }
        if let rollingMeanBps { samples.append(MetricSample(.spreadMean, labels, rollingMeanBps)) }
        if let zScore { samples.append(MetricSample(.zScore, labels, zScore)) }
        if let annualisedBasis { samples.append(MetricSample(.basis, labels, annualisedBasis)) }
        for (family, band) in [(MetricFamily.entryBand, entryBandBps), (.exitBand, exitBandBps)] {
            guard let band else { continue }
            samples.append(MetricSample(family, labels + [("bound", "upper")], band.upper))
            samples.append(MetricSample(family, labels + [("bound", "lower")], band.lower))
        }
        samples.append(MetricSample(.pnlRealised, labels, pnl.realised.doubleValue))
        samples.append(MetricSample(.pnlUnrealised, labels, pnl.unrealised.doubleValue))
        samples.append(MetricSample(.pnlFees, labels, pnl.fees.doubleValue))
        samples.append(MetricSample(.pnlFunding, labels, pnl.funding.doubleValue))
        samples.append(MetricSample(.pnlNet, labels, pnl.net.doubleValue))
        for leg in Leg.allCases {
            let snapshot = legs[leg]
            let legLabels = labels + [("leg", leg.description), ("venue", snapshot.instrument.venue), ("instrument", snapshot.instrument.symbol)]
            snapshot.appendSamples(to: &samples, labels: legLabels)
            samples.append(MetricSample(.openOrders, legLabels, Double(openOrders.count { $0.leg == leg })))
        }
    }
}

extension LegSnapshot {
    fileprivate func appendSamples(to samples: inout [MetricSample], labels: [(String, String)]) {
        samples.append(MetricSample(.position, labels, quantity.doubleValue))
        if !quantity.isZero { samples.append(MetricSample(.entryPrice, labels, averageEntry.doubleValue)) }
        if let mark { samples.append(MetricSample(.markPrice, labels, mark.doubleValue)) }
        if let quote {
            samples.append(MetricSample(.bidPrice, labels, quote.bid.doubleValue))
            samples.append(MetricSample(.askPrice, labels, quote.ask.doubleValue))
        }
        if let liquidationPrice { samples.append(MetricSample(.liquidationPrice, labels, liquidationPrice.doubleValue)) }
        if let margin {
            samples.append(MetricSample(.marginRatio, labels, margin.marginRatio))
            samples.append(MetricSample(.marginUtilisation, labels, margin.utilisation))
        }
    }
}
