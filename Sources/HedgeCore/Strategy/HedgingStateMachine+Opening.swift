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
        // Hedge exactly what filled, converted through base exposure at the second leg's price.
        guard let quote = quotes[second], let firstQuote = quotes[first],
              let exposure = try? config.legs[first].baseExposure(quantity: outcome.filled, price: firstQuote.price(toTake: opportunity.sides[first])),
              let hedge = try? config.legs[second].quantity(forBase: exposure, price: quote.price(toTake: opportunity.sides[second]), rounding: .halfEven),
              hedge.isPositive else {
            startUnwinding(goal: .flatten, reason: "leg \(first) filled \(outcome.filled), too little to hedge on leg \(second)", holding: holding,
                           now: now, into: &actions)
            return
        }
        var hedged = opening
        hedged.opportunity.quantities[second] = hedge
        hedged.order = makeOrder(leg: second, side: opportunity.sides[second], quantity: hedge, purpose: .hedge, reduceOnly: false, now: now, into: &actions)
        let note = outcome.shortfall.map { "; partial: \($0)" } ?? ""
        enter(.openingSecond(hedged), "leg \(first) filled \(outcome.filled)\(note); hedging \(hedge) on leg \(second)", now: now, into: &actions)
    }

    mutating func secondLegFinished(_ opening: OpeningState, _ outcome: OrderOutcome, now: Timestamp, into actions: inout [StrategyAction]) {
        let second = opening.opportunity.firstLeg.other
        if let shortfall = outcome.shortfall {
            noteError()
            startUnwinding(goal: opening.intent == .kill ? .flatten : .hedge, reason: "leg \(second) \(shortfall)",
                           holding: Holding(trade: .attempt(baseline: opening.baseline), intent: opening.intent), now: now, into: &actions)
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
