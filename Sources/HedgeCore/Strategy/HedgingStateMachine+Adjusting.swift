/// ADJUSTING_POSITIONS: restoring the hedge ratio, or resizing both legs.
extension HedgingStateMachine {
    /// ADJUSTING's payload: the open cycle it returns to and the order working on it.
    struct AdjustingState: Sendable {
        var cycle: Cycle
        var order: OrderID
        /// A resize: once this order finishes, one on the other leg hedges what it changed.
        var hedgeAfter: Bool
        /// A close or the kill switch asked for while the order works.
        var intent: OperatorIntent? = nil
    }

    /// Sends the order that restores the hedge ratio, when the legs are off by a lot or more.
    mutating func startAdjusting(_ reason: String, cycle: Cycle, now: Timestamp, into actions: inout [StrategyAction]) {
        guard let shortfall = hedgeShortfall(now: now) else { return }
        let leg = shortfall.excessLeg.other
        let order = makeOrder(leg: leg, side: shortfall.hedgeSide, quantity: shortfall.hedgeQuantity, purpose: .adjust, reduceOnly: false, now: now, into: &actions)
        enter(.adjusting(AdjustingState(cycle: cycle, order: order, hedgeAfter: false)),
              "\(reason): \(shortfall.hedgeSide) \(shortfall.hedgeQuantity) on leg \(leg)", now: now, into: &actions)
    }

    mutating func adjustmentFinished(_ adjusting: AdjustingState, _ outcome: OrderOutcome, now: Timestamp, into actions: inout [StrategyAction]) {
        if let shortfall = outcome.shortfall {
            noteError()
            actions.append(.alert(.warning, "adjustment on leg \(outcome.request.leg) \(shortfall)"))
        }
        // A resize changed one leg: match it on the other before calling the spread balanced.
        // Growing adds to the other leg; shrinking trims it (reduce-only).
        if adjusting.hedgeAfter, adjusting.intent == nil, let missing = hedgeShortfall(now: now) {
            let shrinking = outcome.request.reduceOnly
            let leg = shrinking ? missing.excessLeg : missing.excessLeg.other
            let side: Side = shrinking ? (positions[leg].quantity.isPositive ? .sell : .buy) : missing.hedgeSide
            let quantity = shrinking ? missing.trimQuantity : missing.hedgeQuantity
            let hedge = makeOrder(leg: leg, side: side, quantity: quantity, purpose: .adjust, reduceOnly: shrinking,
                                  now: now, into: &actions)
            state = .adjusting(AdjustingState(cycle: adjusting.cycle, order: hedge, hedgeAfter: false))
            actions.append(.alert(.info, "resize: \(side) \(quantity) on leg \(leg) to match"))
            return
        }
        let reason = "adjusted leg \(outcome.request.leg) by \(outcome.filled)"
        let holding = Holding(trade: .open(adjusting.cycle), intent: adjusting.intent)
        // Monitoring when both legs are open and hedged; otherwise closing or unwinding.
        if let intent = adjusting.intent {
            startClosing(intent.closeReason, holding: holding, now: now, into: &actions)
        } else if hedgeShortfall(now: now) != nil {
            startUnwinding(goal: .hedge, reason: "legs unbalanced after: \(reason)", holding: holding, now: now, into: &actions)
        } else {
            enter(.monitoring(adjusting.cycle), reason, now: now, into: &actions)
        }
    }
}
