/// Timers fired: an order without an answer, validation, the cooldown, the hedge deadline.
extension HedgingStateMachine {
    mutating func onTimer(_ timer: StrategyTimer, now: Timestamp, into actions: inout [StrategyAction]) {
        switch timer {
        case .orderTimeout(let id):
            guard var order = working[id] else { return }
            if order.timedOut {
                // Asked to cancel and still no answer: the venue is not answering.
                working[id] = nil
                actions.append(.alert(.critical, "order \(id) on leg \(order.request.leg): no answer from the venue after cancel"))
                let outcome = OrderOutcome(request: order.request, filled: order.filled, average: order.average, shortfall: "no answer from the venue")
                finished(outcome, parent: order.parent, now: now, into: &actions)
            } else {
                order.timedOut = true
                working[id] = order
                actions.append(.alert(.warning, "order \(id) timed out; cancelling"))
                actions.append(.cancelOrder(id, order.request.leg))
                actions.append(.scheduleTimer(.orderTimeout(id), at: now + config.orderTimeout))
            }
        case .validationTimeout:
            if case .validating = state {
                entryCheck = .notTaken(.validationTimeout)
                enter(.scanning, "no fresh quotes to validate within \(config.orderTimeout.compact)", now: now, into: &actions)
            }
        case .cooldown:
            if case .completed = state {
                enter(.scanning, "cooldown \(config.cooldown.compact) over", now: now, into: &actions)
            }
        case .hedgeDeadline:
            if case .unwinding(var unwinding) = state, unwinding.goal == .hedge {
                unwinding.goal = .flatten
                unwinding.attempts = 0
                state = .unwinding(unwinding)
                actions.append(.alert(.warning, "hedge deadline passed; flattening the excess leg"))
                continueUnwinding(now: now, into: &actions)
            }
        }
    }}
