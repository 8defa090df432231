/// Something that happened, fed to the state machine by the runtime.
public enum StrategyEvent: Sendable {
    /// A new top of book for a leg.
    case quote(Leg, Quote)
    /// A venue's answer about an order on a leg.
    case order(Leg, OrderUpdate)
    /// A timer the machine scheduled has fired.
    case timer(StrategyTimer)
    /// The account behind a leg: free margin and how close it is to a margin call.
    case margin(Leg, MarginStatus)
    /// A funding payment settled on a leg's position (positive: received), in its settlement asset.
    case funding(Leg, amount: FixedDecimal, rate: FixedDecimal)
    /// The venue's mark price for a leg (used for unrealised PnL when present).
    case mark(Leg, FixedDecimal)
    /// A trader's command.
    case command(StrategyCommand)
    /// The venue closed a leg's position on its own (liquidation, or settlement of a dated future
    /// at expiry): `fill` is that closing trade, applied to the position like any other.
    case positionClosed(Leg, Fill, reason: PositionClosure)
}

/// Why a venue closed a position without an order from the strategy.
public enum PositionClosure: String, Sendable, Hashable, Codable {
    /// The mark crossed the liquidation price.
    case liquidation
    /// A dated future reached its expiry and settled.
    case settlement
}

/// Free margin and margin ratio of the account that holds a leg.
public struct MarginStatus: Sendable, Hashable, Codable {
    /// Margin available for new positions, in the leg's settlement asset.
    public var available: FixedDecimal
    /// Maintenance margin / equity: 1 means liquidation.
    public var marginRatio: Double
    /// Initial margin in use / equity: how much of the account is committed.
    public var utilisation: Double

    public init(available: FixedDecimal, marginRatio: Double, utilisation: Double = 0) {
        self.available = available
        self.marginRatio = marginRatio
        self.utilisation = utilisation
    }
}

/// Timers are actions, never sleeps: the runtime schedules them and feeds them back as events.
public enum StrategyTimer: Sendable, Hashable, CustomStringConvertible {
    /// An order had no final answer in time.
    case orderTimeout(OrderID)
    /// A validated opportunity waited too long for fresh quotes.
    case validationTimeout
    /// The cooldown after a completed cycle is over.
    case cooldown
    /// UNWINDING must stop re-hedging and flatten.
    case hedgeDeadline

    public var description: String {
        switch self {
        case .orderTimeout(let id): "order timeout \(id)"
        case .validationTimeout: "validation timeout"
        case .cooldown: "cooldown"
        case .hedgeDeadline: "hedge deadline"
        }
    }
}

/// A manual override from the trader: what the screen sends the engine (`EngineCommand`) and
/// the engine hands its strategies, one type for both. Codable: it travels on the control socket.
public enum StrategyCommand: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Close the open spread (both legs).
    case close
    /// Close the open spread as `close` does, for a reason that is not the trader's (the desk
    /// stopping with its spreads flattened): the journal's close says which.
    case flatten(reason: String)
    /// Restore the hedge ratio between the legs.
    case rebalance
    /// Grow (+) or shrink (−) the open spread by this many percent, both legs.
    case resize(percent: Int)
    /// New entry and/or exit thresholds.
    case setThresholds(entry: Threshold?, exit: Threshold?)
    /// Stop opening new spreads; open ones are still managed.
    case pause
    case resume
    /// Flatten everything, then halt.
    case kill

    public var description: String {
        switch self {
        case .close, .flatten: "close"
        case .resize(let percent): "resize \(percent > 0 ? "+" : "")\(percent) %"
        case .setThresholds: "thresholds"
        case .rebalance: "rebalance"
        case .pause: "pause"
        case .resume: "resume"
        case .kill: "kill"
        }
    }
}

/// How loud an alert is.
public enum AlertLevel: String, Sendable, Hashable, Codable {
    case info, warning, critical
}

/// What the runtime must do for the state machine.
public enum StrategyAction: Sendable {
    case placeOrder(OrderRequest)
    case cancelOrder(OrderID, Leg)
    case scheduleTimer(StrategyTimer, at: Timestamp)
    case cancelTimer(StrategyTimer)
    /// Record a state change (history, journal, screen).
    case transition(Transition)
    case alert(AlertLevel, String)
    /// The answer to a command: accepted, or refused with the reason.
    case commandResult(StrategyCommand, accepted: Bool, message: String)
    /// A spread was opened (both legs hedged) or closed; for chart markers and reports.
    case cycleEvent(CycleEvent)
}

/// A point in a trade's life, for reports and chart markers.
public enum CycleEvent: Sendable, Hashable {
    case opened(spreadBps: FixedDecimal, time: Timestamp)
    case closed(spreadBps: FixedDecimal?, netPnL: FixedDecimal, reason: String, time: Timestamp)
}
