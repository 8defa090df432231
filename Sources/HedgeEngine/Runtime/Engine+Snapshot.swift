import HedgeCore
import HedgeVenues

/// The snapshot builder: an immutable picture of everything the screen shows.
extension TradingEngine {
    /// An immutable picture of everything the screen shows, and clears `changed`.
    public func snapshot(logTail: Int = 200) -> EngineSnapshot {
        sequence += 1
        changed = false
        for index in runners.indices { runners[index].flushPnLSample() }
        if now >= nextDayRoll { rollDay(at: now) }
        markDayWherePriced()
        // By index, in name order: reading a venue by name would copy it.
        let strategies = runners.map { runner in
            var snapshot = runner.snapshot(at: now)
            for leg in Leg.allCases {
                let id = snapshot.legs[leg].instrument
                snapshot.legs[leg].liquidationPrice = venues.index(of: id.venue).flatMap { venues[index: $0].liquidationPrice(id) }
            }
            return snapshot
        }
        let venueStatus = (0..<venues.count).map { index in
            let venue = venues[index: index]
            var status = venueActivity.status(of: venue.name, connected: (feedOpenEnded || !feedEnded) && venue.health(at: now).state != .down)
            status.staleFor = Self.staleFor(venue: venue.name, in: strategies)
            return status
        }
        return EngineSnapshot(
            sequence: sequence, time: now, mode: mode,
            strategies: strategies,
            venues: venueStatus, log: Array(eventLog.entries.suffix(logTail)), acknowledgements: Array(eventLog.acknowledgements), limits: limits,
            desk: DeskSummary(strategies: strategies, day: day, limits: limits, funding: fundingNotices),
            feeds: feedOpenEnded ? feedHealth : nil)
    }

    /// The age of the stalest leg on `venue` past its limit, over every strategy; nil when none is.
    static func staleFor(venue: String, in strategies: [StrategySnapshot]) -> Duration? {
        var oldest: Duration?
        for strategy in strategies {
            for leg in Leg.allCases where strategy.legs[leg].instrument.venue == venue {
                guard let freshness = strategy.legs[leg].freshness, freshness.isStale, let age = freshness.age else { continue }
                if oldest.map({ $0 < age }) ?? true { oldest = age }
            }
        }
        return oldest
    }
}
