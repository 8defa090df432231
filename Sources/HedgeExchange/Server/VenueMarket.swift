import Synchronization

/// One venue of the exchange: its tape, where playback stands, the book the stream has built so
/// far (for REST snapshots), its faults and its open connections.
///
/// The position is the furthest message any connection was handed (at full speed the connections
/// set the pace) or, when paced, the message the clock has reached, whichever is further.
public final class VenueMarket: Sendable {
    public let venue: ExchangeVenue
    public let tape: Tape
    let clock: PlaybackClock
    /// The receive time (ns) that maps to the clock's start: the earliest first message among the
    /// tapes recorded together.
    let origin: Int64
    let faults = VenueFaults()
    /// Faults of the private endpoints (orders, rate limits).
    let orderFaults = OrderFaults()
    /// Venue timestamps moved to the present (`--now-times`).
    let shiftsEventTimes: Bool
    private let state: Mutex<State>

    struct State {
        var reached = 0
        var bookPosition = 0
        var nextSnapshot = 0
        var books: [String: DepthBook] = [:]
        /// Bybit tickers: every field as last set, per symbol.
        var tickers: [String: [String: String]] = [:]
        /// Tape indexes of depth messages no connection sends (a sequence gap on command).
        var skipped: Set<Int> = []
        var connections: [Int: StreamConnection] = [:]
        var nextConnection = 0
        var sent = 0
    }

    public init(tape: Tape, clock: PlaybackClock, origin: Int64, shiftsEventTimes: Bool = false) {
        self.shiftsEventTimes = shiftsEventTimes
        self.recorderSkew = tape.messages.prefix(10_000).lazy.filter { $0.eventTime > 0 }
            .map { $0.time / 1_000_000 - $0.eventTime }.min() ?? 0
        self.venue = tape.venue
        self.tape = tape
        self.clock = clock
        self.origin = origin
        self.state = Mutex(State())
    }

    /// Where playback stands now.
    public var position: Int {
        let reached = state.withLock { $0.reached }
        guard let offset = clock.offsetNow() else { return reached }
        return max(reached, tape.position(after: origin + offset))
    }

    /// How far venue timestamps move (ms): the playback's wall-clock start minus the tape's
    /// origin, so a message recorded N ms after the origin says it happened N ms after the start,
    /// plus the recorder's clock skew. 0 unless `--now-times`, or before the clock starts.
    var eventTimeShift: Int64 {
        guard shiftsEventTimes, let start = clock.startWallMilliseconds else { return 0 }
        return start - origin / 1_000_000 + recorderSkew
    }

    /// The smallest receive − event time (ms) among the tape's first 10,000 messages: a recorder
    /// whose clock was behind the venue's (the 2024-08-08 USD-M file: 1.27 s) would otherwise
    /// make every latency negative. Taking the fastest message as 0 ms of network is the usual
    /// one-way estimate of a clock offset.
    private let recorderSkew: Int64

    /// The clock position only (paced playback), for a connection resuming after silence.
    func clockPosition() -> Int? {
        clock.offsetNow().map { tape.position(after: origin + $0) }
    }

    /// When message `index` is due; nil at full speed.
    func due(_ index: Int) -> ContinuousClock.Instant? {
        clock.due(offset: tape.messages[index].time - origin)
    }

    func noteHanded(through index: Int, sent: Bool) {
        state.withLock { state in
            if index > state.reached { state.reached = index }
            if sent { state.sent += 1 }
        }
    }

    /// Messages written to connections so far (all connections).
    public var messagesSent: Int { state.withLock { $0.sent } }

    func isSkipped(_ index: Int) -> Bool { state.withLock { $0.skipped.contains(index) } }

    /// Marks the next `count` depth messages from tape index `from` (default: the current
    /// position), of `symbol` or any, as never sent: each connection's book sees a sequence gap
    /// there. Returns the tape indexes.
    @discardableResult
    public func skipDepth(count: Int = 1, symbol: String? = nil, from start: Int? = nil) -> [Int] {
        let from = start ?? position
        var chosen: [Int] = []
        var index = from
        while index < tape.messages.count && chosen.count < count {
            let message = tape.messages[index]
            if message.channel == .depth && message.depth?.replacesBook == false && (symbol == nil || message.symbol == symbol) {
                chosen.append(index)
            }
            index += 1
        }
        state.withLock { $0.skipped.formUnion(chosen) }
        return chosen
    }

    /// The book of `symbol` at the current position; nil before a snapshot seeded it.
    func book(of symbol: String) -> DepthBook? { bookAndPosition(of: symbol)?.book }

    /// The book of `symbol` and the tape position it stands at (the index of the first message
    /// not in it); nil before a snapshot seeded it.
    func bookAndPosition(of symbol: String) -> (book: DepthBook, position: Int)? {
        let target = position
        return state.withLock { state in
            advanceBook(&state, to: target)
            return state.books[symbol].flatMap { $0.isSeeded ? ($0, target) : nil }
        }
    }

    /// The first depth change of `symbol` at or after tape index `start`.
    func nextDepthChange(of symbol: String, from start: Int) -> DepthChange? {
        var index = start
        let messages = tape.messages
        while index < messages.count {
            if messages[index].symbol == symbol, let change = messages[index].depth { return change }
            index += 1
        }
        return nil
    }

    /// Every ticker field of `symbol` as last set at the current position (Bybit), and that
    /// position; nil before any.
    func tickerAndPosition(of symbol: String) -> ([String: String], Int)? {
        let target = position
        return state.withLock { state in
            advanceBook(&state, to: target)
            return state.tickers[symbol].map { ($0, target) }
        }
    }

    /// The event time (ms) of the last message handed out: the venue's "now".
    var venueTime: Int64 {
        let messages = tape.messages
        guard !messages.isEmpty else { return 0 }
        return messages[max(0, min(position, messages.count) - 1)].eventTime
    }

    /// The venue's clock (ms) as its time endpoints serve it and signed requests are checked
    /// against: the event time of the last message playback handed out plus, when paced, the
    /// tape time since that message was due, so it runs on between messages and after the end
    /// of the tape at the playback speed; moved to the present with `--now-times` (then it is
    /// the wall clock). Before the clock starts, and at full speed, it moves only as messages
    /// are handed out: clients should sync to it and not count on it moving by itself.
    var serverTime: Int64 {
        let messages = tape.messages
        guard !messages.isEmpty else { return eventTimeShift }
        let index = max(0, min(position, messages.count) - 1)
        var time = messages[index].eventTime
        if let offset = clock.offsetNow(), position > 0 {
            time += max(0, (origin + offset - messages[index].time) / 1_000_000)
        }
        return time + eventTimeShift
    }

    /// The recorded REST snapshot of `symbol` the stream has not yet reached (the one a client
    /// asking before it gets, as the real venue's would lie a little ahead of its stream).
    func upcomingSnapshot(of symbol: String) -> TapeSnapshot? {
        let target = position
        return tape.snapshots.first { $0.position >= target && ($0.symbol.isEmpty || $0.symbol == symbol) }
    }

    private func advanceBook(_ state: inout State, to target: Int) {
        while state.bookPosition < target {
            // A recorded snapshot taken before this message replaces the book.
            while state.nextSnapshot < tape.snapshots.count && tape.snapshots[state.nextSnapshot].position <= state.bookPosition {
                let snapshot = tape.snapshots[state.nextSnapshot]
                let symbol = snapshot.symbol.isEmpty ? (tape.symbols.count == 1 ? tape.symbols.first! : "") : snapshot.symbol
                var book = DepthBook()
                book.replace(bids: snapshot.bids, asks: snapshot.asks, lastUpdateId: snapshot.lastUpdateId)
                state.books[symbol] = book
                state.nextSnapshot += 1
            }
            let message = tape.messages[state.bookPosition]
            state.bookPosition += 1
            if let fields = message.tickerFields {
                state.tickers[message.symbol, default: [:]].merge(fields) { _, new in new }
            }
            guard let change = message.depth else { continue }
            var book = state.books[message.symbol] ?? DepthBook()
            if change.replacesBook {
                book.replace(bids: change.bids, asks: change.asks, lastUpdateId: change.last)
            } else {
                // Binance: updates older than the snapshot are already in it.
                guard book.isSeeded, change.last >= book.lastUpdateId else { continue }
                book.apply(bids: change.bids, asks: change.asks)
                book.lastUpdateId = change.last
            }
            if let sequence = change.previous, venue.bybitCategory != nil { book.sequence = sequence }
            state.books[message.symbol] = book
        }
    }

    // MARK: - Connections

    func register(_ connection: StreamConnection) -> Int {
        state.withLock { state in
            let id = state.nextConnection
            state.nextConnection += 1
            state.connections[id] = connection
            return id
        }
    }

    func unregister(_ id: Int) { _ = state.withLock { $0.connections.removeValue(forKey: id) } }

    public var connectionCount: Int { state.withLock { $0.connections.count } }

    var connections: [StreamConnection] { state.withLock { Array($0.connections.values) } }
}
