import DequeModule
import HedgeCore
import HedgeVenues
import Logging

/// The runtime that drives strategies on venues: it feeds market data, venue answers and timers
/// to each state machine in time order and performs the actions they return.
///
/// `Engine` is a discrete-event simulation over data time: it never reads a clock. `EngineLoop`
/// paces it against a real clock (paper trading), or lets it run as fast as it can (replay).
/// One task owns it; the screen only ever sees the snapshots it publishes.
public final class Engine {
    public let mode: RunMode
    /// Limits across strategies on opening new spreads.
    public let limits: PortfolioLimits
    /// `limits != .none`, worked out once (comparing the structs per quote cost ≈ 30 instructions).
    private let hasLimits: Bool
    /// The engine's clock when it started.
    public let startedAt: Timestamp
    // The properties the market-data path touches per event skip dynamic exclusivity checks: one
    // task owns the engine and no access to them overlaps another (each one cost ≈ 100
    // instructions a quote).
    @exclusivity(unchecked) public private(set) var now: Timestamp
    @exclusivity(unchecked) private var feed: any MarketFeed
    /// Market data read from the feed and not yet processed: `batch.rows[batchIndex...]`. The
    /// feed is asked for a batch at a time, and quotes come as plain rows (no `MarketEvent`).
    @exclusivity(unchecked) private var batch = MarketBatch()
    @exclusivity(unchecked) private var batchIndex = 0
    /// `batch.count`, kept here: the run loop compares against it several times per event.
    @exclusivity(unchecked) private var batchCount = 0
    /// The market route of each of `batch`'s instrument numbers (-1: not looked up yet), valid
    /// while `batch.instruments` is `routedInstruments`.
    @exclusivity(unchecked) private var routeByNumber: [Int] = []
    @exclusivity(unchecked) private var routedInstruments: [InstrumentID] = []
    @exclusivity(unchecked) public private(set) var feedEnded = false
    @exclusivity(unchecked) var venues: VenueTable
    @exclusivity(unchecked) var runners: [StrategyRunner]
    /// Which strategies and legs each instrument's data goes to.
    var routes: [InstrumentID: [(strategy: Int, leg: Leg)]] = [:]
    @exclusivity(unchecked) private var queue = EventQueue()
    private var log = Deque<LogEntry>()
    private var acknowledgements = Deque<CommandAcknowledgement>()
    @exclusivity(unchecked) private var nextMarginRefresh: [Timestamp]
    private var sequence: UInt64 = 0
    /// Which strategy and leg sent each order, for answers the venue sends on its own.
    private var owners: [OrderID: (strategy: Int, leg: Leg)] = [:]
    /// Each instrument seen in market data: its venue, its strategies, when its data arrives.
    @exclusivity(unchecked) private var marketRoutes: [MarketRoute] = []
    /// The route found last, tried first.
    @exclusivity(unchecked) private var lastMarketRoute = 0
    /// Whether positions, orders or answers in flight may have changed since `checkPositions` last ran.
    @exclusivity(unchecked) var positionsMayDiffer = true
    /// Scheduled items (orders, answers, venue reports) per instrument not yet performed.
    var inFlight: [InstrumentID: Int] = [:]
    /// Instruments whose strategy positions disagreed with the venue with nothing in flight.
    private var disagreeing: Set<InstrumentID> = []
    /// How many times a strategy's position was found to disagree with the venue's with no order
    /// or answer in flight (0 in a healthy run).
    public private(set) var positionBreaks = 0
    private var logCount: UInt64 = 0
    /// Set when anything the screen shows has changed since the last snapshot.
    @exclusivity(unchecked) public private(set) var changed = true
    private let logger: Logger
    /// Everything the end-of-run report needs.
    public private(set) var record = RunRecord()
    @exclusivity(unchecked) private var nextDrawdownSample: Timestamp
    /// Recent order round trips per venue, for the header.
    private var latencies: [String: LatencyWindow] = [:]
    /// Orders sent and rejected per venue, for the snapshot's venue status.
    private var venueOrders: [String: (sent: Int, rejected: Int)] = [:]
    /// The journal every order intent, fill, transition and result is written to (Engine+Journal).
    var journal: Journal?
    /// Where the simulated venues' books of account are saved after every change.
    var venueState: VenueStateFile?
    /// Set once a journal or venue-state write failed: every strategy is paused, new spreads are
    /// refused, and what is open is still managed (Engine+Journal).
    public internal(set) var durabilityFailure: String?
    #if DEBUG
    var durableWrites = 0
    /// Test seam of the crash tests, in debug builds only: the process kills itself with
    /// SIGKILL right after this many durable writes.
    @_spi(Testing) public var killAfterDurableWrites: Int?
    #endif

    public static let logLimit = 500
    static let marginRefreshInterval: Duration = .seconds(1)

    /// - Parameter startedAt: the engine's clock at start; nil starts it at the feed's first event
    ///   (a replay).
    public init(strategies: [StrategyConfig], venues: [SimulatedVenue], feed: any MarketFeed, mode: RunMode,
                startedAt: Timestamp?, limits: PortfolioLimits = .none, logger: Logger = Logger(label: "hedgetop.engine", factory: { _ in SwiftLogNoOpLogHandler() })) {
        var feed = feed
        var batch = MarketBatch()
        feed.nextBatch(into: &batch)
        let startedAt = startedAt ?? batch.rows.first?.time ?? .zero
        self.mode = mode
        self.limits = limits
        self.hasLimits = limits != .none
        self.startedAt = startedAt
        self.now = startedAt
        self.feed = feed
        self.batch = batch
        self.batchCount = batch.count
        self.feedEnded = batch.isEmpty
        self.routedInstruments = batch.instruments
        self.routeByNumber = Array(repeating: -1, count: batch.instruments.count)
        self.venues = VenueTable(venues)
        self.runners = strategies.map { StrategyRunner(config: $0, startedAt: startedAt) }
        self.nextMarginRefresh = Array(repeating: startedAt, count: strategies.count)
        self.logger = logger
        self.nextDrawdownSample = startedAt
        for (index, config) in strategies.enumerated() {
            record.started(config.name, at: startedAt)
            for leg in Leg.allCases {
                routes[config.legs[leg].id, default: []].append((index, leg))
            }
            append(LogEntry(time: startedAt, severity: .info, strategy: config.name,
                            message: "\(config.kind) \(config.legs.a.id) / \(config.legs.b.id), \(config.targetNotional) USD a leg, enter \(config.entry), exit \(config.exit)"))
        }
    }

    /// The time of the next thing to happen: market data or a scheduled item.
    /// Once the feed has ended, funding and expiries ahead no longer count: without market data
    /// they would only fast-forward a replay to a date it never saw.
    public var nextEventTime: Timestamp? {
        guard let market = peekMarketTime() else { return queue.nextTime }
        var next = market
        if let scheduled = queue.nextTime, scheduled < next { next = scheduled }
        if let settlement = nextSettlementTime, settlement < next { next = settlement }
        return next
    }

    /// Nothing left to do: the feed has ended and nothing is scheduled. (Funding and expiries
    /// still ahead need market data to be meaningful, so they do not keep a run alive.)
    public var isFinished: Bool { peekMarketTime() == nil && queue.isEmpty }

    /// The earliest funding time or expiry on any venue.
    private var nextSettlementTime: Timestamp? { venues.earliestSettlement }

    /// The time of the next market event, read from the feed when none is pending. Called
    /// several times per event: the common case is inlined, the refill kept out of line.
    @inline(__always)
    private func peekMarketTime() -> Timestamp? {
        if batchIndex < batchCount { return batch.rows[batchIndex].time }
        return refillMarket()
    }

    @inline(never)
    private func refillMarket() -> Timestamp? {
        guard !feedEnded else { return nil }
        feed.nextBatch(into: &batch)
        batchIndex = 0
        batchCount = batch.count
        if batch.isEmpty {
            feedEnded = true
            return nil
        }
        if batch.instruments != routedInstruments {
            routedInstruments = batch.instruments
            routeByNumber = Array(repeating: -1, count: routedInstruments.count)
        }
        return batch.rows[0].time
    }

    /// The market route of the instrument numbered `number` in `batch`.
    private func marketRoute(number: Int) -> Int {
        let route = routeByNumber[number]
        if route >= 0 { return route }
        let found = marketRoute(for: batch.instruments[number])
        routeByNumber[number] = found
        return found
    }

    /// Processes every event due at or before `time`, in time order. Returns how many ran.
    @discardableResult
    public func run(until time: Timestamp) -> Int {
        var processed = 0
        while true {
            let market = peekMarketTime()
            let scheduled = queue.nextTime
            // Funding and expiries settle before anything else at the same instant: only what is
            // open at that time pays or settles.
            if market != nil, let settlement = nextSettlementTime, settlement <= time,
               market.map({ settlement <= $0 }) ?? true, scheduled.map({ settlement <= $0 }) ?? true {
                advanceClock(to: settlement)
                settleVenues()
                positionsMayDiffer = true
                processed += 1
                continue
            }
            // Scheduled items due at the same instant as market data go first: they were caused earlier.
            if let scheduledTime = scheduled, scheduledTime <= time, market.map({ scheduledTime <= $0 }) ?? true {
                if let (dueTime, route, quote) = queue.popDueQuote(notAfter: time) {
                    advanceClock(to: dueTime)
                    deliverQuote(quote, route: route)
                } else {
                    guard let (due, item) = queue.popDue(notAfter: time) else { break }
                    advanceClock(to: due)
                    if case .marketData = item {} else { positionsMayDiffer = true }
                    perform(item)
                }
            } else if let marketTime = market, marketTime <= time {
                let row = batch.rows[batchIndex]
                batchIndex += 1
                advanceClock(to: marketTime)
                if row.isQuote {
                    onQuote(row.quote, route: marketRoute(number: row.instrument))
                } else {
                    onMarket(batch.others[row.other])
                }
            } else {
                break
            }
            if positionsMayDiffer { checkPositions() }
            processed += 1
        }
        if time > now { now = time }
        return processed
    }

    private func advanceClock(to time: Timestamp) {
        if time > now { now = time }
    }

    // MARK: - Market data

    /// A quote reaching its venue, then (after the market-data latency) its strategies.
    private func onQuote(_ quote: Quote, route routeIndex: Int) {
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

    private func onMarket(_ event: MarketEvent) {
        let instrument = event.instrument
        let routeIndex = marketRoute(for: instrument)
        if case .quote(_, let quote) = event {
            onQuote(quote, route: routeIndex)
            return
        }
        guard let venueIndex = marketRoutes[routeIndex].venue else {
            deliverMarket(event)
            return
        }
        // The venue is changed in place: copying it out would copy its books on the next write.
        let (reports, withheld, latency, moved) = venues.withVenue(at: venueIndex) { venue in
            let revision = venue.positionRevision
            let reports = venue.onMarket(event)
            let withheld = venue.withholdsFromStrategy(event)
            let latency = withheld ? 0 : venue.nextMarketDataLatencyNanoseconds()
            return (reports, withheld, latency, venue.positionRevision != revision)
        }
        if !reports.isEmpty || moved { positionsMayDiffer = true }
        if !reports.isEmpty { saveVenues() }
        schedule(reports, from: instrument.venue)
        guard !withheld, !marketRoutes[routeIndex].targets.isEmpty else { return }
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
    private func strategyArrival(route routeIndex: Int, latency: Int64) -> Timestamp? {
        let lastArrival = marketRoutes[routeIndex].arrival ?? now
        if latency == 0 && lastArrival <= now { return nil }
        let arrival = max(Timestamp(nanoseconds: now.nanoseconds &+ latency), lastArrival)
        marketRoutes[routeIndex].arrival = arrival
        return arrival
    }

    /// The index in `marketRoutes` of an instrument's route, made the first time it is seen.
    /// A feed carries a handful of instruments: comparing them beats hashing their strings.
    private func marketRoute(for instrument: InstrumentID) -> Int {
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
    private func settleVenues() {
        for name in venues.keys.sorted() {
            guard var venue = venues[name] else { continue }
            let reports = venue.advance(to: now)
            venues[name] = venue
            if !reports.isEmpty { saveVenues() }
            schedule(reports, from: name)
        }
    }

    /// Sends the venue's own reports to the strategies after the answer latency.
    private func schedule(_ reports: [VenueReport], from venueName: String) {
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

    /// Schedules an order update as the venue's fault plan says it travels.
    func scheduleUpdate(_ update: OrderUpdate, strategy: Int, leg: Leg, delivery: AnswerDelivery, at time: Timestamp) {
        switch delivery {
        case .normal:
            break
        case .delayed(let extra):
            inFlight[runners[strategy].machine.config.legs[leg].id, default: 0] += 1
            queue.schedule(.orderUpdate(strategy: strategy, leg, update), at: time + extra)
            return
        case .dropped:
            return
        }
        inFlight[runners[strategy].machine.config.legs[leg].id, default: 0] += 1
        queue.schedule(.orderUpdate(strategy: strategy, leg, update), at: time)
    }

    /// Market data reaching the strategies.
    private func deliverMarket(_ event: MarketEvent) {
        deliverMarket(event, route: marketRoute(for: event.instrument))
    }

    private func deliverMarket(_ event: MarketEvent, route: Int) {
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
            case .trade, .fundingRate: continue
            }
            deliverMarketData(strategyEvent, to: strategy)
        }
        if now >= nextDrawdownSample { sampleDrawdown() }
        changed = true
    }

    /// A quote reaching the strategies of a route: `deliverMarket` without a `MarketEvent`.
    private func deliverQuote(_ quote: Quote, route: Int) {
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

    private func deliverMarketData(_ event: StrategyEvent, to strategy: Int) {
        if hasLimits, runners[strategy].machine.stateName == .scanning { applyLimits(to: strategy) }
        runners[strategy].flushPnLSample(before: now)
        deliver(event, to: strategy, flushingCharts: false)
        runners[strategy].sampleCharts(at: now)
        if now >= nextMarginRefresh[strategy] { refreshMargin(strategy) }
    }

    /// Lets a scanning strategy open only within the portfolio limits; says so when that changes.
    private func applyLimits(to strategy: Int) {
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

    static let drawdownSampleInterval: Duration = .milliseconds(100)

    /// Marks the total net PnL for the drawdown figure, at most every 100 ms of data time.
    private func sampleDrawdown() {
        nextDrawdownSample = Timestamp(nanoseconds: now.nanoseconds &+ Self.drawdownSampleNanoseconds)
        var total = FixedDecimal.zero
        // By index and in place: `for runner in runners` copied each runner (charts and machine).
        for index in runners.indices {
            guard let net = runners[index].netPnL(), let sum = try? total + net else { return }
            total = sum
        }
        record.mark(net: total)
    }

    /// `drawdownSampleInterval` in nanoseconds, for the per-event check.
    private static let drawdownSampleNanoseconds = drawdownSampleInterval.nanosecondsClamped

    /// Tells a strategy how much margin its venues have free.
    func refreshMargin(_ strategy: Int) {
        nextMarginRefresh[strategy] = now + Self.marginRefreshInterval
        let config = runners[strategy].machine.config
        for leg in Leg.allCases {
            let spec = config.legs[leg]
            guard let venue = venues[spec.id.venue] else { continue }
            deliver(.margin(leg, venue.marginStatus(asset: spec.settlementAsset)), to: strategy)
        }
    }

    // MARK: - Scheduled items

    private func perform(_ item: ScheduledItem) {
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
            schedule(reports, from: order.instrument.venue)
            if updates.isEmpty {
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
            for update in updates {
                scheduleUpdate(update, strategy: strategy, leg: leg, delivery: .normal, at: now + back)
            }
        case .orderUpdate(let strategy, let leg, let update):
            inFlight[runners[strategy].machine.config.legs[leg].id, default: 0] -= 1
            log(update, strategy: strategy, leg: leg)
            journalWrite { try $0.orderUpdate(update, strategy: runners[strategy].name, leg: leg, at: now) }
            let venueName = runners[strategy].machine.config.legs[leg].id.venue
            if let roundTrip = record.orderFinished(update, at: now) {
                latencies[venueName, default: LatencyWindow()].add(roundTrip)
            }
            if case .rejected = update { venueOrders[venueName, default: (0, 0)].rejected += 1 }
            deliver(.order(leg, update), to: strategy)
            if case .filled = update { refreshMargin(strategy) }
            changed = true
        case .timer(let strategy, let timer, let generation):
            guard runners[strategy].timerGenerations[timer] == generation else { return }
            runners[strategy].timerGenerations[timer] = nil
            deliver(.timer(timer), to: strategy)
            changed = true
        case .marketData(let event):
            deliverMarket(event)
        case .venueReport(let report):
            deliverVenueReport(report)
            changed = true
        }
    }

    /// Funding and closed positions reach every strategy holding the instrument. With one
    /// strategy on it, it gets the venue's own figures; with several, each gets its share, worked
    /// out on its own position at the venue's mark.
    private func deliverVenueReport(_ report: VenueReport) {
        switch report {
        case .funding(let id, let amount, let rate, let mark, _):
            let targets = routes[id] ?? []
            for (strategy, leg) in targets {
                let share = targets.count == 1 ? amount
                    : ((try? Funding.payment(position: runners[strategy].machine.positions[leg], mark: mark, rate: rate)) ?? .zero)
                guard !share.isZero else { continue }
                append(LogEntry(time: now, severity: .info, strategy: runners[strategy].name,
                                message: "leg \(leg) funding \(share.formatted(places: 8, plusSign: true)) \(runners[strategy].machine.config.legs[leg].settlementAsset) at rate \(rate)"))
                journalWrite { try $0.funding(strategy: runners[strategy].name, leg: leg, amount: share, rate: rate, at: now) }
                deliver(.funding(leg, amount: share, rate: rate), to: strategy)
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
                append(LogEntry(time: now, severity: .error, strategy: runners[strategy].name,
                                message: "leg \(leg) \(reason == .liquidation ? "LIQUIDATED" : "settled at expiry"): \(share.side) \(share.quantity) @ \(share.price)"))
                journalWrite { try $0.orderUpdate(.filled(share, remaining: .zero), strategy: runners[strategy].name, leg: leg, instrument: id, at: now) }
                deliver(.positionClosed(leg, share, reason: reason), to: strategy)
                refreshMargin(strategy)
            }
        case .order:
            break
        }
    }

    /// After every event: each instrument's position summed over the strategies must equal the
    /// venue's unless an order or an answer is in flight. A disagreement is logged once.
    private func checkPositions() {
        positionsMayDiffer = false
        for (instrument, targets) in routes {
            guard let venuePosition = venues[instrument.venue]?.positions[instrument] else { continue }
            var held = FixedDecimal.zero
            var working = false
            for (strategy, leg) in targets {
                held = (try? held + runners[strategy].machine.positions[leg].quantity) ?? held
                working = working || runners[strategy].machine.hasWorkingOrder(on: leg)
            }
            if held == venuePosition.quantity || working || (inFlight[instrument] ?? 0) > 0 {
                if held == venuePosition.quantity { disagreeing.remove(instrument) }
                continue
            }
            if disagreeing.insert(instrument).inserted {
                positionBreaks += 1
                append(LogEntry(time: now, severity: .error, strategy: nil,
                                message: "POSITION MISMATCH on \(instrument): strategies hold \(held), the venue \(venuePosition.quantity)"))
            }
        }
    }

    private func log(_ update: OrderUpdate, strategy: Int, leg: Leg) {
        let name = runners[strategy].name
        switch update {
        case .accepted:
            break
        case .filled(let fill, let remaining):
            append(LogEntry(time: now, severity: .info, strategy: name,
                            message: "leg \(leg) \(fill.side) \(fill.quantity) @ \(fill.price) fee \(fill.fee)\(remaining.isZero ? "" : ", \(remaining) left") [\(fill.orderID)]"))
        case .rejected(let id, let reason):
            append(LogEntry(time: now, severity: .warning, strategy: name, message: "leg \(leg) order \(id) rejected: \(reason)"))
        case .cancelled(let id, let filled, let reason):
            append(LogEntry(time: now, severity: .info, strategy: name, message: "leg \(leg) order \(id) cancelled after \(filled): \(reason)"))
        }
    }

    // MARK: - Strategy actions

    /// - Parameter flushingCharts: false only for market data, whose caller has written the pending
    ///   chart sample if one was due.
    func deliver(_ event: StrategyEvent, to strategy: Int, flushingCharts: Bool = true) {
        if flushingCharts { runners[strategy].flushPnLSample() }
        let actions = runners[strategy].machine.handle(event, at: now)
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
                venueOrders[order.instrument.venue, default: (0, 0)].sent += 1
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
                if level == .critical { journalWrite { try $0.error(message, strategy: name, at: now) } }
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
                journalWrite { try $0.cycle(event, strategy: name) }
                sampleDrawdown()
                if case .closed(_, let net, let reason, _) = event {
                    append(LogEntry(time: now, severity: .notice, strategy: name, message: "cycle closed (\(reason)): net \(net.formatted(places: 2, plusSign: true)) USD"))
                }
            }
        }
        changed = true
    }

    // MARK: - Commands

    /// Applies a trader's command at `time` (the engine's clock if earlier). Every command gets
    /// exactly one acknowledgement.
    public func apply(_ command: EngineCommand, at time: Timestamp) {
        advanceClock(to: time)
        positionsMayDiffer = true
        let strategyCommand = command.action
        let targets: [Int]
        if let name = command.strategy {
            guard let index = runners.firstIndex(where: { $0.name == name }) else {
                let message = "\(strategyCommand) refused: no strategy named \(name)"
                acknowledge(CommandAcknowledgement(commandID: command.id, accepted: false, message: message, time: now))
                append(LogEntry(time: now, severity: .warning, strategy: nil, message: message, commandID: command.id))
                return
            }
            targets = [index]
        } else {
            targets = Array(runners.indices)
        }
        for index in targets {
            runners[index].flushPnLSample()
            let actions = runners[index].machine.handle(.command(strategyCommand), at: now)
            performActions(actions, strategy: index, commandID: command.id)
        }
        if targets.isEmpty {
            acknowledge(CommandAcknowledgement(commandID: command.id, accepted: false, message: "\(strategyCommand) refused: no strategies", time: now))
        }
    }

    private func acknowledge(_ acknowledgement: CommandAcknowledgement) {
        acknowledgements.append(acknowledgement)
        if acknowledgements.count > 32 { acknowledgements.removeFirst() }
        changed = true
    }

    // MARK: - Log and snapshots

    func append(_ entry: LogEntry) {
        var entry = entry
        logCount += 1
        entry.id = logCount
        log.append(entry)
        if log.count > Self.logLimit { log.removeFirst() }
        let text = entry.strategy.map { "[\($0)] \(entry.message)" } ?? entry.message
        switch entry.severity {
        case .info: logger.info("\(text)")
        case .notice: logger.notice("\(text)")
        case .warning: logger.warning("\(text)")
        case .error: logger.error("\(text)")
        }
    }

    /// An immutable picture of everything the screen shows, and clears `changed`.
    public func snapshot(logTail: Int = 200) -> EngineSnapshot {
        sequence += 1
        changed = false
        for index in runners.indices { runners[index].flushPnLSample() }
        // By index, in name order: reading a venue by name would copy it.
        let venueStatus = (0..<venues.count).map { index in
            let venue = venues[index: index]
            return VenueStatus(name: venue.name, connected: !feedEnded && !venue.isDown(at: now),
                               latencyMillis: latencies[venue.name]?.percentile(50), latencyP99Millis: latencies[venue.name]?.percentile(99),
                               ordersSent: venueOrders[venue.name]?.sent ?? 0, ordersRejected: venueOrders[venue.name]?.rejected ?? 0)
        }
        let strategies = runners.map { runner in
            var snapshot = runner.snapshot(at: now)
            for leg in Leg.allCases {
                let id = snapshot.legs[leg].instrument
                snapshot.legs[leg].liquidationPrice = venues.index(of: id.venue).flatMap { venues[index: $0].liquidationPrice(id) }
            }
            return snapshot
        }
        return EngineSnapshot(
            sequence: sequence, time: now, mode: mode,
            strategies: strategies,
            venues: venueStatus, log: Array(log.suffix(logTail)), acknowledgements: Array(acknowledgements), limits: limits)
    }

    /// The feed, for its statistics in reports.
    public var marketFeed: any MarketFeed { feed }

    /// The state machines, for reports and tests.
    public var machines: [HedgingStateMachine] { runners.map(\.machine) }

    /// The venues' positions, for reports and reconciliation.
    public func venuePosition(_ instrument: InstrumentID) -> Position? {
        venues[instrument.venue]?.positions[instrument]
    }

    /// A venue as it stands, for reports and tests.
    public func venue(named name: String) -> SimulatedVenue? { venues[name] }

    /// Legs whose strategy position differs from the venue's right now, described.
    public func positionDisagreements() -> [String] {
        routes.keys.sorted { $0.symbol < $1.symbol }.compactMap { instrument in
            let held = (routes[instrument] ?? []).reduce(FixedDecimal.zero) { (try? $0 + runners[$1.strategy].machine.positions[$1.leg].quantity) ?? $0 }
            let venue = venues[instrument.venue]?.positions[instrument]?.quantity ?? .zero
            return held == venue ? nil : "\(instrument): strategies \(held), venue \(venue)"
        }
    }
}
