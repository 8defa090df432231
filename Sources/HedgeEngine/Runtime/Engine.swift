import HedgeCore
import HedgeVenues
import Logging

/// The engine on simulated venues: paper trading and replays.
public typealias Engine = TradingEngine<SimulatedVenue>

/// The runtime that drives strategies on venues: it feeds market data, venue answers and timers
/// to each state machine in time order and performs the actions they return.
///
/// `TradingEngine` is a discrete-event simulation over data time: it never reads a clock.
/// `EngineLoop` paces it against a real clock (paper trading), or lets it run as fast as it can
/// (replay). One task owns it; the screen only ever sees the snapshots it publishes.
///
/// It is generic over its venue so the per-quote path calls the venue directly, specialised for
/// the venue it runs on (see `run(until:)`). Its work is spread over files by job: the market router
/// (`Engine+MarketRouting`), order tracking (`Engine+Orders`), the position check
/// (`Engine+PositionCheck`), what strategies ask for (`Engine+StrategyActions`), commands
/// (`Engine+Commands`), the event log (`EventLog`) and the snapshot builder (`Engine+Snapshot`).
public final class TradingEngine<V: Venue> {
    public let mode: RunMode
    /// Limits across strategies on opening new spreads.
    public let limits: PortfolioLimits
    /// `limits != .none`, worked out once (comparing the structs per quote cost ≈ 30 instructions).
    let hasLimits: Bool
    /// The engine's clock when it started.
    public let startedAt: Timestamp
    /// A replay's data-time window (walk-forward folds): trading only inside it.
    public internal(set) var window: ReplayWindow?
    // The properties the market-data path touches per event skip dynamic exclusivity checks: one
    // task owns the engine and no access to them overlaps another (each one cost ≈ 100
    // instructions a quote).
    @exclusivity(unchecked) public private(set) var now: Timestamp
    @exclusivity(unchecked) var feed: any MarketFeed
    /// Market data read from the feed and not yet processed: `batch.rows[batchIndex...]`. The
    /// feed is asked for a batch at a time, and quotes come as plain rows (no `MarketEvent`).
    @exclusivity(unchecked) var batch = MarketBatch()
    @exclusivity(unchecked) var batchIndex = 0
    /// `batch.count`, kept here: the run loop compares against it several times per event.
    @exclusivity(unchecked) var batchCount = 0
    /// The market route of each of `batch`'s instrument numbers (-1: not looked up yet), valid
    /// while `batch.instruments` is `routedInstruments`.
    @exclusivity(unchecked) var routeByNumber: [Int] = []
    @exclusivity(unchecked) var routedInstruments: [InstrumentID] = []
    @exclusivity(unchecked) private(set) var feedEnded = false
    /// A live feed: an empty batch means "nothing yet", never the end.
    let feedOpenEnded: Bool
    /// The live feed's connections as last seen (Engine+FeedHealth).
    var feedHealth: [FeedHealth] = []
    /// The reason each venue was last said to be down in the event log (retries are not repeated).
    var loggedDown: [String: String] = [:]
    /// When the feed's health is looked at next.
    @exclusivity(unchecked) var nextFeedHealthCheck = Timestamp.zero
    @exclusivity(unchecked) var venues: VenueTable<V>
    @exclusivity(unchecked) var runners: [StrategyRunner]
    /// Which strategies and legs each instrument's data goes to.
    var routes: [InstrumentID: [(strategy: Int, leg: Leg)]] = [:]
    @exclusivity(unchecked) var queue = EventQueue()
    /// The event log and the recent command acknowledgements (`EventLog`).
    var eventLog: EventLog
    @exclusivity(unchecked) var nextMarginRefresh: [Timestamp]
    /// The last snapshot's sequence number.
    var sequence: UInt64 = 0
    /// Which strategy and leg sent each order, for answers the venue sends on its own.
    var owners: [OrderID: (strategy: Int, leg: Leg)] = [:]
    /// Orders on venues that answer later whose timeout has fired once, and those being waited
    /// for after their cancel (Engine+Orders `waitsForAnswer`).
    var timedOutOnce: Set<OrderID> = []
    var waitingForAnswer: Set<OrderID> = []
    /// Each instrument seen in market data: its venue, its strategies, when its data arrives.
    @exclusivity(unchecked) var marketRoutes: [MarketRoute] = []
    /// The route found last, tried first.
    @exclusivity(unchecked) var lastMarketRoute = 0
    /// Whether positions, orders or answers in flight may have changed since `checkPositions` last ran.
    @exclusivity(unchecked) var positionsMayDiffer = true
    /// Scheduled items (orders, answers, venue reports) per instrument not yet performed.
    var inFlight: [InstrumentID: Int] = [:]
    /// Instruments whose strategy positions disagreed with the venue with nothing in flight.
    var disagreeing: Set<InstrumentID> = []
    /// How many times a strategy's position was found to disagree with the venue's with no order
    /// or answer in flight (0 in a healthy run).
    internal(set) var positionBreaks = 0
    /// Set when anything the screen shows has changed since the last snapshot.
    @exclusivity(unchecked) public internal(set) var changed = true
    /// Everything the end-of-run report needs.
    public internal(set) var record = RunRecord()
    @exclusivity(unchecked) var nextDrawdownSample: Timestamp
    /// Orders sent and rejected and their round trips per venue, for the snapshot's venue status.
    var venueActivity = VenueActivity()
    /// Each strategy's PnL when today began, for the desk's "today" (Engine+Desk).
    var day: DayBaseline { didSet { dayVersion &+= 1 } }
    /// Counts changes to `day`, for the snapshot's cached desk (SnapshotParts).
    var dayVersion: UInt64 = 0
    /// When `day` is taken again: the next 00:00 UTC.
    @exclusivity(unchecked) var nextDayRoll: Timestamp
    /// Since when each strategy's legs have been unhedged, by name (Engine+Snapshot).
    var unhedgedSince: [String: Timestamp] = [:]
    /// The last snapshot in parts, so the next is built from what changed (Engine+Snapshot).
    var parts = SnapshotParts()
    /// Kill switches fired so far, for monitoring (Engine+Commands).
    var killSwitch = KillSwitchTally()
    /// Each perpetual's funding rate and time as its market data last announced them.
    var fundingNotices: [InstrumentID: FundingNotice] = [:] { didSet { fundingVersion &+= 1 } }
    /// Counts changes to `fundingNotices`, for the snapshot's cached desk (SnapshotParts).
    var fundingVersion: UInt64 = 0
    /// The journal every order intent, fill, transition and result is written to (Engine+Journal).
    var journal: Journal?
    /// Where the venues' books of account are saved after every change.
    var venueState: VenueStateFile?
    /// Where the charts' history is saved, every few seconds of data time and at a stop.
    var chartHistory: ChartHistoryFile?
    /// Set once a journal or venue-state write failed: every strategy is paused, new spreads are
    /// refused, and what is open is still managed (Engine+Journal).
    internal(set) var durabilityFailure: String?
    /// Journal writes that failed (fills, answers, transitions...), oldest first: held in memory
    /// and tried again until they are durable (Engine+Journal).
    var heldWrites: [(Journal) throws -> Void] = []
    /// Set while the venue state on disk is older than the venues' books (a save failed).
    var venueStateBehind = false
    #if DEBUG
    var durableWrites = 0
    /// Test seam of the crash tests, in debug builds only: the process kills itself with
    /// SIGKILL right after this many durable writes.
    @_spi(Testing) public var killAfterDurableWrites: Int?
    /// Test seam of the in-process crash tests: called right after each durable write with their
    /// count, where a test copies the journal and venue state as a crash would leave them.
    var afterDurableWrite: ((Int) -> Void)?
    #endif

    static var marginRefreshInterval: Duration { .seconds(1) }

    /// - Parameter startedAt: the engine's clock at start; nil starts it at the feed's first event
    ///   (a replay).
    public init(strategies: [StrategyConfig], venues: [V], feed: any MarketFeed, mode: RunMode,
                startedAt: Timestamp?, limits: PortfolioLimits = .none, logger: Logger = Logger(label: "hedgetop.engine", factory: { _ in SwiftLogNoOpLogHandler() })) {
        var feed = feed
        var batch = MarketBatch()
        feed.nextBatch(into: &batch)
        let startedAt = startedAt ?? batch.rows.first?.time ?? .zero
        self.mode = mode
        self.limits = limits
        self.hasLimits = limits != .none
        self.startedAt = startedAt
        self.now = startedAt
        self.feed = feed
        self.batch = batch
        self.batchCount = batch.count
        self.feedOpenEnded = feed.isOpenEnded
        self.feedEnded = batch.isEmpty && !feed.isOpenEnded
        self.routedInstruments = batch.instruments
        self.routeByNumber = Array(repeating: -1, count: batch.instruments.count)
        self.venues = VenueTable(venues)
        self.runners = strategies.map { StrategyRunner(config: $0, startedAt: startedAt) }
        self.nextMarginRefresh = Array(repeating: startedAt, count: strategies.count)
        self.eventLog = EventLog(logger: logger)
        self.nextDrawdownSample = startedAt
        // Nothing was held before the start: today's PnL is all of it, from 00:00.
        self.day = DayBaseline(from: DayBaseline.startOfDay(startedAt),
                               marks: Dictionary(strategies.map { ($0.name, DayBaseline.Mark.zero) }, uniquingKeysWith: { first, _ in first }))
        self.nextDayRoll = DayBaseline.nextDay(after: startedAt)
        for (index, config) in strategies.enumerated() {
            record.started(config.name, at: startedAt)
            for leg in Leg.allCases {
                routes[config.legs[leg].id, default: []].append((index, leg))
            }
            append(LogEntry(time: startedAt, severity: .info, strategy: config.name,
                            message: "\(config.kind) \(config.legs.a.id) / \(config.legs.b.id), \(config.targetNotional) USD a leg, enter \(config.entry), exit \(config.exit)"))
        }
        watchVenueHealth()
    }

    /// The time of the next thing to happen: market data or a scheduled item.
    /// Once the feed has ended, funding and expiries ahead no longer count: without market data
    /// they would only fast-forward a replay to a date it never saw.
    public var nextEventTime: Timestamp? { earliestEventTime }

    /// `nextEventTime`'s work, for its generic entry point above and `Engine+SimulatedVenue`'s.
    var earliestEventTime: Timestamp? {
        guard let market = peekMarketTime() else { return queue.nextTime }
        var next = market
        if let scheduled = queue.nextTime, scheduled < next { next = scheduled }
        if let settlement = nextSettlementTime, settlement < next { next = settlement }
        return next
    }

    /// Nothing left to do: the feed has ended and nothing is scheduled. (Funding and expiries
    /// still ahead need market data to be meaningful, so they do not keep a run alive.)
    public var isFinished: Bool { !feedOpenEnded && peekMarketTime() == nil && queue.isEmpty }

    /// The earliest funding time or expiry on any venue.
    var nextSettlementTime: Timestamp? { venues.earliestSettlement }

    /// The time of the next market event, read from the feed when none is pending. Called
    /// several times per event: the common case is inlined, the refill kept out of line.
    @inline(__always)
    func peekMarketTime() -> Timestamp? {
        if batchIndex < batchCount { return batch.rows[batchIndex].time }
        return refillMarket()
    }

    @inline(never)
    func refillMarket() -> Timestamp? {
        guard !feedEnded else { return nil }
        feed.nextBatch(into: &batch)
        batchIndex = 0
        batchCount = batch.count
        if batch.isEmpty {
            if !feedOpenEnded { feedEnded = true }
            return nil
        }
        if batch.instruments != routedInstruments {
            routedInstruments = batch.instruments
            routeByNumber = Array(repeating: -1, count: routedInstruments.count)
        }
        return batch.rows[0].time
    }

    /// Processes every event due at or before `time`, in time order. Returns how many ran.
    ///
    /// Called from another module, this generic entry point runs the loop unspecialised;
    /// `Engine+SimulatedVenue` gives `Engine` its own, specialised one.
    @discardableResult
    public func run(until time: Timestamp) -> Int { processEvents(until: time) }

    /// Processes events due at or before `time`, in time order, at most `limit` of them: a loop
    /// that must stay responsive (a stop, a command, a snapshot) looks up between them. Returns
    /// how many ran; fewer than `limit` means none due is left.
    @discardableResult
    public func run(until time: Timestamp, atMost limit: Int) -> Int { processEvents(until: time, limit: limit) }

    /// `run(until:)`: the run loop. Stopped by `limit`, the clock stays at the last event.
    func processEvents(until time: Timestamp, limit: Int = .max) -> Int {
        var processed = 0
        while true {
            if processed >= limit { return processed }
            let market = peekMarketTime()
            let scheduled = queue.nextTime
            // Funding and expiries settle before anything else at the same instant: only what is
            // open at that time pays or settles.
            if market != nil, let settlement = nextSettlementTime, settlement <= time,
               market.map({ settlement <= $0 }) ?? true, scheduled.map({ settlement <= $0 }) ?? true {
                advanceClock(to: settlement)
                settleVenues()
                positionsMayDiffer = true
                processed += 1
                continue
            }
            // Scheduled items due at the same instant as market data go first: they were caused earlier.
            if let scheduledTime = scheduled, scheduledTime <= time, market.map({ scheduledTime <= $0 }) ?? true {
                if let (dueTime, route, quote) = queue.popDueQuote(notAfter: time) {
                    advanceClock(to: dueTime)
                    deliverQuote(quote, route: route)
                } else {
                    guard let (due, item) = queue.popDue(notAfter: time) else { break }
                    advanceClock(to: due)
                    if case .marketData = item {} else { positionsMayDiffer = true }
                    perform(item)
                }
            } else if let marketTime = market, marketTime <= time {
                let row = batch.rows[batchIndex]
                batchIndex += 1
                advanceClock(to: marketTime)
                if row.isQuote {
                    onQuote(row.quote, route: marketRoute(number: row.instrument))
                } else {
                    onMarket(batch.others[row.other])
                }
            } else {
                break
            }
            if positionsMayDiffer { checkPositions() }
            processed += 1
        }
        if time > now { now = time }
        if feedOpenEnded && now >= nextFeedHealthCheck { checkFeedHealth() }
        return processed
    }

    func advanceClock(to time: Timestamp) {
        if time >= nextDayRoll { rollDay(at: time) }
        if time > now { now = time }
    }

    /// The feed, for its statistics in reports.
    var marketFeed: any MarketFeed { feed }

    /// The state machines, for reports and tests.
    var machines: [HedgingStateMachine] { runners.map(\.machine) }

    /// The venues' positions, for reports and reconciliation.
    func venuePosition(_ instrument: InstrumentID) -> Position? {
        venues[instrument.venue]?.positions[instrument]
    }

    /// A venue as it stands, for reports and tests.
    public func venue(named name: String) -> V? { venues[name] }
}
