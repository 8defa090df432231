/// What the states that may hold positions carry of a spread from one to the next.
extension HedgingStateMachine {
    /// The spread the legs' positions belong to.
    enum Trade: Sendable {
        /// Still opening: each leg's realised + funding − fees when the first leg was sent, so a
        /// spread that fails while opening still reports what it cost.
        case attempt(baseline: PerLeg<FixedDecimal>)
        /// Both legs were hedged: the open cycle's entry facts.
        case open(Cycle)

        /// Each leg's realised + funding − fees when the spread began, so results count it only.
        var baseline: PerLeg<FixedDecimal> {
            switch self {
            case .attempt(let baseline): baseline
            case .open(let cycle): cycle.baseline
            }
        }

        var cycle: Cycle? {
            if case .open(let cycle) = self { return cycle }
            return nil
        }
    }

    /// What the trader asked for that waits for a working order to finish (or a re-hedge).
    enum OperatorIntent: Sendable, Hashable {
        /// Close both legs, then cool down as usual; `reason` is the close's reason.
        case close(reason: String)
        /// The kill switch: flatten both legs, then halt in ERROR. Outranks a close.
        case kill

        /// The words a close started for this intent gives as its reason.
        var closeReason: String {
            switch self {
            case .close(let reason): reason
            case .kill: "kill switch"
            }
        }
    }

    /// What CLOSING, UNWINDING and ERROR carry from one to the other: the spread, what the trader
    /// asked for, and the halt a manual close from ERROR returns to once flat.
    struct Holding: Sendable {
        var trade: Trade?
        var intent: OperatorIntent?
        /// Set by a manual close from ERROR: once flat, halt again with this reason instead of
        /// cooling down into SCANNING (ERROR leaves to SCANNING only by a manual resume).
        var haltWhenFlat: String?

        /// Adds what the trader asked for now; a pending kill stays a kill.
        mutating func ask(_ asked: OperatorIntent) {
            if intent != .kill { intent = asked }
        }
    }

    /// Records what the trader asked for in the state that will carry it out once its working
    /// order finishes. States that act at once (or hold nothing) keep no intent.
    mutating func request(_ asked: OperatorIntent) {
        switch state {
        case .openingFirst(var opening):
            if opening.intent != .kill { opening.intent = asked }
            state = .openingFirst(opening)
        case .openingSecond(var opening):
            if opening.intent != .kill { opening.intent = asked }
            state = .openingSecond(opening)
        case .adjusting(var adjusting):
            if adjusting.intent != .kill { adjusting.intent = asked }
            state = .adjusting(adjusting)
        case .closing(var closing):
            closing.holding.ask(asked)
            state = .closing(closing)
        case .unwinding(var unwinding):
            unwinding.holding.ask(asked)
            state = .unwinding(unwinding)
        case .error(var error):
            error.holding.ask(asked)
            state = .error(error)
        case .scanning, .validating, .monitoring, .completed:
            break
        }
    }
}
