import HedgeCore
import HedgeVenues

/// Order tracking: orders travel to their venue and answers back after the venue's latency, as
/// scheduled items; each answer reaches the strategy that sent the order.
extension TradingEngine {
    /// Sends the venue's own reports to the strategies after the answer latency.
    func schedule(_ reports: [VenueReport], from venueName: String) {
        guard !reports.isEmpty, var venue = venues[venueName] else { return }
        for report in reports {
            let back = venue.nextLatency()
            switch report {
            case .order(let update, let delivery):
                guard let owner = owners[update.orderID] else { continue }
                scheduleUpdate(update, strategy: owner.strategy, leg: owner.leg, delivery: delivery, at: now + back)
            case .funding(let id, let amount, let rate, _, _):
                append(LogEntry(time: now, severity: .info, strategy: nil,
                                message: "\(venueName): funding on \(id.symbol) at rate \(rate): \(amount.isNegative ? "paid" : "received") \(amount.magnitude)"))
                queue.schedule(.venueReport(report), at: now + back)
            case .positionClosed(let id, let fill, let reason):
                append(LogEntry(time: now, severity: .error, strategy: nil,
                                message: "\(venueName): \(id.symbol) position \(reason == .liquidation ? "liquidated" : "settled at expiry"): \(fill.side) \(fill.quantity) @ \(fill.price)"))
                inFlight[id, default: 0] += 1
                queue.schedule(.venueReport(report), at: now + back)
            }
        }
        venues[venueName] = venue
    }

    /// Takes what the venues answered on their own since the last turn (a live venue's order
    /// answers and fills, which arrive over the network) and schedules it now, in arrival order.
    /// The run loop calls it once per turn; a simulated venue has nothing to give.
    public func collectVenueReports() {
        for index in 0..<venues.count {
            let reports = venues.withVenue(at: index) { $0.collectReports(at: now) }
            guard !reports.isEmpty else { continue }
            let name = venues.list[index].name
            saveVenues()
            schedule(reports, from: name)
            positionsMayDiffer = true
            changed = true
        }
    }

    /// Schedules an order update as the venue's fault plan says it travels.
    func scheduleUpdate(_ update: OrderUpdate, strategy: Int, leg: Leg, delivery: AnswerDelivery, at time: Timestamp) {
        switch delivery {
        case .normal:
            break
        case .delayed(let extra):
            inFlight[runners[strategy].machine.config.legs[leg].id, default: 0] += 1
            queue.schedule(.orderUpdate(strategy: strategy, leg, update), at: time + extra)
            return
        case .dropped, .later:
            return
        }
        inFlight[runners[strategy].machine.config.legs[leg].id, default: 0] += 1
        queue.schedule(.orderUpdate(strategy: strategy, leg, update), at: time)
    }

    func perform(_ item: ScheduledItem) {
        switch item {
        case .orderArrives(let strategy, let order):
            inFlight[order.instrument, default: 0] -= 1
            guard var venue = venues[order.instrument.venue] else {
                let update = OrderUpdate.rejected(order.id, reason: "no venue named \(order.instrument.venue)")
                scheduleUpdate(update, strategy: strategy, leg: order.leg, delivery: .normal, at: now)
                return
            }
            var reports: [VenueReport] = []
            let (updates, delivery) = venue.receive(order, at: now, reports: &reports)
            let back = venue.nextLatency()
            venues[order.instrument.venue] = venue
            saveVenues()
            if delivery == .later, let index = venues.index(of: order.instrument.venue) { venues.withVenue(at: index) { $0.booksSaved() } }
            schedule(reports, from: order.instrument.venue)
            if delivery == .later {
                // On its way over the network: the answers come through `collectVenueReports`.
            } else if updates.isEmpty {
                append(LogEntry(time: now, severity: .warning, strategy: runners[strategy].name,
                                message: "\(order.instrument.venue) is down: order \(order.id) lost"))
            } else if delivery == .dropped {
                append(LogEntry(time: now, severity: .warning, strategy: runners[strategy].name,
                                message: "\(order.instrument.venue) executed order \(order.id); its answers are lost (fault injection)"))
            }
            for update in updates {
                scheduleUpdate(update, strategy: strategy, leg: order.leg, delivery: delivery, at: now + back)
            }
        case .cancelArrives(let strategy, let id, let leg):
            let venueName = runners[strategy].machine.config.legs[leg].id.venue
            guard var venue = venues[venueName] else { return }
            let updates = venue.cancel(id, at: now)
            let back = venue.nextLatency()
            venues[venueName] = venue
            saveVenues()
            if venue.answersLater, let index = venues.index(of: venueName) { venues.withVenue(at: index) { $0.booksSaved() } }
            for update in updates {
                scheduleUpdate(update, strategy: strategy, leg: leg, delivery: .normal, at: now + back)
            }
        case .orderUpdate(let strategy, let leg, let update):
            inFlight[runners[strategy].machine.config.legs[leg].id, default: 0] -= 1
            if !timedOutOnce.isEmpty, update.endsOrder {
                timedOutOnce.remove(update.orderID)
                waitingForAnswer.remove(update.orderID)
            }
            log(update, strategy: strategy, leg: leg)
            journalWrite { [name = runners[strategy].name, now] in try $0.orderUpdate(update, strategy: name, leg: leg, at: now) }
            let venueName = runners[strategy].machine.config.legs[leg].id.venue
            if let roundTrip = record.orderFinished(update, at: now) {
                venueActivity.roundTrip(roundTrip, venue: venueName)
            }
            if case .rejected = update { venueActivity.orderRejected(venue: venueName) }
            if case .filled(let fill, _) = update { noteFill(fill, strategy: strategy, leg: leg) }
            deliver(.order(leg, update), to: strategy)
            if case .filled(let fill, _) = update { noteFillApplied(strategy: strategy, executedAt: fill.time) }
            if case .filled = update { refreshMargin(strategy) }
            changed = true
        case .timer(let strategy, let timer, let generation):
            guard runners[strategy].timerGenerations[timer] == generation else { return }
            if waitsForAnswer(timer, strategy: strategy, generation: generation) { return }
            runners[strategy].timerGenerations[timer] = nil
            deliver(.timer(timer), to: strategy)
            changed = true
        case .marketData(let event):
            deliverMarket(event)
        case .venueReport(let report):
            deliverVenueReport(report)
            changed = true
        case .venueHealthChange(let venue):
            venueHealthChanged(venue: venue)
        }
    }

    /// A venue that answers later always answers in the end: an order it has not finished, timed
    /// out once already (and so asked to cancel), is waited for rather than given up blind, which
    /// could send a second order while the first still fills. Said once per order.
    func waitsForAnswer(_ timer: StrategyTimer, strategy: Int, generation: UInt64) -> Bool {
        guard case .orderTimeout(let id) = timer, let owner = owners[id] else { return false }
        let venueName = runners[strategy].machine.config.legs[owner.leg].id.venue
        guard let venue = venues[venueName], venue.answersLater, let status = venue.orderStatus(id), !status.finished else { return false }
        guard timedOutOnce.contains(id) else {
            timedOutOnce.insert(id)
            return false
        }
        if waitingForAnswer.insert(id).inserted {
            append(LogEntry(time: now, severity: .error, strategy: runners[strategy].name,
                            message: "order \(id): no answer from \(venueName) after its cancel; waiting for the venue's answer, no order is sent in its place"))
        }
        queue.schedule(.timer(strategy: strategy, timer, generation: generation), at: now + runners[strategy].machine.config.orderTimeout)
        return true
    }

    /// Funding and closed positions reach every strategy holding the instrument. With one
    /// strategy on it, it gets the venue's own figures; with several, each gets its share, worked
    /// out on its own position at the venue's mark.
    func deliverVenueReport(_ report: VenueReport) {
        switch report {
        case .funding(let id, let amount, let rate, let mark, _):
            let targets = routes[id] ?? []
            for (strategy, leg) in targets {
                let share = targets.count == 1 ? amount
                    : ((try? Funding.payment(position: runners[strategy].machine.positions[leg], mark: mark, rate: rate)) ?? .zero)
                guard !share.isZero else { continue }
                append(LogEntry(time: now, severity: .info, strategy: runners[strategy].name,
                                message: "leg \(leg) funding \(share.formatted(places: 8, plusSign: true)) \(runners[strategy].machine.config.legs[leg].settlementAsset) at rate \(rate)"))
                journalWrite { [name = runners[strategy].name, now] in try $0.funding(strategy: name, leg: leg, amount: share, rate: rate, at: now) }
                deliver(.funding(leg, amount: share, rate: rate), to: strategy)
                noteEquity(strategy)
            }
        case .positionClosed(let id, let fill, let reason):
            inFlight[id, default: 0] -= 1
            let targets = routes[id] ?? []
            for (strategy, leg) in targets {
                var share = fill
                if targets.count > 1 {
                    let held = runners[strategy].machine.positions[leg].quantity
                    guard !held.isZero else { continue }
                    share.quantity = held.magnitude
                    share.side = held.isPositive ? .sell : .buy
                    share.fee = (try? runners[strategy].machine.config.legs[leg].fee(quantity: held.magnitude, price: fill.price, liquidity: .taker)) ?? .zero
                    if reason == .settlement { share.fee = .zero }
                }
                let spec = runners[strategy].machine.config.legs[leg]
                append(LogEntry(time: now, severity: .error, strategy: runners[strategy].name,
                                message: "leg \(leg) \(reason == .liquidation ? "LIQUIDATED" : "settled at expiry"): \(share.side) \(spec.quantityText(share.quantity)) @ \(spec.priceText(share.price))"))
                journalWrite { [name = runners[strategy].name, share, now] in try $0.orderUpdate(.filled(share, remaining: .zero), strategy: name, leg: leg, instrument: id, at: now) }
                noteFill(share, strategy: strategy, leg: leg, closure: reason)
                deliver(.positionClosed(leg, share, reason: reason), to: strategy)
                noteFillApplied(strategy: strategy, executedAt: share.time)
                refreshMargin(strategy)
            }
        case .order:
            break
        }
    }

    func log(_ update: OrderUpdate, strategy: Int, leg: Leg) {
        let name = runners[strategy].name
        switch update {
        case .accepted:
            break
        case .filled(let fill, let remaining):
            // To the contract's tick and precision, the fee with its asset: "@ 63,388.9 fee 0.0317 USDT".
            let spec = runners[strategy].machine.config.legs[leg]
            let left = remaining.isZero ? "" : ", \(spec.quantityText(remaining)) left"
            append(LogEntry(time: now, severity: .info, strategy: name,
                            message: "leg \(leg) \(fill.side) \(spec.quantityText(fill.quantity)) @ \(spec.priceText(fill.price)) fee \(spec.feeText(fill.fee))\(left) [\(fill.orderID)]"))
        case .rejected(let id, let reason):
            append(LogEntry(time: now, severity: .warning, strategy: name, message: "leg \(leg) order \(id) rejected: \(reason)"))
        case .cancelled(let id, let filled, let reason):
            append(LogEntry(time: now, severity: .info, strategy: name, message: "leg \(leg) order \(id) cancelled after \(filled): \(reason)"))
        }
    }
}
