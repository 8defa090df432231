/// OPENING_LONG_LEG / OPENING_SHORT_LEG: the first leg, then the hedge of what it filled.
extension HedgingStateMachine {
    /// An opening state's payload: the spread being opened and the order working on it.
    struct OpeningState: Sendable {
        var opportunity: Opportunity
        /// The order this state waits for: the first leg's, then the hedge on the second leg.
        var order: OrderID
        /// Each leg's realised + funding − fees when the first leg was sent, so a spread that
        /// fails while opening still reports what it cost.
        var baseline: PerLeg<FixedDecimal>
        /// A close or the kill switch asked for while the order works.
        var intent: OperatorIntent? = nil
        /// The base exposure the first leg's fills hold (at their average price), once it has filled.
        var firstLegBase: FixedDecimal = .zero
        /// The base exposure the second leg's orders have filled so far, less any trim.
        var hedgedBase: FixedDecimal = .zero
        /// Orders sent after the hedge to bring the legs within a lot of each other.
        var topUps = 0
    }

    mutating func firstLegFinished(_ opening: OpeningState, _ outcome: OrderOutcome, now: Timestamp, into actions: inout [StrategyAction]) {
        let opportunity = opening.opportunity
        let first = opportunity.firstLeg
        let second = first.other
        if outcome.filled.isZero {
            noteError()
            // Nothing opened, so a close asked for meanwhile is done; it must not close the next spread.
            let reason = "leg \(first) did not fill (\(outcome.shortfall ?? "no fill")); nothing open"
            actions.append(.alert(.warning, reason))
            if opening.intent == .kill { haltAfterKill(keeping: nil, now: now, into: &actions); return }
            if consecutiveErrors >= config.maxConsecutiveErrors {
                enter(.error(ErrorState(reason: "\(consecutiveErrors) failed attempts in a row; last: \(reason)", holding: Holding())),
                      reason, now: now, into: &actions)
            } else {
                enter(.scanning, reason, now: now, into: &actions)
            }
            return
        }
        let holding = Holding(trade: .attempt(baseline: opening.baseline), intent: opening.intent)
        if opening.intent == .kill {
            startUnwinding(goal: .flatten, reason: "kill switch during opening", holding: holding, now: now, into: &actions)
            return
        }
        // Hedge exactly what filled: the base exposure of the first leg's fills at their average
        // price (an inverse leg that walked the book holds other coins than its top price says),
        // converted at the second leg's price.
        guard let quote = quotes[second],
              let exposure = try? outcome.average.baseExposure(config.legs[first]), exposure.isPositive,
              let hedge = try? config.legs[second].quantity(forBase: exposure, price: quote.price(toTake: opportunity.sides[second]), rounding: .halfEven),
              hedge.isPositive else {
            startUnwinding(goal: .flatten, reason: "leg \(first) filled \(outcome.filled), too little to hedge on leg \(second)", holding: holding,
                           now: now, into: &actions)
            return
        }
        var hedged = opening
        hedged.opportunity.quantities[second] = hedge
        hedged.firstLegBase = exposure
        hedged.order = makeOrder(leg: second, side: opportunity.sides[second], quantity: hedge, purpose: .hedge, reduceOnly: false, now: now, into: &actions)
        let note = outcome.shortfall.map { "; partial: \($0)" } ?? ""
        // An average of several prices: shown to the tick, as every price is.
        let average = outcome.average.averagePrice.map { " at \(config.legs[first].priceText($0))" } ?? ""
        enter(.openingSecond(hedged), "leg \(first) filled \(outcome.filled)\(average)\(note); hedging \(hedge) on leg \(second)", now: now, into: &actions)
    }

    mutating func secondLegFinished(_ opening: OpeningState, _ outcome: OrderOutcome, now: Timestamp, into actions: inout [StrategyAction]) {
        let second = opening.opportunity.firstLeg.other
        if let shortfall = outcome.shortfall {
            noteError()
            startUnwinding(goal: opening.intent == .kill ? .flatten : .hedge, reason: "leg \(second) \(shortfall)",
                           holding: Holding(trade: .attempt(baseline: opening.baseline), intent: opening.intent), now: now, into: &actions)
            return
        }
        if let topUp = hedgeTopUp(after: outcome, opening: opening, now: now, into: &actions) {
            state = .openingSecond(topUp)
            return
        }
        consecutiveErrors = 0
        let cycle = openCycle(baseline: opening.baseline, now: now, into: &actions)
        if let intent = opening.intent {
            startClosing(intent.closeReason, holding: Holding(trade: .open(cycle), intent: intent), now: now, into: &actions)
        } else {
            enter(.monitoring(cycle), "both legs hedged at \(spreadBps.map { "\($0.formatted(places: 1)) bps" } ?? "?")", now: now, into: &actions)
        }
    }

    /// After a hedge order filled: when the second leg's fills (at their average price) hold a
    /// lot or more away from the first leg's, one more order on the second leg for the gap (an
    /// inverse hedge that walked the book holds fewer or more coins than its top price said):
    /// more of the hedge, or a reduce-only trim. Nil when within the lot, or after
    /// `maxHedgeAttempts` such orders (MONITORING's drift check takes over).
    mutating func hedgeTopUp(after outcome: OrderOutcome, opening: OpeningState, now: Timestamp,
                             into actions: inout [StrategyAction]) -> OpeningState? {
        let opportunity = opening.opportunity
        let second = opportunity.firstLeg.other
        let spec = config.legs[second]
        var next = opening
        if let filled = try? outcome.average.baseExposure(spec) {
            let signed = outcome.request.side == opportunity.sides[second] ? filled : filled.negated
            next.hedgedBase = (try? next.hedgedBase + signed) ?? next.hedgedBase
        }
        guard next.topUps < config.maxHedgeAttempts, opening.intent == nil, let quote = quotes[second],
              let gap = try? next.firstLegBase - next.hedgedBase else { return nil }
        let side = gap.isPositive ? opportunity.sides[second] : opportunity.sides[second].opposite
        guard let quantity = try? spec.quantity(forBase: gap.magnitude, price: quote.price(toTake: side), rounding: .halfEven),
              quantity.isPositive else { return nil }
        let trim = side != opportunity.sides[second]
        let order = trim ? min(quantity, positions[second].quantity.magnitude) : quantity
        guard order.isPositive else { return nil }
        next.topUps += 1
        next.order = makeOrder(leg: second, side: side, quantity: order, purpose: .hedge, reduceOnly: trim, now: now, into: &actions)
        actions.append(.alert(.info, "leg \(second) filled \(outcome.filled)\(outcome.average.averagePrice.map { " at \(config.legs[second].priceText($0))" } ?? ""): \(gap.magnitude) \(spec.baseAsset) \(trim ? "over" : "short of") leg \(opportunity.firstLeg)'s fills; \(side) \(order)\(trim ? " reduce-only" : " more")"))
        return next
    }

    /// Which way the spread was rich when it was entered, read from the positions: short A means
    /// A was sold as the rich leg (+1), long A that B was (−1). Survives a restart, unlike a
    /// deviation seen at the time.
    var entryDeviationSign: Int {
        let a = positions.a.quantity
        if a.isNegative { return 1 }
        if a.isPositive { return -1 }
        return (deviationBps ?? 0) >= 0 ? 1 : -1
    }

    /// The open spread's entry facts for the exit rules, from `baseline` (each leg's realised +
    /// funding − fees when the spread began).
    mutating func openCycle(baseline: PerLeg<FixedDecimal>, now: Timestamp, into actions: inout [StrategyAction]) -> Cycle {
        let spread = spreadBps ?? .zero
        let cycle = Cycle(openedAt: now, entrySpreadBps: spread, entryDeviationSign: entryDeviationSign,
                          entryVolatility: statistics.standardDeviation, baseline: baseline)
        actions.append(.cycleEvent(.opened(spreadBps: spread, time: now)))
        return cycle
    }
}
