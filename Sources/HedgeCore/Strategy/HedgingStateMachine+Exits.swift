/// MONITORING: exit rules, drift, margin, funding and timers.
extension HedgingStateMachine {
    /// Checks every exit rule in order of urgency; the first that holds closes the spread.
    /// Otherwise a drifted hedge ratio moves to ADJUSTING.
    mutating func checkExits(now: Timestamp, into actions: inout [StrategyAction]) {
        guard let cycle else { return }
        if let reason = exitReason(cycle, now: now) {
            startClosing(reason, now: now, into: &actions)
            return
        }
        if let drift = driftFraction(), drift > config.driftTolerance.doubleValue {
            startAdjusting("hedge drifted \((drift * 100).formatted1) %", now: now, into: &actions)
        }
    }

    func exitReason(_ cycle: Cycle, now: Timestamp) -> String? {
        if let expiry = earliestExpiry, now + config.expiryGuard >= expiry {
            return "expiry guard: \((expiry - now).compact) to expiry"
        }
        let pnlBps = cyclePnLBps()
        if let stop = config.stopLossBps, let pnl = pnlBps, pnl <= -stop.doubleValue {
            return "stop loss: \(pnl.formatted1) bps of notional"
        }
        if let stop = config.spreadStopBps, let spread = spreadBps {
            // Against us: the deviation grew further in the direction we entered.
            let move = (spread.doubleValue - cycle.entrySpreadBps.doubleValue) * Double(cycle.entryDeviationSign)
            if move >= stop.doubleValue { return "spread stop: moved \(move.formatted1) bps against entry" }
        }
        if let target = config.profitTargetBps, let pnl = pnlBps, pnl >= target.doubleValue {
            return "profit target: \(pnl.formatted1) bps of notional"
        }
        if let measured = measure(config.exit), measured <= limit(config.exit) {
            return "converged: deviation within \(config.exit)"
        }
        if let maxHolding = config.maxHolding, now - cycle.openedAt >= maxHolding {
            return "max holding time \(maxHolding.compact)"
        }
        if let multiple = config.volatilityStopMultiple, let entry = cycle.entryVolatility, entry > 0,
           let current = statistics.standardDeviation, current > entry * multiple {
            return "volatility stop: σ \(current.formatted1) bps > \(multiple.formatted1)× entry σ \(entry.formatted1)"
        }
        return nil
    }

    /// |net base exposure| / the larger leg's exposure.
    func driftFraction() -> Double? {
        guard let pa = referencePrice(.a), let pb = referencePrice(.b),
              let ea = try? positions.a.baseExposure(at: pa), let eb = try? positions.b.baseExposure(at: pb) else { return nil }
        let larger = max(ea.magnitude, eb.magnitude).doubleValue
        guard larger > 0, hedgeShortfall(now: .zero) != nil else { return nil }
        return abs(ea.doubleValue + eb.doubleValue) / larger
    }

    mutating func startAdjusting(_ reason: String, now: Timestamp, into actions: inout [StrategyAction]) {
        guard let shortfall = hedgeShortfall(now: now) else { return }
        let leg = shortfall.excessLeg.other
        let order = makeOrder(leg: leg, side: shortfall.hedgeSide, quantity: shortfall.hedgeQuantity, purpose: .adjust, reduceOnly: false, now: now, into: &actions)
        enter(.adjusting(order: order, hedgeAfter: false), "\(reason): \(shortfall.hedgeSide) \(shortfall.hedgeQuantity) on leg \(leg)", now: now, into: &actions)
    }

    mutating func onMargin(_ leg: Leg, _ status: MarginStatus, now: Timestamp, into actions: inout [StrategyAction]) {
        switch state {
        case .monitoring:
            if status.marginRatio >= config.marginGuardRatio {
                startClosing("margin guard: leg \(leg) margin ratio \((status.marginRatio * 100).formatted1) %", now: now, into: &actions)
            }
        case .scanning:
            if status.marginRatio >= 1 {
                enter(.error(reason: "leg \(leg) account at margin call (ratio \((status.marginRatio * 100).formatted1) %)"), "margin call", now: now, into: &actions)
            }
        case .validating, .openingFirst, .openingSecond, .adjusting, .closing, .unwinding, .completed, .error:
            break
        }
    }

    mutating func onFunding(_ leg: Leg, amount: FixedDecimal, rate: FixedDecimal, now: Timestamp, into actions: inout [StrategyAction]) {
        do {
            try positions[leg].applyFunding(amount)
        } catch {
            actions.append(.alert(.critical, "leg \(leg) funding \(amount) could not be applied: \(error)"))
        }
    }

    mutating func onTimer(_ timer: StrategyTimer, now: Timestamp, into actions: inout [StrategyAction]) {
        switch timer {
        case .orderTimeout(let id):
            guard var order = working[id] else { return }
            if order.timedOut {
                // Asked to cancel and still no answer: the venue is not answering.
                working[id] = nil
                actions.append(.alert(.critical, "order \(id) on leg \(order.request.leg): no answer from the venue after cancel"))
                let outcome = OrderOutcome(request: order.request, filled: order.filled, shortfall: "no answer from the venue")
                orderFinished(outcome, now: now, into: &actions)
            } else {
                order.timedOut = true
                working[id] = order
                actions.append(.alert(.warning, "order \(id) timed out; cancelling"))
                actions.append(.cancelOrder(id, order.request.leg))
                actions.append(.scheduleTimer(.orderTimeout(id), at: now + config.orderTimeout))
            }
        case .validationTimeout:
            if case .validating = state {
                enter(.scanning, "no fresh quotes to validate within \(config.orderTimeout.compact)", now: now, into: &actions)
            }
        case .cooldown:
            if case .completed = state {
                enter(.scanning, "cooldown \(config.cooldown.compact) over", now: now, into: &actions)
            }
        case .hedgeDeadline:
            if case .unwinding(var unwind) = state, unwind.goal == .hedge {
                unwind.goal = .flatten
                unwind.attempts = 0
                state = .unwinding(unwind)
                actions.append(.alert(.warning, "hedge deadline passed; flattening the excess leg"))
                continueUnwinding(now: now, into: &actions)
            }
        }
    }
}
