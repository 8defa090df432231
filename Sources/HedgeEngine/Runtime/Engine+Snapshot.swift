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
        }.map(markingUnhedged)
        let venueStatus = (0..<venues.count).map { index in
            let venue = venues[index: index]
            let health = venue.health(at: now)
            var status = venueActivity.status(of: venue.name, connected: (feedOpenEnded || !feedEnded) && health.state != .down)
            status.staleFor = Self.staleFor(venue: venue.name, in: strategies)
            status.condition = Self.condition(of: health.state, staleFor: status.staleFor, feedEnded: feedEnded && !feedOpenEnded,
                                              feed: feedOpenEnded ? feedHealth.first { $0.venue == venue.name }?.state : nil)
            status.lastMessageAge = health.age(at: now)
            return status
        }
        return EngineSnapshot(
            sequence: sequence, time: now, mode: mode,
            strategies: strategies,
            venues: venueStatus, log: Array(eventLog.entries.suffix(logTail)), acknowledgements: Array(eventLog.acknowledgements), limits: limits,
            desk: DeskSummary(strategies: strategies, day: day, limits: limits, funding: fundingNotices),
            killSwitch: killSwitch, feeds: feedOpenEnded ? feedHealth : nil)
    }

    /// `snapshot` with `unhedgedSince` set: the first snapshot that found the legs apart starts
    /// the count, a hedged one (or one whose hedge is unknown) ends it.
    private func markingUnhedged(_ snapshot: StrategySnapshot) -> StrategySnapshot {
        var snapshot = snapshot
        if let hedge = PairHedge(snapshot.legs), !hedge.hedged {
            let since = unhedgedSince[snapshot.name] ?? now
            unhedgedSince[snapshot.name] = since
            snapshot.unhedgedSince = since
        } else {
            unhedgedSince[snapshot.name] = nil
        }
        return snapshot
    }

    /// The venue's one word: down wins, then connecting, then stale (the venue's own silence or a
    /// leg's), else live. A finished feed leaves every venue down: nothing more will arrive. A
    /// live market-data connection's health (`feed`, LIVE-PAPER) counts as the venue's: its
    /// connection down, connecting or resyncing is the venue's, whatever the paper venue says.
    static func condition(of state: VenueHealth.State, staleFor: Duration?, feedEnded: Bool,
                          feed: FeedHealth.State? = nil) -> VenueCondition {
        if feedEnded { return .down }
        switch feed {
        case .down: return .down
        case .connecting: return .connecting
        case .resyncing: return .resyncing
        case .stale: return .stale
        case .live, nil: break
        }
        switch state {
        case .down: return .down
        case .connecting: return .connecting
        case .stale: return .stale
        case .live: return staleFor == nil ? .live : .stale
        }
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
