/// Orders and their answers: opening both legs, adjusting, closing and unwinding.
extension HedgingStateMachine {
    /// Sends a market order and starts its timeout. Returns its id.
    mutating func makeOrder(leg: Leg, side: Side, quantity: FixedDecimal, purpose: OrderPurpose, reduceOnly: Bool,
                            now: Timestamp, into actions: inout [StrategyAction]) -> OrderID {
        orderCounter += 1
        let id = OrderID("\(config.name)-\(orderCounter)")
        let request = OrderRequest(id: id, leg: leg, instrument: config.legs[leg].id, side: side, quantity: quantity,
                                   type: .market, reduceOnly: reduceOnly, purpose: purpose)
        working[id] = WorkingOrder(request: request, sentAt: now)
        actions.append(.placeOrder(request))
        actions.append(.scheduleTimer(.orderTimeout(id), at: now + config.orderTimeout))
        return id
    }

    /// How an order ended.
    struct OrderOutcome {
        var request: OrderRequest
        var filled: FixedDecimal
        /// Why it did not fill completely (nil when it did).
        var shortfall: String?
    }

    mutating func onOrderUpdate(_ leg: Leg, _ update: OrderUpdate, now: Timestamp, into actions: inout [StrategyAction]) {
        let id = update.orderID
        guard var order = working[id] else {
            // A fill for an order we no longer track still changes the position: never lose it.
            if case .filled(let fill, _) = update, applyFill(fill, leg: leg, into: &actions) {
                actions.append(.alert(.warning, "fill for unknown order \(id) on leg \(leg) applied to the position"))
            }
            return
        }
        let outcome: OrderOutcome
        switch update {
        case .accepted:
            return
        case .filled(let fill, let remaining):
            if applyFill(fill, leg: leg, into: &actions) {
                order.filled = (try? order.filled + fill.quantity) ?? order.filled
                working[id] = order
            }
            guard remaining.isZero else { return }
            outcome = OrderOutcome(request: order.request, filled: order.filled, shortfall: nil)
        case .rejected(_, let reason):
            outcome = OrderOutcome(request: order.request, filled: order.filled, shortfall: "rejected: \(reason)")
        case .cancelled(_, _, let reason):
            let short = order.filled < order.request.quantity
            outcome = OrderOutcome(request: order.request, filled: order.filled,
                                   shortfall: short ? "cancelled after \(order.filled) of \(order.request.quantity): \(reason)" : nil)
        }
        working[id] = nil
        actions.append(.cancelTimer(.orderTimeout(id)))
        orderFinished(outcome, now: now, into: &actions)
    }

    /// Applies a fill to the leg's position unless its trade id was already applied.
    /// Returns whether it was applied.
    @discardableResult
    mutating func applyFill(_ fill: Fill, leg: Leg, into actions: inout [StrategyAction]) -> Bool {
        if let tradeID = fill.tradeID {
            let key = AppliedTrade(leg: leg, tradeID: tradeID)
            guard appliedTrades.insert(key).inserted else { return false }
            appliedTradeOrder.append(key)
            if appliedTradeOrder.count > Self.appliedTradeLimit, let oldest = appliedTradeOrder.popFirst() {
                appliedTrades.remove(oldest)
            }
        }
        do {
            try positions[leg].apply(fill)
        } catch {
            actions.append(.alert(.critical, "leg \(leg) fill \(fill.orderID) could not be applied: \(error)"))
        }
        return true
    }

    /// Routes a finished order to the state that was waiting for it.
    mutating func orderFinished(_ outcome: OrderOutcome, now: Timestamp, into actions: inout [StrategyAction]) {
        let id = outcome.request.id
        switch state {
        case .openingFirst(let opportunity, let order) where order == id:
            firstLegFinished(opportunity, outcome, now: now, into: &actions)
        case .openingSecond(let opportunity, let order) where order == id:
            secondLegFinished(opportunity, outcome, now: now, into: &actions)
        case .adjusting(let order, let hedgeAfter) where order == id:
            if let shortfall = outcome.shortfall {
                noteError()
                actions.append(.alert(.warning, "adjustment on leg \(outcome.request.leg) \(shortfall)"))
            }
            // A resize changed one leg: match it on the other before calling the spread balanced.
            // Growing adds to the other leg; shrinking trims it (reduce-only).
            if hedgeAfter, !closeRequested, !killRequested, let missing = hedgeShortfall(now: now) {
                let shrinking = outcome.request.reduceOnly
                let leg = shrinking ? missing.excessLeg : missing.excessLeg.other
                let side: Side = shrinking ? (positions[leg].quantity.isPositive ? .sell : .buy) : missing.hedgeSide
                let quantity = shrinking ? missing.trimQuantity : missing.hedgeQuantity
                let hedge = makeOrder(leg: leg, side: side, quantity: quantity, purpose: .adjust, reduceOnly: shrinking,
                                      now: now, into: &actions)
                state = .adjusting(order: hedge, hedgeAfter: false)
                actions.append(.alert(.info, "resize: \(side) \(quantity) on leg \(leg) to match"))
                return
            }
            enterMonitoringOrClose("adjusted leg \(outcome.request.leg) by \(outcome.filled)", now: now, into: &actions)
        case .closing(let reason, var pending):
            pending.removeAll { $0 == id }
            if let shortfall = outcome.shortfall {
                actions.append(.alert(.warning, "closing leg \(outcome.request.leg) \(shortfall)"))
            }
            if pending.isEmpty {
                closeFinished(reason: reason, now: now, into: &actions)
            } else {
                state = .closing(reason: reason, pending: pending)
            }
        case .unwinding(var unwind) where unwind.order == id:
            unwind.order = nil
            if let shortfall = outcome.shortfall {
                actions.append(.alert(.warning, "unwind order on leg \(outcome.request.leg) \(shortfall)"))
            }
            state = .unwinding(unwind)
            continueUnwinding(now: now, into: &actions)
        case .scanning, .validating, .openingFirst, .openingSecond, .monitoring, .adjusting, .unwinding, .completed, .error:
            // A late answer for an order no state waits on: the position is already updated.
            if let shortfall = outcome.shortfall {
                actions.append(.alert(.info, "late answer for order \(id): \(shortfall)"))
            }
        }
    }

    // MARK: Opening

    mutating func firstLegFinished(_ opportunity: Opportunity, _ outcome: OrderOutcome, now: Timestamp, into actions: inout [StrategyAction]) {
        let first = opportunity.firstLeg
        let second = first.other
        if outcome.filled.isZero {
            attemptBaseline = nil
            noteError()
            // Nothing opened, so a close asked for meanwhile is done; it must not close the next spread.
            closeRequested = false
            let reason = "leg \(first) did not fill (\(outcome.shortfall ?? "no fill")); nothing open"
            actions.append(.alert(.warning, reason))
            if killRequested { haltAfterKill(now: now, into: &actions); return }
            if consecutiveErrors >= config.maxConsecutiveErrors {
                enter(.error(reason: "\(consecutiveErrors) failed attempts in a row; last: \(reason)"), reason, now: now, into: &actions)
            } else {
                enter(.scanning, reason, now: now, into: &actions)
            }
            return
        }
        if killRequested {
            startUnwinding(goal: .flatten, reason: "kill switch during opening", now: now, into: &actions)
            return
        }
        // Hedge exactly what filled, converted through base exposure at the second leg's price.
        guard let quote = quotes[second], let firstQuote = quotes[first],
              let exposure = try? config.legs[first].baseExposure(quantity: outcome.filled, price: firstQuote.price(toTake: opportunity.sides[first])),
              let hedge = try? config.legs[second].quantity(forBase: exposure, price: quote.price(toTake: opportunity.sides[second]), rounding: .halfEven),
              hedge.isPositive else {
            startUnwinding(goal: .flatten, reason: "leg \(first) filled \(outcome.filled), too little to hedge on leg \(second)", now: now, into: &actions)
            return
        }
        var hedged = opportunity
        hedged.quantities[second] = hedge
        let order = makeOrder(leg: second, side: opportunity.sides[second], quantity: hedge, purpose: .hedge, reduceOnly: false, now: now, into: &actions)
        let note = outcome.shortfall.map { "; partial: \($0)" } ?? ""
        enter(.openingSecond(hedged, order: order), "leg \(first) filled \(outcome.filled)\(note); hedging \(hedge) on leg \(second)", now: now, into: &actions)
    }

    mutating func secondLegFinished(_ opportunity: Opportunity, _ outcome: OrderOutcome, now: Timestamp, into actions: inout [StrategyAction]) {
        let second = opportunity.firstLeg.other
        if let shortfall = outcome.shortfall {
            noteError()
            startUnwinding(goal: killRequested ? .flatten : .hedge, reason: "leg \(second) \(shortfall)", now: now, into: &actions)
            return
        }
        consecutiveErrors = 0
        openCycle(now: now, into: &actions)
        if killRequested || closeRequested {
            startClosing(killRequested ? "kill switch" : "manual close", now: now, into: &actions)
        } else {
            enter(.monitoring, "both legs hedged at \(spreadBps.map { "\($0.formatted(places: 1)) bps" } ?? "?")", now: now, into: &actions)
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

    /// Records the open spread's entry facts for the exit rules.
    mutating func openCycle(now: Timestamp, into actions: inout [StrategyAction]) {
        let spread = spreadBps ?? .zero
        cycle = Cycle(openedAt: now, entrySpreadBps: spread, entryDeviationSign: entryDeviationSign,
                      entryVolatility: statistics.standardDeviation, baseline: attemptBaseline ?? legNetBeforeUnrealised())
        actions.append(.cycleEvent(.opened(spreadBps: spread, time: now)))
    }

    /// Monitoring when both legs are open and hedged; otherwise unwinding or closing.
    mutating func enterMonitoringOrClose(_ reason: String, now: Timestamp, into actions: inout [StrategyAction]) {
        if killRequested || closeRequested {
            startClosing(killRequested ? "kill switch" : "manual close", now: now, into: &actions)
        } else if hedgeShortfall(now: now) != nil {
            startUnwinding(goal: .hedge, reason: "legs unbalanced after: \(reason)", now: now, into: &actions)
        } else {
            enter(.monitoring, reason, now: now, into: &actions)
        }
    }

    // MARK: Closing

    mutating func startClosing(_ reason: String, now: Timestamp, into actions: inout [StrategyAction]) {
        var pending: [OrderID] = []
        for leg in Leg.allCases where !positions[leg].isFlat {
            let position = positions[leg]
            let side: Side = position.quantity.isPositive ? .sell : .buy
            pending.append(makeOrder(leg: leg, side: side, quantity: position.quantity.magnitude, purpose: .close, reduceOnly: true, now: now, into: &actions))
        }
        if pending.isEmpty {
            enter(.closing(reason: reason, pending: []), reason, now: now, into: &actions)
            closeFinished(reason: reason, now: now, into: &actions)
        } else {
            enter(.closing(reason: reason, pending: pending), reason, now: now, into: &actions)
        }
    }

    mutating func closeFinished(reason: String, now: Timestamp, into actions: inout [StrategyAction]) {
        if hasPosition {
            startUnwinding(goal: .flatten, reason: "close incomplete (\(reason))", now: now, into: &actions)
        } else {
            completeCycle("closed: \(reason)", now: now, into: &actions)
        }
    }

    /// COMPLETED: the result is recorded and the cooldown starts (or the strategy halts).
    mutating func completeCycle(_ reason: String, now: Timestamp, into actions: inout [StrategyAction]) {
        let net = cycleNetPnL() ?? .zero
        actions.append(.cycleEvent(.closed(spreadBps: spreadBps, netPnL: net, reason: reason, time: now)))
        cycle = nil
        attemptBaseline = nil
        closeRequested = false
        completedCycles += 1
        enter(.completed, "\(reason); cycle net \(net.formatted(places: 2)) USD", now: now, into: &actions)
        if killRequested {
            haltAfterKill(now: now, into: &actions)
        } else if let haltReason = haltWhenFlat {
            haltWhenFlat = nil
            enter(.error(reason: "\(haltReason); closed manually, flat"), "closed from ERROR: flat, still halted", now: now, into: &actions)
        } else if !config.singleShot {
            actions.append(.scheduleTimer(.cooldown, at: now + config.cooldown))
        }
    }

    mutating func haltAfterKill(now: Timestamp, into actions: inout [StrategyAction]) {
        killRequested = false
        closeRequested = false
        haltWhenFlat = nil
        enter(.error(reason: "halted by kill switch; flat"), "kill switch: flat, halted", now: now, into: &actions)
    }

    // MARK: Unwinding

    mutating func startUnwinding(goal: Unwind.Goal, reason: String, now: Timestamp, into actions: inout [StrategyAction]) {
        let unwind = Unwind(goal: goal, attempts: 0, deadline: now + config.hedgeDeadline, order: nil, reason: reason)
        enter(.unwinding(unwind), reason, now: now, into: &actions)
        actions.append(.alert(.warning, "UNWINDING: \(reason)"))
        actions.append(.scheduleTimer(.hedgeDeadline, at: unwind.deadline))
        continueUnwinding(now: now, into: &actions)
    }

    /// One step of UNWINDING: done when hedged or flat; else re-hedge (goal .hedge, within the
    /// deadline and attempts) or trim the excess leg to match the other (goal .flatten).
    mutating func continueUnwinding(now: Timestamp, into actions: inout [StrategyAction]) {
        guard case .unwinding(var unwind) = state, unwind.order == nil else { return }
        if !hasPosition {
            actions.append(.cancelTimer(.hedgeDeadline))
            if cycle != nil || attemptBaseline != nil || unwind.goal == .flatten {
                completeCycle("flat after unwinding (\(unwind.reason))", now: now, into: &actions)
            } else {
                enter(.scanning, "flat after unwinding (\(unwind.reason))", now: now, into: &actions)
            }
            return
        }
        guard let shortfall = hedgeShortfall(now: now) else {
            // Hedged within one lot.
            actions.append(.cancelTimer(.hedgeDeadline))
            if unwind.goal == .flatten || killRequested || closeRequested {
                startClosing(killRequested ? "kill switch" : (closeRequested ? "manual close" : "flatten after \(unwind.reason)"), now: now, into: &actions)
            } else {
                consecutiveErrors = 0
                if cycle == nil { openCycle(now: now, into: &actions) }
                enter(.monitoring, "re-hedged after \(unwind.reason)", now: now, into: &actions)
            }
            return
        }
        if unwind.goal == .hedge && (unwind.attempts >= config.maxHedgeAttempts || now >= unwind.deadline) {
            unwind.goal = .flatten
            unwind.attempts = 0
            actions.append(.alert(.warning, "re-hedge failed; flattening the excess leg \(shortfall.excessLeg)"))
        }
        if unwind.goal == .flatten && unwind.attempts >= config.maxHedgeAttempts {
            let exposure = describePositions()
            actions.append(.alert(.critical, "UNHEDGED: could not flatten after \(unwind.attempts) attempts; \(exposure)"))
            enter(.error(reason: "UNHEDGED \(exposure); flatten failed (\(unwind.reason)); close manually"), "flatten failed", now: now, into: &actions)
            return
        }
        unwind.attempts += 1
        let order: OrderID
        switch unwind.goal {
        case .hedge:
            let leg = shortfall.excessLeg.other
            order = makeOrder(leg: leg, side: shortfall.hedgeSide, quantity: shortfall.hedgeQuantity, purpose: .hedge, reduceOnly: false, now: now, into: &actions)
        case .flatten:
            let leg = shortfall.excessLeg
            let side: Side = positions[leg].quantity.isPositive ? .sell : .buy
            order = makeOrder(leg: leg, side: side, quantity: shortfall.trimQuantity, purpose: .flatten, reduceOnly: true, now: now, into: &actions)
        }
        unwind.order = order
        state = .unwinding(unwind)
    }

    /// The imbalance between the legs, when it is at least one lot.
    struct HedgeShortfall {
        /// The leg with more base exposure than the other hedges.
        var excessLeg: Leg
        /// Order on the other leg that restores the hedge.
        var hedgeSide: Side
        var hedgeQuantity: FixedDecimal
        /// Reduce-only quantity on the excess leg that removes the imbalance.
        var trimQuantity: FixedDecimal
    }

    /// Compares the legs' signed base exposures at the current prices; nil when hedged within a lot.
    func hedgeShortfall(now: Timestamp) -> HedgeShortfall? {
        guard let pa = referencePrice(.a), let pb = referencePrice(.b),
              let ea = try? positions.a.baseExposure(at: pa), let eb = try? positions.b.baseExposure(at: pb),
              let net = try? ea + eb, !net.isZero else { return nil }
        // The excess leg is the one whose exposure points the same way as the net.
        let excess: Leg = (ea.signum == net.signum && ea.magnitude >= eb.magnitude) || eb.isZero ? .a : .b
        let other = excess.other
        let otherPrice = other == .a ? pa : pb
        let excessPrice = excess == .a ? pa : pb
        guard let hedge = try? config.legs[other].quantity(forBase: net.magnitude, price: otherPrice, rounding: .halfEven),
              let trimRaw = try? config.legs[excess].quantity(forBase: net.magnitude, price: excessPrice, rounding: .halfEven) else { return nil }
        let trim = min(trimRaw, positions[excess].quantity.magnitude)
        // Hedged when the lacking leg cannot get closer by a whole lot.
        if hedge.isZero { return nil }
        let hedgeSide: Side = net.isPositive ? .sell : .buy
        return HedgeShortfall(excessLeg: excess, hedgeSide: hedgeSide, hedgeQuantity: hedge,
                              trimQuantity: trim.isZero ? min(config.legs[excess].lotStep, positions[excess].quantity.magnitude) : trim)
    }

    /// The price exposure is judged at: the mark, else the mid.
    func referencePrice(_ leg: Leg) -> FixedDecimal? {
        marks[leg] ?? quotes[leg]?.mid
    }

    func describePositions() -> String {
        Leg.allCases.map { leg in
            let q = positions[leg].quantity
            return "leg \(leg) \(config.legs[leg].id) \(q.isZero ? "flat" : (q.isPositive ? "long \(q)" : "short \(q.magnitude)"))"
        }.joined(separator: ", ")
    }

    mutating func noteError() { consecutiveErrors += 1 }
}
