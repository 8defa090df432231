/// Positions the venue closed on its own: liquidation, or a dated future settled at expiry.
extension HedgingStateMachine {
    /// Applies the venue's closing trade and never lets the other leg stay open unnoticed: a spread
    /// that loses a leg flattens what is left (UNWINDING), one left flat completes its cycle.
    mutating func onPositionClosed(_ leg: Leg, _ fill: Fill, reason: PositionClosure, now: Timestamp, into actions: inout [StrategyAction]) {
        guard applyFill(fill, leg: leg, into: &actions) else { return }
        let what = switch reason {
        case .liquidation: "liquidated"
        case .settlement: "settled at expiry"
        }
        let note = "leg \(leg) \(what): \(fill.side) \(fill.quantity) @ \(fill.price) by the venue"
        actions.append(.alert(.critical, note))
        switch state {
        case .unwinding(var unwinding):
            unwinding.goal = .flatten
            state = .unwinding(unwinding)
            continueUnwinding(now: now, into: &actions)
        case .closing, .error:
            // CLOSING finishes when its orders answer (the closed leg's order is refused as
            // reduce-only); ERROR stays halted and shows the positions.
            break
        case .scanning, .validating, .openingFirst, .openingSecond, .monitoring, .adjusting, .completed:
            let holding = holding
            if hasPosition {
                startUnwinding(goal: .flatten, reason: note, holding: holding, now: now, into: &actions)
            } else if holding.trade != nil {
                completeCycle(note, holding: holding, now: now, into: &actions)
            }
        }
    }
}
