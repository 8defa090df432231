import DequeModule

/// The futures/futures hedging state machine: a value that takes an event and returns actions.
///
/// No I/O, no clock, no tasks: `now` comes in with every event, orders and timers go out as
/// actions, and the runtime feeds the venue's answers back. The same events in the same order
/// give the same actions, so a replay is deterministic.
public struct HedgingStateMachine: Sendable {
    /// The strategy's settings; thresholds can change by command while it runs.
    public internal(set) var config: StrategyConfig { didSet { refreshChartLines() } }

    /// Where the machine is, each state with what only that state needs to know (one payload a
    /// state, as swift-nio-ssh does): nothing about a spread lives outside the state that holds it.
    /// The states a quote is judged in keep their payload inline; the others are boxed (`indirect`,
    /// allocated on entry only), so the value a quote switches over stays small enough to copy
    /// without `memcpy`.
    enum State: Sendable {
        /// Sampling the spread, waiting for the entry rule.
        case scanning
        /// Prices locked and both legs sized; waits for fresh quotes to validate.
        case validating(Opportunity)
        /// The first leg's order is working; named for the side of that leg.
        indirect case openingFirst(OpeningState)
        /// The second leg hedges what the first one filled.
        indirect case openingSecond(OpeningState)
        /// Both legs hedged; marking to market and checking exits against the open cycle.
        case monitoring(Cycle)
        /// Restoring the hedge ratio, or resizing: one order, then (when `hedgeAfter`) one on the
        /// other leg to hedge what it changed.
        indirect case adjusting(AdjustingState)
        /// Both legs closing together, with the orders still working.
        indirect case closing(ClosingState)
        /// A leg is unhedged: re-hedge within the deadline, else flatten the excess.
        indirect case unwinding(UnwindingState)
        /// A cycle ended; the cooldown runs.
        case completed
        /// Halted with a reason until a manual resume.
        indirect case error(ErrorState)
    }

    /// A venue execution already applied to a leg's position.
    struct AppliedTrade: Sendable, Hashable {
        var leg: Leg
        var tradeID: UInt64
    }

    /// How many trade ids are remembered for de-duplication.
    static let appliedTradeLimit = 4096

    /// An order the machine sent and has not seen finish.
    struct WorkingOrder: Sendable {
        var request: OrderRequest
        var filled: FixedDecimal = .zero
        /// Its fills' quantity and average price, for hedging what was filled.
        var average: FillAverage
        var sentAt: Timestamp
        var timedOut = false
        /// The order it is a child of, when an order beyond the venue's maximum was split.
        var parent: OrderID? = nil
    }

    /// An order beyond the venue's maximum, sent as child orders: the state waits for its id and
    /// hears of it once, when the last child has finished.
    struct SplitOrder: Sendable {
        /// The whole order, as the state asked for it.
        var request: OrderRequest
        /// Children with no final answer yet.
        var open: Set<OrderID>
        var filled: FixedDecimal = .zero
        var average: FillAverage
        /// Why children did not fill completely.
        var shortfalls: [String] = []
    }

    var state: State = .scanning
    public internal(set) var stateSince: Timestamp
    public internal(set) var lastReason: String = "started"

    public internal(set) var quotes = PerLeg<Quote?>(repeating: nil)
    public internal(set) var marks = PerLeg<FixedDecimal?>(repeating: nil)
    public internal(set) var margins = PerLeg<MarginStatus?>(repeating: nil)
    /// When market data of each leg last arrived (quote or mark, on the runtime's clock): how
    /// fresh the leg is (`freshness(_:at:)`).
    public internal(set) var dataArrivedAt = PerLeg<Timestamp?>(repeating: nil)
    /// Whether each leg was last said to be stale, so the alert comes once per change.
    var reportedStale = PerLeg(repeating: false)
    /// Why a leg's market data cannot be trusted whatever its age (its live connection is
    /// down, stale or resyncing its book), set by the engine from the feed's health; nil: no such
    /// reason. Such a leg blocks entries and adjustments as a stale one does.
    public internal(set) var dataUnavailable = PerLeg<String?>(repeating: nil)
    public internal(set) var positions: PerLeg<Position>
    public internal(set) var statistics: RollingStatistics { didSet { refreshChartLines() } }
    /// The chart's lines beside the spread, kept with the statistics and rules they come from
    /// (`ChartLines`).
    public internal(set) var chartLines = ChartLines()
    public internal(set) var spreadBps: FixedDecimal?
    public internal(set) var paused = false
    public internal(set) var completedCycles = 0

    var working: [OrderID: WorkingOrder] = [:]
    /// Orders split into children, by the id the state waits for.
    var splits: [OrderID: SplitOrder] = [:]
    /// Venue trade ids already applied, per leg, so a fill reported twice counts once (bounded).
    var appliedTrades = Set<AppliedTrade>()
    var appliedTradeOrder = Deque<AppliedTrade>()
    var orderCounter = 0
    var nextSampleAt: Timestamp?
    var consecutiveErrors = 0
    var consecutiveBadQuotes = 0
    /// Why new spreads may not open now (a portfolio limit), set by the runtime.
    public internal(set) var entryBlockedReason: String?
    /// What the entry rule decided on the last event that looked at an entry; the runtime takes
    /// it after each event (`takeEntryCheck`) and counts it.
    public internal(set) var entryCheck: EntryCheck?
    /// The last margin shortfall that kept a spread from opening, with its amounts.
    public internal(set) var lastMarginShortfall: MarginShortfall?
    /// The entry arithmetic of the last spread in the band whose capture did not pay its costs.
    public internal(set) var lastEdgeBelowCosts: EntryEdge?

    public init(config: StrategyConfig, startedAt: Timestamp) {
        self.config = config
        self.stateSince = startedAt
        self.positions = config.legs.map { Position(spec: $0) }
        self.statistics = RollingStatistics(capacity: max(2, config.window))
        refreshChartLines()
    }

    /// Feeds one event and returns what the runtime must do, in order.
    public mutating func handle(_ event: StrategyEvent, at now: Timestamp) -> [StrategyAction] {
        var actions: [StrategyAction] = []
        switch event {
        case .quote(let leg, let quote):
            dataArrivedAt[leg] = now
            noteFreshness(now: now, into: &actions)
            onQuote(leg, quote, now: now, into: &actions)
        case .order(let leg, let update):
            onOrderUpdate(leg, update, now: now, into: &actions)
        case .timer(let timer):
            onTimer(timer, now: now, into: &actions)
        case .margin(let leg, let status):
            margins[leg] = status
            onMargin(leg, status, now: now, into: &actions)
        case .funding(let leg, let amount, let rate):
            onFunding(leg, amount: amount, rate: rate, now: now, into: &actions)
        case .mark(let leg, let price):
            dataArrivedAt[leg] = now
            noteFreshness(now: now, into: &actions)
            if price.isPositive {
                marks[leg] = price
            } else {
                actions.append(.alert(.warning, "leg \(leg) mark price \(price) refused: not positive"))
            }
        case .command(let command):
            onCommand(command, now: now, into: &actions)
        case .positionClosed(let leg, let fill, let reason):
            onPositionClosed(leg, fill, reason: reason, now: now, into: &actions)
        }
        return actions
    }

    /// The entry decision of the event just handled, if it made one; cleared, so the next event
    /// states its own.
    public mutating func takeEntryCheck() -> EntryCheck? {
        guard let check = entryCheck else { return nil }
        entryCheck = nil
        return check
    }

    // MARK: - Transitions

    /// Moves to `next`, recording the change and its reason. `passed` names a state passed
    /// through within this event (SPREAD_DETECTED), which the transition then comes from.
    mutating func enter(_ next: State, _ reason: String, from passed: StrategyStateName? = nil, now: Timestamp,
                        into actions: inout [StrategyAction]) {
        let from = passed ?? stateName
        state = next
        stateSince = now
        lastReason = reason
        actions.append(.transition(Transition(from: from, to: stateName, reason: reason, time: now)))
    }

    /// Records a state the machine passes through within one event (SPREAD_DETECTED); the
    /// `enter` that follows in the same event must name it as `from`.
    mutating func pass(through name: StrategyStateName, _ reason: String, entryEdge: EntryEdge? = nil, now: Timestamp,
                       into actions: inout [StrategyAction]) {
        actions.append(.transition(Transition(from: stateName, to: name, reason: reason, time: now, entryEdge: entryEdge)))
        stateSince = now
        lastReason = reason
    }

    /// The state's public name, as the screen, the journal and snapshots show it. Opening states
    /// are named for the side of the leg being opened.
    public var stateName: StrategyStateName {
        switch state {
        case .scanning: .scanning
        case .validating: .validating
        case .openingFirst(let opening):
            opening.opportunity.sides[opening.opportunity.firstLeg] == .buy ? .openingLong : .openingShort
        case .openingSecond(let opening):
            opening.opportunity.sides[opening.opportunity.firstLeg.other] == .buy ? .openingLong : .openingShort
        case .monitoring: .monitoring
        case .adjusting: .adjusting
        case .closing: .closing
        case .unwinding: .unwinding
        case .completed: .completed
        case .error: .error
        }
    }

    /// What the current state carries of a spread: its accounting and the trader's pending asks.
    var holding: Holding {
        switch state {
        case .scanning, .validating, .completed: Holding()
        case .openingFirst(let opening), .openingSecond(let opening):
            Holding(trade: .attempt(baseline: opening.baseline), intent: opening.intent)
        case .monitoring(let cycle): Holding(trade: .open(cycle))
        case .adjusting(let adjusting): Holding(trade: .open(adjusting.cycle), intent: adjusting.intent)
        case .closing(let closing): closing.holding
        case .unwinding(let unwinding): unwinding.holding
        case .error(let error): error.holding
        }
    }

    /// The open spread's entry facts, while one is open.
    var cycle: Cycle? { holding.trade?.cycle }

    /// The halt reason when in ERROR.
    public var haltReason: String? {
        if case .error(let error) = state { return error.reason }
        return nil
    }

    /// Whether either leg holds a position.
    public var hasPosition: Bool { !positions.a.isFlat || !positions.b.isFlat }

    /// Orders sent and not yet finished, oldest first.
    public var workingOrders: [(request: OrderRequest, filled: FixedDecimal, sentAt: Timestamp)] {
        working.values.sorted { $0.sentAt < $1.sentAt || ($0.sentAt == $1.sentAt && $0.request.id.rawValue < $1.request.id.rawValue) }
            .map { ($0.request, $0.filled, $0.sentAt) }
    }

    /// Whether an order on `leg` is working (sent, no final answer yet).
    public func hasWorkingOrder(on leg: Leg) -> Bool {
        working.values.contains { $0.request.leg == leg }
    }

    /// When the open spread was entered and at what spread.
    public var openCycle: (openedAt: Timestamp, entrySpreadBps: FixedDecimal)? {
        cycle.map { ($0.openedAt, $0.entrySpreadBps) }
    }
}
