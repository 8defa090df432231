import HedgeCore
import HedgeVenues

/// The market router: market data reaches its venue (which may fill resting orders or move a
/// position), then, after the venue's market-data latency, the strategies trading the instrument.
/// The per-quote path: keep it free of copies, hashing and dynamic exclusivity checks.
extension TradingEngine {
    /// The market route of the instrument numbered `number` in `batch`.
    func marketRoute(number: Int) -> Int {
        let route = routeByNumber[number]
        if route >= 0 { return route }
        let found = marketRoute(for: batch.instruments[number])
        routeByNumber[number] = found
        return found
    }

    /// A quote reaching its venue, then (after the market-data latency) its strategies.
    func onQuote(_ quote: Quote, route routeIndex: Int) {
        guard let venueIndex = marketRoutes[routeIndex].venue else {
            deliverQuote(quote, route: routeIndex)
            return
        }
        // The venue is changed in place: copying it out would copy its books on the next write.
        let (reports, withheld, latency, moved) = if let slot = marketRoutes[routeIndex].quoteSlot {
            venues.onQuote(quote, slot: slot, at: venueIndex)
        } else {
            venues.onQuote(quote, of: marketRoutes[routeIndex].instrument, at: venueIndex)
        }
        if !reports.isEmpty || moved { positionsMayDiffer = true }
        if !reports.isEmpty {
            saveVenues()
            schedule(reports, from: marketRoutes[routeIndex].instrument.venue)
        }
        guard !withheld, !marketRoutes[routeIndex].targets.isEmpty else { return }
        if let arrival = strategyArrival(route: routeIndex, latency: latency) {
            queue.schedule(quote, lane: routeIndex, at: arrival)
        } else {
            deliverQuote(quote, route: routeIndex)
        }
    }

    func onMarket(_ event: MarketEvent) {
        let instrument = event.instrument
        let routeIndex = marketRoute(for: instrument)
        if case .quote(_, let quote) = event {
            onQuote(quote, route: routeIndex)
            return
        }
        if case .fundingRate(let id, let rate, let next, _) = event { fundingNotices[id] = FundingNotice(rate: rate, time: next) }
        guard let venueIndex = marketRoutes[routeIndex].venue else {
            deliverMarket(event)
            return
        }
        // The venue is changed in place: copying it out would copy its books on the next write.
        let (reports, withheld, latency, moved) = venues.withVenue(at: venueIndex) { $0.receiveMarket(event) }
        if !reports.isEmpty || moved { positionsMayDiffer = true }
        if !reports.isEmpty { saveVenues() }
        schedule(reports, from: instrument.venue)
        guard !withheld, !marketRoutes[routeIndex].targets.isEmpty else { return }
        // Level changes are the venue's alone: the strategies see the top they move as a quote.
        if case .bookUpdate = event { return }
        if let arrival = strategyArrival(route: routeIndex, latency: latency) {
            queue.schedule(.marketData(event), at: arrival)
        } else {
            deliverMarket(event, route: routeIndex)
        }
    }

    /// When a market update reaches the route's strategies: nil for at once (no latency and
    /// nothing of this route still on its way), else no earlier than the route's previous update,
    /// so jitter never lets an older update overtake a newer one (per instrument in order).
    @inline(__always)
    func strategyArrival(route routeIndex: Int, latency: Int64) -> Timestamp? {
        let lastArrival = marketRoutes[routeIndex].arrival ?? now
        if latency == 0 && lastArrival <= now { return nil }
        let arrival = max(Timestamp(nanoseconds: now.nanoseconds &+ latency), lastArrival)
        marketRoutes[routeIndex].arrival = arrival
        return arrival
    }

    /// The index in `marketRoutes` of an instrument's route, made the first time it is seen.
    /// A feed carries a handful of instruments: comparing them beats hashing their strings.
    func marketRoute(for instrument: InstrumentID) -> Int {
        if lastMarketRoute < marketRoutes.count, marketRoutes[lastMarketRoute].instrument == instrument {
            return lastMarketRoute
        }
        for index in marketRoutes.indices where marketRoutes[index].instrument == instrument {
            lastMarketRoute = index
            return index
        }
        let venue = venues.index(of: instrument.venue)
        let slot = venue.flatMap { index in venues.withVenue(at: index) { $0.quoteSlot(for: instrument) } }
        marketRoutes.append(MarketRoute(instrument: instrument, venue: venue, quoteSlot: slot,
                                        targets: routes[instrument] ?? [], arrival: nil))
        lastMarketRoute = marketRoutes.count - 1
        return lastMarketRoute
    }

    /// Settles what fell due on every venue (funding, expiries) and sends the reports on.
    func settleVenues() {
        for name in venues.keys.sorted() {
            guard var venue = venues[name] else { continue }
            let reports = venue.advance(to: now)
            venues[name] = venue
            if !reports.isEmpty { saveVenues() }
            schedule(reports, from: name)
        }
    }

    /// Market data reaching the strategies.
    func deliverMarket(_ event: MarketEvent) {
        deliverMarket(event, route: marketRoute(for: event.instrument))
    }

    func deliverMarket(_ event: MarketEvent, route: Int) {
        if case .quote(_, let quote) = event {
            deliverQuote(quote, route: route)
            return
        }
        let targets = marketRoutes[route].targets
        guard !targets.isEmpty else { return }
        for (strategy, leg) in targets {
            let strategyEvent: StrategyEvent
            switch event {
            case .quote(_, let quote): strategyEvent = .quote(leg, quote)
            case .depth(_, let depth):
                guard let top = depth.top else { continue }
                strategyEvent = .quote(leg, top)
            case .mark(_, let price, _): strategyEvent = .mark(leg, price)
            case .trade, .fundingRate, .bookUpdate: continue
            }
            deliverMarketData(strategyEvent, to: strategy)
        }
        if now >= nextDrawdownSample { sampleDrawdown() }
        changed = true
    }

    /// A quote reaching the strategies of a route: `deliverMarket` without a `MarketEvent`.
    func deliverQuote(_ quote: Quote, route: Int) {
        let count = marketRoutes[route].targets.count
        guard count > 0 else { return }
        // By index: no copy (and retain) of the targets per quote.
        for index in 0..<count {
            let (strategy, leg) = marketRoutes[route].targets[index]
            deliverMarketData(.quote(leg, quote), to: strategy)
        }
        if now >= nextDrawdownSample { sampleDrawdown() }
        changed = true
    }

    func deliverMarketData(_ event: StrategyEvent, to strategy: Int) {
        if hasLimits, runners[strategy].machine.stateName == .scanning { applyLimits(to: strategy) }
        runners[strategy].flushPnLSample(before: now)
        deliver(event, to: strategy, flushingCharts: false)
        runners[strategy].sampleCharts(at: now)
        if now >= nextMarginRefresh[strategy] { refreshMargin(strategy) }
    }

    /// Lets a scanning strategy open only within the portfolio limits; says so when that changes.
    func applyLimits(to strategy: Int) {
        var others: [HedgingStateMachine] = []
        others.reserveCapacity(runners.count - 1)
        for index in runners.indices where index != strategy { others.append(runners[index].machine) }
        let reason = limits.entryBlock(for: runners[strategy].machine, others: others)
        guard reason != runners[strategy].machine.entryBlockedReason else { return }
        runners[strategy].flushPnLSample()
        runners[strategy].machine.blockEntries(reason)
        let message = reason.map { "new spreads blocked: \($0)" } ?? "portfolio limits allow new spreads again"
        append(LogEntry(time: now, severity: reason == nil ? .info : .notice, strategy: runners[strategy].name, message: message))
    }

    /// Marks the total net PnL for the drawdown figure, at most every 100 ms of data time.
    func sampleDrawdown() {
        nextDrawdownSample = Timestamp(nanoseconds: now.nanoseconds &+ DrawdownSampling.intervalNanoseconds)
        var total = FixedDecimal.zero
        // By index and in place: `for runner in runners` copied each runner (charts and machine).
        for index in runners.indices {
            guard let net = runners[index].netPnL(), let sum = try? total + net else { return }
            total = sum
            record.executions.mark(net, strategy: index, at: now)
        }
        record.mark(net: total)
    }

    /// Tells a strategy how much margin its venues have free.
    func refreshMargin(_ strategy: Int) {
        nextMarginRefresh[strategy] = now + Self.marginRefreshInterval
        // Writes held since the journal or the venue state failed are retried as often.
        if !heldWrites.isEmpty || venueStateBehind { retryHeldWrites() }
        let config = runners[strategy].machine.config
        for leg in Leg.allCases {
            let spec = config.legs[leg]
            guard let venue = venues[spec.id.venue] else { continue }
            deliver(.margin(leg, venue.marginStatus(asset: spec.settlementAsset)), to: strategy)
        }
    }
}

/// How often the drawdown figure samples the total net PnL, in data time.
enum DrawdownSampling {
    static let interval: Duration = .milliseconds(100)
    /// `interval` in nanoseconds, for the per-event check.
    static let intervalNanoseconds = interval.nanosecondsClamped
}
