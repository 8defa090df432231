/// The hedging state machine's states, by the names traders know from the design.
public enum StrategyStateName: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case scanning = "SCANNING_SPREADS"
    case spreadDetected = "SPREAD_DETECTED"
    case validating = "VALIDATING_OPPORTUNITY"
    case openingLong = "OPENING_LONG_LEG"
    case openingShort = "OPENING_SHORT_LEG"
    case monitoring = "MONITORING_SPREAD"
    case adjusting = "ADJUSTING_POSITIONS"
    case closing = "CLOSING_SPREAD"
    case completed = "COMPLETED"
    case unwinding = "UNWINDING"
    case error = "ERROR"

    public var description: String { rawValue }

    /// Whether the strategy may hold positions in this state (it is not safe to walk away).
    var mayHoldPositions: Bool {
        switch self {
        case .scanning, .spreadDetected, .validating, .completed: false
        case .openingLong, .openingShort, .monitoring, .adjusting, .closing, .unwinding, .error: true
        }
    }
}

/// A state change with its reason, as the screen and the journal show it.
public struct Transition: Sendable, Hashable, Codable {
    public var from: StrategyStateName
    public var to: StrategyStateName
    public var reason: String
    public var time: Timestamp
    /// SPREAD_DETECTED's entry arithmetic, as figures (the reason says it in words).
    public var entryEdge: EntryEdge?

    public init(from: StrategyStateName, to: StrategyStateName, reason: String, time: Timestamp, entryEdge: EntryEdge? = nil) {
        self.from = from
        self.to = to
        self.reason = reason
        self.time = time
        self.entryEdge = entryEdge
    }
}

/// Strategy kinds: how the fair spread is judged.
public enum StrategyKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// The same contract on two venues: fair spread is 0.
    case cross
    /// Near vs far dated: fair spread is the carry, judged against a rolling mean.
    case calendar
    /// Dated future vs perpetual (or perpetual vs spot): converges at expiry; funding counts.
    case basis
}
