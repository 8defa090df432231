import HedgeCore
import HedgeEngine
import HedgeVenues
import Logging
import Synchronization

/// Where the connections of a LIVE-PAPER run leave their results: events waiting for the
/// engine (restamped with their receipt time, so the engine's clock is the local one whatever the
/// venues' clocks say) and each venue's health. Shared between the connection tasks and the
/// engine's feed; a lock, held for a few stores.
public final class LiveMarket: LiveSink {
    private struct State {
        var pending: [MarketEvent] = []
        /// Receipt time of each pending event's message, for the arrival → engine figure.
        var receipts: [Timestamp] = []
        var arrivalToEngine = LatencyWindow(capacity: 100_000)
        var delivered = 0
        var health: [String: FeedHealth] = [:]
        var dropped = 0
    }

    private let state = Mutex(State())
    private let logger: Logger
    private let venues: [String]
    /// Events held at most while the engine is busy; older ones are dropped (and counted).
    let capacity: Int
    /// Optional recorder fed the same lines (`hedgetop run` with recording on).
    private let recorder: (any LiveSink)?

    public init(venues: [String], logger: Logger, capacity: Int = 200_000, recorder: (any LiveSink)? = nil) {
        self.venues = venues
        self.logger = logger
        self.capacity = capacity
        self.recorder = recorder
        state.withLock { state in
            for venue in venues { state.health[venue] = FeedHealth(venue: venue, state: .connecting) }
        }
    }

    public func deliver(_ events: [MarketEvent], receivedAt: Timestamp) {
        let stamped = events.map { $0.restamped(at: receivedAt) }
        state.withLock { state in
            state.pending.append(contentsOf: stamped)
            state.receipts.append(contentsOf: repeatElement(receivedAt, count: stamped.count))
            if state.pending.count > capacity {
                let excess = state.pending.count - capacity
                state.pending.removeFirst(excess)
                state.receipts.removeFirst(excess)
                state.dropped += excess
            }
        }
    }

    public func record(_ line: RecordedLine, venue: LiveVenueKind) {
        recorder?.record(line, venue: venue)
    }

    public func log(_ level: ConnectorLogLevel, _ message: String, venue: LiveVenueKind) {
        switch level {
        case .info: logger.info("\(message)")
        case .notice: logger.notice("\(message)")
        case .warning: logger.warning("\(message)")
        }
    }

    public func health(_ health: FeedHealth) {
        state.withLock { $0.health[health.venue] = health }
    }

    /// Every event waiting, oldest first. The time each waited since its message arrived is
    /// kept: the engine decides on it right after taking it.
    func takeAll(now: Timestamp) -> [MarketEvent] {
        state.withLock { state in
            defer {
                state.pending.removeAll(keepingCapacity: true)
                state.receipts.removeAll(keepingCapacity: true)
            }
            state.delivered += state.pending.count
            for receipt in state.receipts {
                state.arrivalToEngine.add(milliseconds: Double((now - receipt).nanosecondsClamped) / 1e6)
            }
            return state.pending
        }
    }

    /// Message arrival → the engine taking its events (the strategy decides in the same turn):
    /// p50 and p99 in milliseconds over the last 100,000 events, and how many were delivered.
    public func arrivalToEngine() -> (p50: Double?, p99: Double?, events: Int) {
        state.withLock { ($0.arrivalToEngine.percentile(50), $0.arrivalToEngine.percentile(99), $0.delivered) }
    }

    /// Each venue's health, in the order the venues were given.
    public func healths() -> [FeedHealth] {
        state.withLock { state in venues.compactMap { state.health[$0] } }
    }

    /// Events dropped because the engine fell behind by more than `capacity`.
    public var dropped: Int { state.withLock { $0.dropped } }
}

/// The engine's view of a `LiveMarket`: a feed that never ends, whose batches are whatever has
/// arrived since the last one.
public struct LiveFeed: MarketFeed {
    public let contracts: [ContractSpec]
    public let market: LiveMarket
    private var waiting: [MarketEvent] = []
    private var index = 0

    public init(contracts: [ContractSpec], market: LiveMarket) {
        self.contracts = contracts
        self.market = market
    }

    public var isOpenEnded: Bool { true }

    public func feedHealth(at now: Timestamp) -> [FeedHealth] { market.healths() }

    public mutating func next() -> MarketEvent? {
        if index >= waiting.count {
            waiting = market.takeAll(now: .wallClockNow())
            index = 0
        }
        guard index < waiting.count else { return nil }
        defer { index += 1 }
        return waiting[index]
    }

    public mutating func nextBatch(into batch: inout MarketBatch) {
        batch.removeAll()
        while batch.count < 256, let event = next() { batch.append(event) }
    }
}

extension MarketEvent {
    /// The same event at `time` (its receipt): the engine runs on the local clock.
    public func restamped(at time: Timestamp) -> MarketEvent {
        switch self {
        case .quote(let id, var quote):
            quote.time = time
            return .quote(id, quote)
        case .depth(let id, var depth):
            depth.time = time
            return .depth(id, depth)
        case .bookUpdate(let id, var update):
            update.time = time
            return .bookUpdate(id, update)
        case .trade(let id, var trade):
            trade.time = time
            return .trade(id, trade)
        case .mark(let id, let price, _):
            return .mark(id, price, time: time)
        case .fundingRate(let id, let rate, let next, _):
            return .fundingRate(id, rate: rate, nextFundingTime: next, time: time)
        }
    }
}
