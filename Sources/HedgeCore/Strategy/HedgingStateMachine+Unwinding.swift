/// UNWINDING: a leg is unhedged; re-hedge within the deadline, else flatten the excess.
extension HedgingStateMachine {
    /// UNWINDING's payload: what it is doing, how far it has got, and what the spread carries.
    struct UnwindingState: Sendable {
        enum Goal: Sendable { case hedge, flatten }
        var goal: Goal
        var attempts: Int
        var deadline: Timestamp
        var order: OrderID?
        var reason: String
        var holding: Holding
        /// Rebuilt from a journal with positions: waits for both legs' prices, then judges the
        /// hedge and resolves a half-open spread by this policy.
        var recovery: HalfOpenPolicy? = nil
    }

    mutating func startUnwinding(goal: UnwindingState.Goal, reason: String, holding: Holding, now: Timestamp,
                                 into actions: inout [StrategyAction]) {
        let unwinding = UnwindingState(goal: goal, attempts: 0, deadline: now + config.hedgeDeadline, order: nil, reason: reason, holding: holding)
        enter(.unwinding(unwinding), reason, now: now, into: &actions)
        actions.append(.alert(.warning, "UNWINDING: \(reason)"))
        actions.append(.scheduleTimer(.hedgeDeadline, at: unwinding.deadline))
        continueUnwinding(now: now, into: &actions)
    }

    mutating func unwindingOrderFinished(_ unwinding: UnwindingState, _ outcome: OrderOutcome, now: Timestamp, into actions: inout [StrategyAction]) {
        var unwinding = unwinding
        unwinding.order = nil
        if let shortfall = outcome.shortfall {
            actions.append(.alert(.warning, "unwind order on leg \(outcome.request.leg) \(shortfall)"))
        }
        state = .unwinding(unwinding)
        continueUnwinding(now: now, into: &actions)
    }

    /// One step of UNWINDING: done when hedged or flat; else re-hedge (goal .hedge, within the
    /// deadline and attempts) or trim the excess leg to match the other (goal .flatten).
    mutating func continueUnwinding(now: Timestamp, into actions: inout [StrategyAction]) {
        guard case .unwinding(var unwinding) = state, unwinding.order == nil else { return }
        let holding = unwinding.holding
        if !hasPosition {
            actions.append(.cancelTimer(.hedgeDeadline))
            if holding.trade != nil || unwinding.goal == .flatten {
                completeCycle("flat after unwinding (\(unwinding.reason))", holding: holding, now: now, into: &actions)
            } else {
                enter(.scanning, "flat after unwinding (\(unwinding.reason))", now: now, into: &actions)
            }
            return
        }
        guard let shortfall = hedgeShortfall(now: now) else {
            // Hedged within one lot.
            actions.append(.cancelTimer(.hedgeDeadline))
            if unwinding.goal == .flatten || holding.intent != nil {
                startClosing(holding.intent?.closeReason ?? "flatten after \(unwinding.reason)", holding: holding, now: now, into: &actions)
            } else {
                consecutiveErrors = 0
                let cycle = holding.trade?.cycle ?? openCycle(baseline: holding.trade?.baseline ?? legNetBeforeUnrealised(), now: now, into: &actions)
                enter(.monitoring(cycle), "re-hedged after \(unwinding.reason)", now: now, into: &actions)
            }
            return
        }
        if unwinding.goal == .hedge && (unwinding.attempts >= config.maxHedgeAttempts || now >= unwinding.deadline) {
            unwinding.goal = .flatten
            unwinding.attempts = 0
            actions.append(.alert(.warning, "re-hedge failed; flattening the excess leg \(shortfall.excessLeg)"))
        }
        if unwinding.goal == .flatten && unwinding.attempts >= config.maxHedgeAttempts {
            let exposure = describePositions()
            actions.append(.alert(.critical, "UNHEDGED: could not flatten after \(unwinding.attempts) attempts; \(exposure)"))
            enter(.error(ErrorState(reason: "UNHEDGED \(exposure); flatten failed (\(unwinding.reason)); close manually", holding: holding)),
                  "flatten failed", now: now, into: &actions)
            return
        }
        unwinding.attempts += 1
        switch unwinding.goal {
        case .hedge:
            let leg = shortfall.excessLeg.other
            unwinding.order = makeOrder(leg: leg, side: shortfall.hedgeSide, quantity: shortfall.hedgeQuantity, purpose: .hedge, reduceOnly: false, now: now, into: &actions)
        case .flatten:
            let leg = shortfall.excessLeg
            let side: Side = positions[leg].quantity.isPositive ? .sell : .buy
            unwinding.order = makeOrder(leg: leg, side: side, quantity: shortfall.trimQuantity, purpose: .flatten, reduceOnly: true, now: now, into: &actions)
        }
        state = .unwinding(unwinding)
    }
}
