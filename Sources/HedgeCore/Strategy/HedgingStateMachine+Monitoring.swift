/// MONITORING: exit rules, drift, margin and funding.
extension HedgingStateMachine {
    /// MONITORING's payload: the open spread's entry facts, for exit rules.
    struct Cycle: Sendable {
        var openedAt: Timestamp
        var entrySpreadBps: FixedDecimal
        var entryDeviationSign: Int
        var entryVolatility: Double?
        /// Each leg's realised + funding − fees at the start, so exit rules see this cycle only.
        var baseline: PerLeg<FixedDecimal>
    }

    /// Checks every exit rule in order of urgency; the first that holds closes the spread.
    /// Otherwise a drifted hedge ratio moves to ADJUSTING.
    mutating func checkExits(_ cycle: Cycle, now: Timestamp, into actions: inout [StrategyAction]) {
        if let reason = exitReason(cycle, now: now) {
            startClosing(reason, holding: Holding(trade: .open(cycle)), now: now, into: &actions)
            return
        }
        // No adjustment on a stale leg: the drift is priced from a quote that may be long gone.
        if staleLeg(at: now) == nil, let drift = driftFraction(), drift > config.driftTolerance.doubleValue {
            startAdjusting("hedge drifted \((drift * 100).formatted1) %", cycle: cycle, now: now, into: &actions)
        }
    }

    func exitReason(_ cycle: Cycle, now: Timestamp) -> String? {
        if let expiry = earliestExpiry, now + config.expiryGuard >= expiry {
            return "expiry guard: \((expiry - now).compact) to expiry"
        }
        let pnlBps = cyclePnLBps(cycle)
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
            // Two places and the limit worked out, so the figures shown never read as false (`σ 3.9 > 4.0× 1.0`).
            return "volatility stop: σ \(current.formatted(places: 2)) bps > \((entry * multiple).formatted(places: 2)) = \(multiple.formatted1)× entry σ \(entry.formatted(places: 2))"
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

    mutating func onMargin(_ leg: Leg, _ status: MarginStatus, now: Timestamp, into actions: inout [StrategyAction]) {
        switch state {
        case .monitoring(let cycle):
            if status.marginRatio >= config.marginGuardRatio {
                startClosing("margin guard: leg \(leg) margin ratio \((status.marginRatio * 100).formatted1) %", holding: Holding(trade: .open(cycle)),
                             now: now, into: &actions)
            }
        case .scanning:
            if status.marginRatio >= 1 {
                enter(.error(ErrorState(reason: "leg \(leg) account at margin call (ratio \((status.marginRatio * 100).formatted1) %)", holding: Holding())),
                      "margin call", now: now, into: &actions)
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
}
