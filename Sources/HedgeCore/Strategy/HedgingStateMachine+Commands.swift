/// Manual overrides: every command is accepted or refused with a reason, in every state.
extension HedgingStateMachine {
    mutating func onCommand(_ command: StrategyCommand, now: Timestamp, into actions: inout [StrategyAction]) {
        func accept(_ message: String) { actions.append(.commandResult(command, accepted: true, message: "\(command) accepted: \(message)")) }
        func refuse(_ message: String) { actions.append(.commandResult(command, accepted: false, message: "\(command) refused: \(message)")) }

        switch command {
        case .close:
            switch state {
            case .monitoring:
                accept("closing both legs")
                startClosing("manual close", now: now, into: &actions)
            case .error(let reason) where hasPosition:
                accept("closing what is open; staying halted until resumed")
                haltWhenFlat = reason
                startClosing("manual close from ERROR", now: now, into: &actions)
            case .openingFirst, .openingSecond, .adjusting:
                closeRequested = true
                accept("will close as soon as the working order finishes")
            case .unwinding(var unwind):
                closeRequested = true
                unwind.goal = .flatten
                state = .unwinding(unwind)
                accept("flattening")
                continueUnwinding(now: now, into: &actions)
            case .closing:
                refuse("already closing")
            case .scanning, .validating, .completed, .error:
                refuse("nothing open")
            }
        case .rebalance:
            switch state {
            case .monitoring:
                if hedgeShortfall(now: now) == nil {
                    refuse("legs already balanced within one lot")
                } else {
                    accept("restoring the hedge ratio")
                    startAdjusting("manual rebalance", now: now, into: &actions)
                }
            case .scanning, .validating, .openingFirst, .openingSecond, .adjusting, .closing, .unwinding, .completed, .error:
                refuse(hasPosition ? "not while \(stateName)" : "nothing open")
            }
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
            if case .error(let reason) = state {
                paused = false
                consecutiveErrors = 0
                consecutiveBadQuotes = 0
                accept("leaving ERROR (\(reason))")
                if hasPosition {
                    startUnwinding(goal: .hedge, reason: "resumed from ERROR with positions", now: now, into: &actions)
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
            killRequested = true
            paused = true
            switch state {
            case .monitoring:
                accept("flattening both legs, then halting")
                startClosing("kill switch", now: now, into: &actions)
            case .unwinding(var unwind):
                unwind.goal = .flatten
                state = .unwinding(unwind)
                accept("flattening, then halting")
                continueUnwinding(now: now, into: &actions)
            case .openingFirst, .openingSecond, .adjusting:
                accept("flattening once the working order finishes, then halting")
            case .closing:
                accept("closing already; halting after")
            case .error where hasPosition:
                accept("flattening, then halting")
                startClosing("kill switch", now: now, into: &actions)
            case .validating:
                actions.append(.cancelTimer(.validationTimeout))
                accept("nothing open; halted")
                haltAfterKill(now: now, into: &actions)
            case .scanning, .completed, .error:
                actions.append(.cancelTimer(.cooldown))
                accept("nothing open; halted")
                haltAfterKill(now: now, into: &actions)
            }
        }
    }
}
