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
    /// The engine's clock when it started.
    public let startedAt: Timestamp
    public private(set) var now: Timestamp
    private var feed: any MarketFeed
    private var pendingMarket: MarketEvent?
    public private(set) var feedEnded = false
    private var venues: [String: SimulatedVenue]
    private var runners: [StrategyRunner]
    /// Which strategies and legs each instrument's data goes to.
    private var routes: [InstrumentID: [(strategy: Int, leg: Leg)]] = [:]
    private var queue = EventQueue()
    private var log = Deque<LogEntry>()
    private var acknowledgements = Deque<CommandAcknowledgement>()
    private var nextMarginRefresh: [Timestamp]
    private var sequence: UInt64 = 0
    private var logCount: UInt64 = 0
    /// Set when anything the screen shows has changed since the last snapshot.
    public private(set) var changed = true
    private let logger: Logger
    /// Everything the end-of-run report needs.
    public private(set) var record = RunRecord()
    private var nextDrawdownSample: Timestamp

    public static let logLimit = 500
    static let marginRefreshInterval: Duration = .seconds(1)

    /// - Parameter startedAt: the engine's clock at start; nil starts it at the feed's first event
    ///   (a replay).
    public init(strategies: [StrategyConfig], venues: [SimulatedVenue], feed: any MarketFeed, mode: RunMode,
                startedAt: Timestamp?, logger: Logger = Logger(label: "hedgetop.engine", factory: { _ in SwiftLogNoOpLogHandler() })) {
        var feed = feed
        let first = feed.next()
        let startedAt = startedAt ?? first?.time ?? .zero
        self.mode = mode
        self.startedAt = startedAt
        self.now = startedAt
        self.feed = feed
        self.pendingMarket = first
        self.feedEnded = first == nil
        self.venues = Dictionary(uniqueKeysWithValues: venues.map { ($0.name, $0) })
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
    public var nextEventTime: Timestamp? {
        let market = peekMarket()?.time
        switch (market, queue.nextTime) {
        case (let m?, let q?): return min(m, q)
        case (let m?, nil): return m
        case (nil, let q?): return q
        case (nil, nil): return nil
        }
    }

    /// Nothing left to do: the feed has ended and nothing is scheduled.
    public var isFinished: Bool { peekMarket() == nil && queue.isEmpty }

    private func peekMarket() -> MarketEvent? {
        if pendingMarket == nil && !feedEnded {
            pendingMarket = feed.next()
            if pendingMarket == nil { feedEnded = true }
        }
        return pendingMarket
    }

    /// Processes every event due at or before `time`, in time order. Returns how many ran.
    @discardableResult
    public func run(until time: Timestamp) -> Int {
        var processed = 0
        while true {
            let market = peekMarket()
            let scheduled = queue.nextTime
            // Scheduled items due at the same instant as market data go first: they were caused earlier.
            if let scheduledTime = scheduled, scheduledTime <= time, market.map({ scheduledTime <= $0.time }) ?? true {
                guard let (due, item) = queue.popDue(notAfter: time) else { break }
                advanceClock(to: due)
                perform(item)
            } else if let event = market, event.time <= time {
                pendingMarket = nil
                advanceClock(to: event.time)
                onMarket(event)
            } else {
                break
            }
            processed += 1
        }
        if time > now { now = time }
        return processed
    }

    private func advanceClock(to time: Timestamp) {
        if time > now { now = time }
    }

    // MARK: - Market data

    private func onMarket(_ event: MarketEvent) {
        let instrument = event.instrument
        venues[instrument.venue]?.onMarket(event)
        guard let targets = routes[instrument] else { return }
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
            deliver(strategyEvent, to: strategy)
            runners[strategy].sampleCharts(at: now)
            if now >= nextMarginRefresh[strategy] { refreshMargin(strategy) }
        }
        if now >= nextDrawdownSample { sampleDrawdown() }
        changed = true
    }

    static let drawdownSampleInterval: Duration = .milliseconds(100)

    /// Marks the total net PnL for the drawdown figure, at most every 100 ms of data time.
    private func sampleDrawdown() {
        nextDrawdownSample = now + Self.drawdownSampleInterval
        var total = FixedDecimal.zero
        for runner in runners {
            guard let net = runner.machine.pnlBreakdown()?.net, let sum = try? total + net else { return }
            total = sum
        }
        record.mark(net: total)
    }

    /// Tells a strategy how much margin its venues have free.
    private func refreshMargin(_ strategy: Int) {
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
            guard var venue = venues[order.instrument.venue] else {
                let update = OrderUpdate.rejected(order.id, reason: "no venue named \(order.instrument.venue)")
                queue.schedule(.orderUpdate(strategy: strategy, order.leg, update), at: now)
                return
            }
            let updates = venue.execute(order, at: now)
            let back = venue.nextLatency()
            venues[order.instrument.venue] = venue
            for update in updates {
                queue.schedule(.orderUpdate(strategy: strategy, order.leg, update), at: now + back)
            }
        case .cancelArrives(let strategy, let id, let leg):
            guard let venue = venues[runners[strategy].machine.config.legs[leg].id.venue] else { return }
            for update in venue.cancel(id) {
                queue.schedule(.orderUpdate(strategy: strategy, leg, update), at: now)
            }
        case .orderUpdate(let strategy, let leg, let update):
            log(update, strategy: strategy, leg: leg)
            record.orderFinished(update, at: now)
            deliver(.order(leg, update), to: strategy)
            if case .filled = update { refreshMargin(strategy) }
            changed = true
        case .timer(let strategy, let timer, let generation):
            guard runners[strategy].timerGenerations[timer] == generation else { return }
            runners[strategy].timerGenerations[timer] = nil
            deliver(.timer(timer), to: strategy)
            changed = true
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

    private func deliver(_ event: StrategyEvent, to strategy: Int) {
        let actions = runners[strategy].machine.handle(event, at: now)
        if !actions.isEmpty { performActions(actions, strategy: strategy, commandID: nil) }
    }

    private func performActions(_ actions: [StrategyAction], strategy: Int, commandID: UInt64?) {
        let name = runners[strategy].name
        for action in actions {
            switch action {
            case .placeOrder(let order):
                guard var venue = venues[order.instrument.venue] else {
                    queue.schedule(.orderUpdate(strategy: strategy, order.leg, .rejected(order.id, reason: "no venue named \(order.instrument.venue)")), at: now)
                    continue
                }
                let latency = venue.nextLatency()
                venues[order.instrument.venue] = venue
                queue.schedule(.orderArrives(strategy: strategy, order), at: now + latency)
                record.orderSent(order.id, at: now)
                append(LogEntry(time: now, severity: .info, strategy: name,
                                message: "leg \(order.leg) \(order.purpose) \(order.side) \(order.quantity) \(order.instrument.symbol)\(order.reduceOnly ? " reduce-only" : "") [\(order.id)]"))
            case .cancelOrder(let id, let leg):
                let latency = venues[runners[strategy].machine.config.legs[leg].id.venue]?.settings.latency ?? .zero
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
                append(LogEntry(time: now, severity: transition.to == .error || transition.to == .unwinding ? .error : .notice,
                                strategy: name, message: "\(transition.from) → \(transition.to): \(transition.reason)"))
            case .alert(let level, let message):
                let severity: LogEntry.Severity = switch level {
                case .info: .info
                case .warning: .warning
                case .critical: .error
                }
                append(LogEntry(time: now, severity: severity, strategy: name, message: message))
            case .commandResult(_, let accepted, let message):
                if let commandID {
                    acknowledge(CommandAcknowledgement(commandID: commandID, accepted: accepted, message: "\(name): \(message)", time: now))
                }
                append(LogEntry(time: now, severity: accepted ? .notice : .warning, strategy: name, message: message))
            case .cycleEvent(let event):
                runners[strategy].record(event)
                record.record(event, strategy: name)
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
        let strategyCommand: StrategyCommand = switch command.action {
        case .close: .close
        case .rebalance: .rebalance
        case .pause: .pause
        case .resume: .resume
        case .kill: .kill
        }
        let targets: [Int]
        if let name = command.strategy {
            guard let index = runners.firstIndex(where: { $0.name == name }) else {
                let message = "\(strategyCommand) refused: no strategy named \(name)"
                acknowledge(CommandAcknowledgement(commandID: command.id, accepted: false, message: message, time: now))
                append(LogEntry(time: now, severity: .warning, strategy: nil, message: message))
                return
            }
            targets = [index]
        } else {
            targets = Array(runners.indices)
        }
        for index in targets {
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

    private func append(_ entry: LogEntry) {
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
        let venueStatus = venues.keys.sorted().map { name in
            let venue = venues[name]!
            return VenueStatus(name: name, connected: !feedEnded,
                               latencyMillis: (venue.settings.latency + venue.settings.jitter / 2).secondsDouble * 1000 * 2)
        }
        return EngineSnapshot(
            sequence: sequence, time: now, mode: mode,
            strategies: runners.map { $0.snapshot(at: now) },
            venues: venueStatus, log: Array(log.suffix(logTail)), acknowledgements: Array(acknowledgements))
    }

    /// The feed, for its statistics in reports.
    public var marketFeed: any MarketFeed { feed }

    /// The state machines, for reports and tests.
    public var machines: [HedgingStateMachine] { runners.map(\.machine) }

    /// The venues' positions, for reports and reconciliation.
    public func venuePosition(_ instrument: InstrumentID) -> Position? {
        venues[instrument.venue]?.positions[instrument]
    }
}
