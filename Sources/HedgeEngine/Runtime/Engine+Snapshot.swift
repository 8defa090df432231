import HedgeCore
import HedgeVenues

/// The snapshot builder: an immutable picture of everything the screen shows.
extension TradingEngine {
    /// An immutable picture of everything the screen shows, and clears `changed`. Built
    /// incrementally (`SnapshotParts`): a strategy with no write since the last snapshot keeps
    /// its box, and the desk, log and venue lines are made again only when what they read moved.
    public func snapshot(logTail: Int = 200) -> EngineSnapshot {
        sequence += 1
        changed = false
        prepareSnapshot()
        if parts.strategies.count != runners.count { parts = SnapshotParts(runners: runners, venues: venues) }
        let liquidation = parts.liquidationPrices(venues)
        var strategiesChanged = parts.published.count != runners.count
        for index in runners.indices {
            if refreshPart(index, liquidation: liquidation) { strategiesChanged = true }
        }
        if strategiesChanged { parts.published = parts.strategies.compactMap(\.snapshot) }
        let strategies = parts.published
        let venueStatus = (0..<venues.count).map { index in
            let venue = venues[index: index]
            let health = venue.health(at: now)
            var status = venueActivity.status(of: venue.name, connected: (feedOpenEnded || !feedEnded) && health.state != .down)
            status.staleFor = parts.staleFor(venue: index)
            status.condition = Self.condition(of: health.state, staleFor: status.staleFor, feedEnded: feedEnded && !feedOpenEnded,
                                              feed: feedOpenEnded ? feedHealth.first { $0.venue == venue.name }?.state : nil)
            status.lastMessageAge = health.age(at: now)
            return status
        }
        if strategiesChanged || parts.desk == nil || parts.deskInputs != deskInputs {
            parts.desk = desk()
            parts.deskInputs = deskInputs
        }
        if parts.logVersion != eventLog.version || parts.logTail != logTail {
            parts.log = Array(eventLog.entries.suffix(logTail))
            parts.acknowledgements = Array(eventLog.acknowledgements)
            parts.logVersion = eventLog.version
            parts.logTail = logTail
        }
        return EngineSnapshot(
            sequence: sequence, time: now, mode: mode,
            strategies: strategies,
            venues: venueStatus, log: parts.log, acknowledgements: parts.acknowledgements, limits: limits,
            desk: parts.desk, killSwitch: killSwitch, feeds: feedOpenEnded ? feedHealth : nil)
    }

    /// Each strategy's snapshot built afresh from the engine as it stands, ignoring every cached
    /// part: what `snapshot()` must equal (the tests compare the two at every step).
    @_spi(Testing) public func strategiesFromScratch() -> [StrategySnapshot] {
        runners.indices.map { index in
            var snapshot = runners[index].snapshot(at: now)
            snapshot.update { fields in
                for leg in Leg.allCases {
                    let id = fields.legs[leg].instrument
                    fields.legs[leg].liquidationPrice = venues.index(of: id.venue).flatMap { venues[index: $0].liquidationPrice(id) }
                }
                if let hedge = PairHedge(fields.legs), !hedge.hedged { fields.unhedgedSince = unhedgedSince[fields.name] ?? now }
            }
            return snapshot
        }
    }

    /// What must happen before any snapshot is read: the pending chart samples written, the day
    /// rolled and marked.
    private func prepareSnapshot() {
        for index in runners.indices { runners[index].flushPnLSample() }
        if now >= nextDayRoll { rollDay(at: now) }
        markDayWherePriced()
    }

    /// The desk over the published strategies, from each strategy's line: a line is made only
    /// for a strategy rebuilt since (or every strategy when the day's baseline moved), the rest
    /// are summed as they were. Equal to `DeskSummary(strategies:day:limits:funding:)` over the
    /// same strategies.
    private func desk() -> DeskSummary {
        if parts.deskLinesDay != dayVersion {
            for index in parts.strategies.indices { parts.strategies[index].deskLine = nil }
            parts.deskLinesDay = dayVersion
        }
        for index in parts.strategies.indices where parts.strategies[index].deskLine == nil {
            guard let snapshot = parts.strategies[index].snapshot else { continue }
            parts.strategies[index].deskLine = DeskSummary.Line(snapshot, dayMark: day.marks[snapshot.name])
        }
        let parts = parts
        return DeskSummary(lines: parts.strategies.indices.lazy.compactMap { parts.strategies[$0].deskLine },
                           todayFrom: day.from, limits: limits, funding: fundingNotices)
    }

    /// What the desk reads besides the strategies, by version.
    private var deskInputs: SnapshotParts.DeskInputs { .init(day: dayVersion, funding: fundingVersion) }

    /// Brings strategy `index`'s part up to date; returns whether its snapshot changed. A runner
    /// written since is rebuilt; one only older by the clock has its clock-bound fields redone,
    /// in a new box only if they moved; else its box is published again.
    private func refreshPart(_ index: Int, liquidation: [FixedDecimal?]) -> Bool {
        let slots = parts.strategies[index].slots
        let liquidationNow = PerLeg(a: liquidation[slots.a], b: liquidation[slots.b])
        let version = runners[index].version
        if parts.strategies[index].version == version, parts.strategies[index].builtAt == now,
           parts.strategies[index].liquidation == liquidationNow {
            return false
        }
        if parts.strategies[index].version == version {
            let clock = runners[index].clockParts(at: now)
            let part = parts.strategies[index]
            parts.strategies[index].builtAt = now
            guard part.snapshot != nil else { return false }
            guard clock.freshness != part.freshness || clock.annualisedBasis != part.annualisedBasis
                || liquidationNow != part.liquidation else { return false }
            parts.strategies[index].freshness = clock.freshness
            parts.strategies[index].annualisedBasis = clock.annualisedBasis
            parts.strategies[index].liquidation = liquidationNow
            parts.strategies[index].snapshot?.update { fields in
                fields.legs.a.freshness = clock.freshness.a
                fields.legs.b.freshness = clock.freshness.b
                fields.legs.a.liquidationPrice = liquidationNow.a
                fields.legs.b.liquidationPrice = liquidationNow.b
                fields.annualisedBasis = clock.annualisedBasis
            }
            return true
        }
        var snapshot = runners[index].snapshot(at: now)
        snapshot.update { fields in
            fields.legs.a.liquidationPrice = liquidationNow.a
            fields.legs.b.liquidationPrice = liquidationNow.b
            markUnhedged(&fields)
        }
        parts.strategies[index].snapshot = snapshot
        parts.strategies[index].deskLine = nil
        parts.strategies[index].version = version
        parts.strategies[index].builtAt = now
        parts.strategies[index].liquidation = liquidationNow
        parts.strategies[index].freshness = PerLeg(a: snapshot.legs.a.freshness, b: snapshot.legs.b.freshness)
        parts.strategies[index].annualisedBasis = snapshot.annualisedBasis
        return true
    }

    /// Sets `unhedgedSince`: the first snapshot that found the legs apart starts the count, a
    /// hedged one (or one whose hedge is unknown) ends it. Only a rebuilt strategy can change
    /// hedge: an unchanged one keeps the time its box holds.
    private func markUnhedged(_ fields: inout StrategySnapshot.Fields) {
        if let hedge = PairHedge(fields.legs), !hedge.hedged {
            let since = unhedgedSince[fields.name] ?? now
            unhedgedSince[fields.name] = since
            fields.unhedgedSince = since
        } else {
            unhedgedSince[fields.name] = nil
        }
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
