import DequeModule

/// The futures/futures hedging state machine: a value that takes an event and returns actions.
///
/// No I/O, no clock, no tasks: `now` comes in with every event, orders and timers go out as
/// actions, and the runtime feeds the venue's answers back. The same events in the same order
/// give the same actions, so a replay is deterministic.
public struct HedgingStateMachine: Sendable {
    /// The strategy's settings; thresholds can change by command while it runs.
    public internal(set) var config: StrategyConfig

    /// Where the machine is, with what that state needs to know.
    enum State: Sendable {
        /// Sampling the spread, waiting for the entry rule.
        case scanning
        /// Prices locked and both legs sized; waits for fresh quotes to validate.
        case validating(Opportunity)
        /// The first leg's order is working; `name` says whether that is the buy or the sell leg.
        case openingFirst(Opportunity, order: OrderID)
        /// The second leg hedges what the first one filled.
        case openingSecond(Opportunity, order: OrderID)
        /// Both legs hedged; marking to market and checking exits.
        case monitoring
        /// Restoring the hedge ratio, or resizing: one order, then (when `hedgeAfter`) one on the
        /// other leg to hedge what it changed.
        case adjusting(order: OrderID, hedgeAfter: Bool)
        /// Both legs closing together; `pending` are the orders still working.
        case closing(reason: String, pending: [OrderID])
        /// A leg is unhedged: re-hedge within the deadline, else flatten the excess.
        case unwinding(Unwind)
        /// A cycle ended; the cooldown runs.
        case completed
        /// Halted with a reason until a manual resume.
        case error(reason: String)
    }

    /// A spread worth trading, as sized when it was detected.
    struct Opportunity: Sendable {
        var sides: PerLeg<Side>
        var quantities: PerLeg<FixedDecimal>
        var firstLeg: Leg
        var detectedSpreadBps: FixedDecimal
        var detectedAt: Timestamp
    }

    /// What UNWINDING is doing and how far it has got.
    struct Unwind: Sendable {
        enum Goal: Sendable { case hedge, flatten }
        var goal: Goal
        var attempts: Int
        var deadline: Timestamp
        var order: OrderID?
        var reason: String
    }

    /// The open spread's entry facts, for exit rules.
    struct Cycle: Sendable {
        var openedAt: Timestamp
        var entrySpreadBps: FixedDecimal
        var entryDeviationSign: Int
        var entryVolatility: Double?
        /// Each leg's realised + funding − fees at the start, so exit rules see this cycle only.
        var baseline: PerLeg<FixedDecimal>
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
        var sentAt: Timestamp
        var timedOut = false
    }

    var state: State = .scanning
    public internal(set) var stateName: StrategyStateName = .scanning
    public internal(set) var stateSince: Timestamp
    public internal(set) var lastReason: String = "started"

    public internal(set) var quotes = PerLeg<Quote?>(repeating: nil)
    public internal(set) var marks = PerLeg<FixedDecimal?>(repeating: nil)
    public internal(set) var margins = PerLeg<MarginStatus?>(repeating: nil)
    public internal(set) var positions: PerLeg<Position>
    public internal(set) var statistics: RollingStatistics
    public internal(set) var spreadBps: FixedDecimal?
    public internal(set) var paused = false
    public internal(set) var completedCycles = 0

    var cycle: Cycle?
    /// Each leg's realised + funding − fees when the first leg was sent, so a cycle that fails
    /// while opening still reports what it cost.
    var attemptBaseline: PerLeg<FixedDecimal>?
    var working: [OrderID: WorkingOrder] = [:]
    /// Venue trade ids already applied, per leg, so a fill reported twice counts once (bounded).
    var appliedTrades = Set<AppliedTrade>()
    var appliedTradeOrder = Deque<AppliedTrade>()
    var orderCounter = 0
    var nextSampleAt: Timestamp?
    var consecutiveErrors = 0
    var consecutiveBadQuotes = 0
    var closeRequested = false
    /// Why new spreads may not open now (a portfolio limit), set by the runtime.
    public internal(set) var entryBlockedReason: String?
    var killRequested = false
    /// Set by a manual close from ERROR: once flat, halt again with this reason instead of
    /// cooling down into SCANNING (ERROR leaves to SCANNING only by a manual resume).
    var haltWhenFlat: String?
    /// Set when rebuilt from a journal with positions: the machine waits in UNWINDING for both
    /// legs' prices, then judges the hedge and resolves a half-open spread by this policy.
    var recoveryPending: HalfOpenPolicy?

    public init(config: StrategyConfig, startedAt: Timestamp) {
        self.config = config
        self.stateSince = startedAt
        self.positions = config.legs.map { Position(spec: $0) }
        self.statistics = RollingStatistics(capacity: max(2, config.window))
    }

    /// Feeds one event and returns what the runtime must do, in order.
    public mutating func handle(_ event: StrategyEvent, at now: Timestamp) -> [StrategyAction] {
        var actions: [StrategyAction] = []
        switch event {
        case .quote(let leg, let quote):
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

    // MARK: - Transitions

    /// Moves to `next`, recording the change and its reason.
    mutating func enter(_ next: State, _ reason: String, now: Timestamp, into actions: inout [StrategyAction]) {
        let from = stateName
        state = next
        let to = Self.name(of: next, sides: nil)
        stateName = to
        stateSince = now
        lastReason = reason
        actions.append(.transition(Transition(from: from, to: to, reason: reason, time: now)))
    }

    /// Records a state the machine passes through within one event (SPREAD_DETECTED).
    mutating func pass(through name: StrategyStateName, _ reason: String, now: Timestamp, into actions: inout [StrategyAction]) {
        actions.append(.transition(Transition(from: stateName, to: name, reason: reason, time: now)))
        stateName = name
        stateSince = now
        lastReason = reason
    }

    /// The public name of a state. Opening states are named for the side of the leg being opened.
    static func name(of state: State, sides: PerLeg<Side>?) -> StrategyStateName {
        switch state {
        case .scanning: .scanning
        case .validating: .validating
        case .openingFirst(let opportunity, _):
            opportunity.sides[opportunity.firstLeg] == .buy ? .openingLong : .openingShort
        case .openingSecond(let opportunity, _):
            opportunity.sides[opportunity.firstLeg.other] == .buy ? .openingLong : .openingShort
        case .monitoring: .monitoring
        case .adjusting: .adjusting
        case .closing: .closing
        case .unwinding: .unwinding
        case .completed: .completed
        case .error: .error
        }
    }

    /// The halt reason when in ERROR.
    public var haltReason: String? {
        if case .error(let reason) = state { return reason }
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
