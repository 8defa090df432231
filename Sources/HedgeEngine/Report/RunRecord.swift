import HedgeCore

/// What a run did, kept in full for the end-of-run report (the snapshot keeps only a tail).
/// Bounded by what strategies do (orders and cycles), not by market data.
public struct RunRecord: Sendable {
    /// One spread from entry to exit.
    public struct Trade: Sendable, Hashable, Codable {
        public var strategy: String
        public var openedAt: Timestamp
        public var entrySpreadBps: FixedDecimal
        public var closedAt: Timestamp?
        public var exitSpreadBps: FixedDecimal?
        public var netPnL: FixedDecimal?
        public var reason: String?
    }

    public private(set) var trades: [Trade] = []
    /// Time spent in each state, per strategy, up to the last transition.
    private(set) var timeInState: [String: [StrategyStateName: Duration]] = [:]
    private var currentState: [String: (StrategyStateName, Timestamp)] = [:]
    /// Order round trips (sent → final answer) in data time.
    private(set) var orderLatencies: [Duration] = []
    private var sentAt: [OrderID: Timestamp] = [:]
    /// Net PnL (USD) high-water mark and the deepest fall from it.
    private(set) var peakNet: FixedDecimal = .zero
    private(set) var maxDrawdown: FixedDecimal = .zero
    /// Each execution, cycle result and equity point, for the report's tables and statistics.
    public internal(set) var executions = ExecutionRecord()
    public private(set) var ordersSent = 0
    public private(set) var ordersRejected = 0
    /// Fills received, and those priced from the top of book alone (no depth known yet: the rest
    /// one tick worse), with their orders in the order they filled.
    public private(set) var fillCount = 0
    public private(set) var topOfBookOnlyFills = 0
    public private(set) var topOfBookOnlyOrders: [OrderID] = []

    public init() {}

    mutating func started(_ strategy: String, at time: Timestamp) {
        currentState[strategy] = (.scanning, time)
    }

    mutating func record(_ transition: Transition, strategy: String) {
        if let (state, since) = currentState[strategy] {
            timeInState[strategy, default: [:]][state, default: .zero] += transition.time - since
        }
        currentState[strategy] = (transition.to, transition.time)
    }

    mutating func record(_ event: CycleEvent, strategy: String) {
        switch event {
        case .opened(let spread, let time):
            trades.append(Trade(strategy: strategy, openedAt: time, entrySpreadBps: spread))
        case .closed(let spread, let net, let reason, let time):
            if let index = trades.lastIndex(where: { $0.strategy == strategy && $0.closedAt == nil }) {
                trades[index].closedAt = time
                trades[index].exitSpreadBps = spread
                trades[index].netPnL = net
                trades[index].reason = reason
            } else {
                // A cycle that failed while opening: no entry, but its cost still counts.
                trades.append(Trade(strategy: strategy, openedAt: time, entrySpreadBps: spread ?? .zero, closedAt: time,
                                    exitSpreadBps: spread, netPnL: net, reason: reason))
            }
        }
    }

    mutating func orderSent(_ id: OrderID, at time: Timestamp) {
        ordersSent += 1
        sentAt[id] = time
    }

    /// Records the end of an order; returns its round trip when this update finished it.
    @discardableResult
    mutating func orderFinished(_ update: OrderUpdate, at time: Timestamp) -> Duration? {
        let id = update.orderID
        if case .filled(let fill, _) = update {
            fillCount += 1
            if fill.book == .topOnly {
                topOfBookOnlyFills += 1
                if !topOfBookOnlyOrders.contains(id) { topOfBookOnlyOrders.append(id) }
            }
        }
        switch update {
        case .accepted: return nil
        case .filled(_, let remaining) where !remaining.isZero: return nil
        case .rejected: ordersRejected += 1
        case .filled, .cancelled: break
        }
        guard let sent = sentAt.removeValue(forKey: id) else { return nil }
        orderLatencies.append(time - sent)
        return time - sent
    }

    /// Tracks drawdown of the total net PnL.
    mutating func mark(net: FixedDecimal) {
        if net > peakNet { peakNet = net }
        if let fall = try? peakNet - net, fall > maxDrawdown { maxDrawdown = fall }
    }

    /// Closes the time-in-state accounting at `time`.
    func timeInState(upTo time: Timestamp) -> [String: [StrategyStateName: Duration]] {
        var result = timeInState
        for (strategy, (state, since)) in currentState where time > since {
            result[strategy, default: [:]][state, default: .zero] += time - since
        }
        return result
    }
}
