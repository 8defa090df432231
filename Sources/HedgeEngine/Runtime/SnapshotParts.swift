import HedgeCore
import HedgeVenues

/// The engine's last snapshot kept in parts, so the next one is built from what changed: with
/// 100 strategies a snapshot rebuilt whole cost ≈ 180 µs, most of it strategies that had not
/// moved (Engine+Snapshot).
struct SnapshotParts {
    /// One strategy's last snapshot and what it was built from.
    struct Strategy {
        /// Nil until first built.
        var snapshot: StrategySnapshot?
        /// The runner's `version` when built; nil forces a rebuild.
        var version: UInt64?
        var builtAt = Timestamp.zero
        /// What the snapshot holds of the parts that move without a write to the runner: the
        /// venue's liquidation estimates and, with the clock, the data age and annualised basis.
        var liquidation = PerLeg<FixedDecimal?>(repeating: nil)
        var freshness = PerLeg<LegFreshness?>(repeating: nil)
        var annualisedBasis: Double?
        /// Each leg's instrument, as an index into `instruments`.
        let slots: PerLeg<Int>
        /// Each leg's venue, as an index into the engine's venues (nil: not listed).
        let venues: PerLeg<Int?>
        /// What `snapshot` adds to the desk; nil once the snapshot is rebuilt. A clock-only
        /// update keeps it: the desk reads no data age, basis or liquidation estimate.
        var deskLine: DeskSummary.Line?
    }

    var strategies: [Strategy] = []
    /// Every instrument a leg trades, once, with its venue's index: liquidation estimates are
    /// worked out once per instrument, not once per leg.
    var instruments: [(id: InstrumentID, venue: Int?)] = []
    /// The strategies as last published, shared by every snapshot until one changes.
    var published: [StrategySnapshot] = []

    /// What the desk summary reads besides the strategies, by version.
    struct DeskInputs: Equatable {
        var day: UInt64
        var funding: UInt64
    }
    var desk: DeskSummary?
    var deskInputs = DeskInputs(day: .max, funding: .max)
    /// The day baseline's version the strategies' desk lines were made at (each holds its
    /// strategy's mark of the day).
    var deskLinesDay: UInt64 = .max

    /// The log tail and acknowledgements as of the event log's `logVersion`.
    var log: [LogEntry] = []
    var acknowledgements: [CommandAcknowledgement] = []
    var logVersion: UInt64?
    var logTail = 0

    init() {}

    /// Parts for `runners`, none built yet.
    init<V: Venue>(runners: [StrategyRunner], venues: VenueTable<V>) {
        var slotByID: [InstrumentID: Int] = [:]
        var instruments: [(id: InstrumentID, venue: Int?)] = []
        func slot(_ id: InstrumentID) -> Int {
            if let known = slotByID[id] { return known }
            instruments.append((id, venues.index(of: id.venue)))
            slotByID[id] = instruments.count - 1
            return instruments.count - 1
        }
        strategies = runners.map { runner in
            let legs = runner.machine.config.legs
            return Strategy(slots: PerLeg(a: slot(legs.a.id), b: slot(legs.b.id)),
                            venues: PerLeg(a: venues.index(of: legs.a.id.venue), b: venues.index(of: legs.b.id.venue)))
        }
        self.instruments = instruments
    }

    /// Each instrument's liquidation estimate as its venue works it out now, by slot.
    func liquidationPrices<V: Venue>(_ venues: VenueTable<V>) -> [FixedDecimal?] {
        instruments.map { item in item.venue.flatMap { venues[index: $0].liquidationPrice(item.id) } }
    }

    /// The age of the stalest leg on venue `venue` past its limit, over every strategy; nil when
    /// none is (`TradingEngine.staleFor(venue:in:)` over the parts' own copies of the freshness).
    func staleFor(venue: Int) -> Duration? {
        var oldest: Duration?
        func note(_ freshness: LegFreshness?) {
            guard let freshness, freshness.isStale, let age = freshness.age else { return }
            if oldest.map({ $0 < age }) ?? true { oldest = age }
        }
        // By index and leg by leg: a part copied out (its boxes retained) and `Leg.allCases` (an
        // array a call) cost more than the test itself, per venue and strategy at every snapshot.
        for index in strategies.indices {
            if strategies[index].venues.a == venue { note(strategies[index].freshness.a) }
            if strategies[index].venues.b == venue { note(strategies[index].freshness.b) }
        }
        return oldest
    }
}
