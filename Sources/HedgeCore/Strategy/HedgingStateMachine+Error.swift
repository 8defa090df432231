/// ERROR: halted with a reason until a manual resume.
extension HedgingStateMachine {
    /// ERROR's payload: why it halted, and what is still held (a halt may leave legs open).
    struct ErrorState: Sendable {
        var reason: String
        var holding: Holding
    }

    /// The kill switch's end: flat, halted until resumed. `trade` is a spread still on the books
    /// (an ERROR killed again keeps its own).
    mutating func haltAfterKill(keeping trade: Trade?, now: Timestamp, into actions: inout [StrategyAction]) {
        enter(.error(ErrorState(reason: "halted by kill switch; flat", holding: Holding(trade: trade))), "kill switch: flat, halted",
              now: now, into: &actions)
    }
}
