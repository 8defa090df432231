import HedgeCore
import HedgeVenues

/// What a strategy's state machine asks for, done: orders placed and cancelled, timers set,
/// transitions and cycles recorded, journaled and logged.
extension TradingEngine {
    /// - Parameter flushingCharts: false only for market data, whose caller has written the pending
    ///   chart sample if one was due.
    @inline(__always)
    func deliver(_ event: StrategyEvent, to strategy: Int, flushingCharts: Bool = true) {
        if flushingCharts { runners[strategy].flushPnLSample() }
        let actions = runners[strategy].handle(event, at: now)
        if !actions.isEmpty {
            positionsMayDiffer = true
            performActions(actions, strategy: strategy, commandID: nil)
        }
    }

    func performActions(_ actions: [StrategyAction], strategy: Int, commandID: UInt64?) {
        let name = runners[strategy].name
        for action in actions {
            switch action {
            case .placeOrder(let order):
                // The intent is durable before the order can reach the venue.
                guard journalIntent(order, strategy: strategy) else { continue }
                guard var venue = venues[order.instrument.venue] else {
                    scheduleUpdate(.rejected(order.id, reason: "no venue named \(order.instrument.venue)"), strategy: strategy, leg: order.leg, delivery: .normal, at: now)
                    continue
                }
                let latency = venue.nextLatency()
                venues[order.instrument.venue] = venue
                owners[order.id] = (strategy, order.leg)
                inFlight[order.instrument, default: 0] += 1
                queue.schedule(.orderArrives(strategy: strategy, order), at: now + latency)
                record.orderSent(order.id, at: now)
                noteSent(order, strategy: strategy)
                venueActivity.orderSent(venue: order.instrument.venue)
                append(LogEntry(time: now, severity: .info, strategy: name,
                                message: "leg \(order.leg) \(order.purpose) \(order.side) \(order.quantity) \(order.instrument.symbol)\(order.reduceOnly ? " reduce-only" : "") [\(order.id)]"))
            case .cancelOrder(let id, let leg):
                let venueName = runners[strategy].machine.config.legs[leg].id.venue
                let latency = venues[venueName]?.nextLatency() ?? .zero
                queue.schedule(.cancelArrives(strategy: strategy, id, leg), at: now + latency)
            case .scheduleTimer(let timer, let time):
                runners[strategy].nextGeneration += 1
                let generation = runners[strategy].nextGeneration
                runners[strategy].timerGenerations[timer] = generation
                queue.schedule(.timer(strategy: strategy, timer, generation: generation), at: time)
            case .cancelTimer(let timer):
                runners[strategy].timerGenerations[timer] = nil
            case .transition(let transition):
                runners[strategy].record(transition)
                record.record(transition, strategy: name)
                journalWrite { try $0.transition(transition, strategy: name) }
                append(LogEntry(time: now, severity: transition.to == .error || (transition.to == .unwinding && !transition.isRecoveryWait) ? .error : .notice,
                                strategy: name, message: "\(transition.from) → \(transition.to): \(transition.reason)"))
            case .alert(let level, let message):
                let severity: LogEntry.Severity = switch level {
                case .info: .info
                case .warning: .warning
                case .critical: .error
                }
                if level == .critical { journalWrite { [now] in try $0.error(message, strategy: name, at: now) } }
                append(LogEntry(time: now, severity: severity, strategy: name, message: message))
            case .commandResult(let command, let accepted, let message):
                if let commandID {
                    let acknowledgement = CommandAcknowledgement(commandID: commandID, strategy: name, accepted: accepted, message: message, time: now)
                    acknowledge(acknowledgement)
                    journalWrite { try $0.command(acknowledgement, strategy: name, action: command.journalAction) }
                }
                append(LogEntry(time: now, severity: accepted ? .notice : .warning, strategy: name, message: message, commandID: commandID))
            case .cycleEvent(let event):
                runners[strategy].record(event)
                record.record(event, strategy: name)
                noteCycle(event, strategy: strategy)
                journalWrite { try $0.cycle(event, strategy: name) }
                sampleDrawdown()
                if case .closed(_, let net, let reason, _) = event {
                    append(LogEntry(time: now, severity: .notice, strategy: name, message: "cycle closed (\(reason)): net \(net.figure(places: 2, plusSign: true)) USD"))
                }
            }
        }
        changed = true
    }
}
