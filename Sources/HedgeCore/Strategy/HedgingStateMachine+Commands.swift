/// Manual overrides: every command is accepted or refused with a reason, in every state.
extension HedgingStateMachine {
    mutating func onCommand(_ command: StrategyCommand, now: Timestamp, into actions: inout [StrategyAction]) {
        func accept(_ message: String) { actions.append(.commandResult(command, accepted: true, message: "\(command) accepted: \(message)")) }
        func refuse(_ message: String) { actions.append(.commandResult(command, accepted: false, message: "\(command) refused: \(message)")) }

        switch command {
        case .close, .flatten:
            let reason = if case .flatten(let why) = command { why } else { "manual close" }
            switch state {
            case .monitoring(let cycle):
                accept("closing both legs")
                startClosing(reason, holding: Holding(trade: .open(cycle)), now: now, into: &actions)
            case .error(let error) where hasPosition:
                accept("closing what is open; staying halted until resumed")
                var holding = error.holding
                holding.haltWhenFlat = error.reason
                startClosing("\(reason) from ERROR", holding: holding, now: now, into: &actions)
            case .openingFirst, .openingSecond, .adjusting:
                request(.close(reason: reason))
                accept("will close as soon as the working order finishes")
            case .unwinding(var unwinding):
                unwinding.holding.ask(.close(reason: reason))
                unwinding.goal = .flatten
                state = .unwinding(unwinding)
                accept("flattening")
                continueUnwinding(now: now, into: &actions)
            case .closing:
                refuse("already closing")
            case .scanning, .validating, .completed, .error:
                refuse("nothing open")
            }
        case .rebalance:
            switch state {
            case .monitoring(let cycle):
                if let leg = staleLeg(at: now) {
                    refuse(staleText(leg, at: now))
                } else if hedgeShortfall(now: now) == nil {
                    refuse("legs already balanced within one lot")
                } else {
                    accept("restoring the hedge ratio")
                    startAdjusting("manual rebalance", cycle: cycle, now: now, into: &actions)
                }
            case .scanning, .validating, .openingFirst, .openingSecond, .adjusting, .closing, .unwinding, .completed, .error:
                refuse(hasPosition ? "not while \(stateName)" : "nothing open")
            }
        case .resize(let percent):
            let result = resize(percent: percent, now: now, into: &actions)
            if result.accepted { accept(result.message) } else { refuse(result.message) }
        case .setThresholds(let entry, let exit):
            let result = setThresholds(entry: entry, exit: exit)
            if result.accepted { accept(result.message) } else { refuse(result.message) }
        case .pause:
            if paused {
                refuse("already paused")
            } else {
                paused = true
                if case .validating = state {
                    actions.append(.cancelTimer(.validationTimeout))
                    enter(.scanning, "paused before opening", now: now, into: &actions)
                }
                accept(hasPosition ? "no new spreads; the open one is still managed" : "no new spreads")
            }
        case .resume:
            if case .error(let error) = state {
                paused = false
                consecutiveErrors = 0
                consecutiveBadQuotes = 0
                accept("leaving ERROR (\(error.reason))")
                if hasPosition {
                    startUnwinding(goal: .hedge, reason: "resumed from ERROR with positions", holding: error.holding, now: now, into: &actions)
                } else {
                    enter(.scanning, "manual resume", now: now, into: &actions)
                }
            } else if paused {
                paused = false
                accept("scanning for new spreads")
            } else {
                refuse("not paused")
            }
        case .kill:
            paused = true
            switch state {
            case .monitoring(let cycle):
                accept("flattening both legs, then halting")
                startClosing("kill switch", holding: Holding(trade: .open(cycle), intent: .kill), now: now, into: &actions)
            case .unwinding(var unwinding):
                unwinding.holding.ask(.kill)
                unwinding.goal = .flatten
                state = .unwinding(unwinding)
                accept("flattening, then halting")
                continueUnwinding(now: now, into: &actions)
            case .openingFirst, .openingSecond, .adjusting:
                request(.kill)
                accept("flattening once the working order finishes, then halting")
            case .closing:
                request(.kill)
                accept("closing already; halting after")
            case .error(let error) where hasPosition:
                accept("flattening, then halting")
                var holding = error.holding
                holding.ask(.kill)
                startClosing("kill switch", holding: holding, now: now, into: &actions)
            case .validating:
                actions.append(.cancelTimer(.validationTimeout))
                accept("nothing open; halted")
                haltAfterKill(keeping: nil, now: now, into: &actions)
            case .scanning, .completed, .error:
                actions.append(.cancelTimer(.cooldown))
                accept("nothing open; halted")
                haltAfterKill(keeping: holding.trade, now: now, into: &actions)
            }
        }
    }
}

/// Resizing the open spread and changing thresholds while it runs.
extension HedgingStateMachine {
    /// The runtime says whether portfolio limits let this strategy open a new spread.
    public mutating func blockEntries(_ reason: String?) {
        entryBlockedReason = reason
    }

    /// Why `entry`/`exit` cannot be used, or nil.
    static func thresholdProblem(entry: Threshold, exit: Threshold) -> String? {
        if let problem = entry.rangeProblem.map({ "entry \($0)" }) ?? exit.rangeProblem.map({ "exit \($0)" }) { return problem }
        switch (entry, exit) {
        case (.bps(let e), _) where !e.isPositive: return "entry \(entry) must be above 0"
        case (.z(let e), _) where !(e > 0 && e.isFinite): return "entry \(entry) must be above 0"
        case (_, .bps(let x)) where x.isNegative: return "exit \(exit) must not be negative"
        case (_, .z(let x)) where !(x >= 0 && x.isFinite): return "exit \(exit) must not be negative"
        case (.bps(let e), .bps(let x)) where x >= e: return "exit \(exit) must be inside entry \(entry)"
        case (.z(let e), .z(let x)) where x >= e: return "exit \(exit) must be inside entry \(entry)"
        default: return nil
        }
    }

    mutating func setThresholds(entry: Threshold?, exit: Threshold?) -> (accepted: Bool, message: String) {
        let newEntry = entry ?? config.entry
        let newExit = exit ?? config.exit
        if entry == nil && exit == nil { return (false, "no threshold given") }
        if let problem = Self.thresholdProblem(entry: newEntry, exit: newExit) { return (false, problem) }
        config.entry = newEntry
        config.exit = newExit
        return (true, "entry \(newEntry), exit \(newExit)")
    }

    /// Orders that move both legs by `percent`: the first leg now, the hedge after it fills.
    mutating func resize(percent: Int, now: Timestamp, into actions: inout [StrategyAction]) -> (accepted: Bool, message: String) {
        guard percent != 0, (-90...100).contains(percent) else { return (false, "resize must be between -90 % and +100 %, not 0") }
        guard case .monitoring(let cycle) = state else {
            return (false, hasPosition ? "not while \(stateName)" : "nothing open")
        }
        if let stale = staleLeg(at: now) { return (false, staleText(stale, at: now)) }
        // Leg A moves first; the hedge on B follows the filled quantity.
        let leg = Leg.a
        let position = positions[leg]
        guard !position.isFlat,
              let change = try? position.quantity.magnitude.multiplied(by: FixedDecimal(units: Int64(abs(percent)) * FixedDecimal.one / 100)),
              let quantity = try? config.legs[leg].roundQuantity(change, .down), quantity.isPositive else {
            return (false, "a \(percent) % change is less than one lot of leg \(leg)")
        }
        let growing = percent > 0
        let side: Side = position.quantity.isPositive == growing ? .buy : .sell
        if let problem = config.legs[leg].violation(quantity: quantity, price: quotes[leg]?.price(toTake: side)) {
            return (false, "leg \(leg): \(problem)")
        }
        do throws(OrderLimitRefusal) { _ = try config.legs[leg].childQuantities(quantity, market: true, price: quotes[leg]?.price(toTake: side)) }
        catch { return (false, "leg \(leg): \(error.message)") }
        let order = makeOrder(leg: leg, side: side, quantity: quantity, purpose: .adjust, reduceOnly: !growing, now: now, into: &actions)
        enter(.adjusting(AdjustingState(cycle: cycle, order: order, hedgeAfter: true)), "resize \(percent > 0 ? "+" : "")\(percent) %: \(side) \(quantity) on leg \(leg)", now: now, into: &actions)
        return (true, "\(side) \(quantity) on leg \(leg), then the hedge on leg B")
    }
}

extension HedgingStateMachine {
    /// Whether a manual rebalance would be accepted now: monitoring, legs off the hedge ratio by
    /// at least a lot. The screen offers the rebalance dialog only then.
    public var rebalanceNeeded: Bool {
        guard case .monitoring = state else { return false }
        return hedgeShortfall(now: stateSince) != nil
    }
}
