/// ERROR: halted with a reason until a manual resume.
extension HedgingStateMachine {
    /// ERROR's payload: why it halted, and what is still held (a halt may leave legs open).
    struct ErrorState: Sendable {
        var reason: String
        var holding: Holding
        /// Halted by the trader's kill switch, not by a fault: the screen says HALTED.
        var byKillSwitch = false
    }

    /// The kill switch's end: flat, halted until resumed. `trade` is a spread still on the books
    /// (an ERROR killed again keeps its own).
    mutating func haltAfterKill(keeping trade: Trade?, now: Timestamp, into actions: inout [StrategyAction]) {
        enter(.error(ErrorState(reason: "halted by kill switch; flat", holding: Holding(trade: trade), byKillSwitch: true)), "kill switch: flat, halted",
              now: now, into: &actions)
    }
}

extension HedgingStateMachine {
    /// Whether the strategy is in ERROR because the kill switch halted it (a resume lifts it).
    public var haltedByKillSwitch: Bool {
        if case .error(let error) = state { return error.byKillSwitch }
        return false
    }
}
