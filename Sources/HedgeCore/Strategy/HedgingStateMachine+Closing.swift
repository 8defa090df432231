/// CLOSING_SPREAD → COMPLETED: both legs closed together, the cycle's result recorded.
extension HedgingStateMachine {
    /// CLOSING's payload: why, the orders still working, and what the spread carries.
    struct ClosingState: Sendable {
        var reason: String
        /// The closing orders still working.
        var pending: [OrderID]
        var holding: Holding
    }

    /// Sends a reduce-only order for each leg that holds a position; flat already, it completes.
    mutating func startClosing(_ reason: String, holding: Holding, now: Timestamp, into actions: inout [StrategyAction]) {
        var pending: [OrderID] = []
        for leg in Leg.allCases where !positions[leg].isFlat {
            let position = positions[leg]
            let side: Side = position.quantity.isPositive ? .sell : .buy
            pending.append(makeOrder(leg: leg, side: side, quantity: position.quantity.magnitude, purpose: .close, reduceOnly: true, now: now, into: &actions))
        }
        enter(.closing(ClosingState(reason: reason, pending: pending, holding: holding)), reason, now: now, into: &actions)
        if pending.isEmpty {
            closeFinished(reason: reason, holding: holding, now: now, into: &actions)
        }
    }

    mutating func closingOrderFinished(_ closing: ClosingState, _ outcome: OrderOutcome, now: Timestamp, into actions: inout [StrategyAction]) {
        var closing = closing
        closing.pending.removeAll { $0 == outcome.request.id }
        if let shortfall = outcome.shortfall {
            actions.append(.alert(.warning, "closing leg \(outcome.request.leg) \(shortfall)"))
        }
        if closing.pending.isEmpty {
            closeFinished(reason: closing.reason, holding: closing.holding, now: now, into: &actions)
        } else {
            state = .closing(closing)
        }
    }

    mutating func closeFinished(reason: String, holding: Holding, now: Timestamp, into actions: inout [StrategyAction]) {
        if hasPosition {
            startUnwinding(goal: .flatten, reason: "close incomplete (\(reason))", holding: holding, now: now, into: &actions)
        } else {
            completeCycle("closed: \(reason)", holding: holding, now: now, into: &actions)
        }
    }

    /// COMPLETED: the result is recorded and the cooldown starts (or the strategy halts, as the
    /// trader asked).
    mutating func completeCycle(_ reason: String, holding: Holding, now: Timestamp, into actions: inout [StrategyAction]) {
        let net = cycleNetPnL(since: holding.trade?.baseline) ?? .zero
        actions.append(.cycleEvent(.closed(spreadBps: spreadBps, netPnL: net, reason: reason, time: now)))
        completedCycles += 1
        enter(.completed, "\(reason); cycle net \(net.figure(places: 2, plusSign: true)) USD", now: now, into: &actions)
        if holding.intent == .kill {
            haltAfterKill(keeping: nil, now: now, into: &actions)
        } else if let haltReason = holding.haltWhenFlat {
            enter(.error(ErrorState(reason: "\(haltReason); closed manually, flat", holding: Holding())), "closed from ERROR: flat, still halted",
                  now: now, into: &actions)
        } else if !config.singleShot {
            actions.append(.scheduleTimer(.cooldown, at: now + config.cooldown))
        }
    }
}
