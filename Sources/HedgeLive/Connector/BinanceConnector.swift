import HedgeCore
import HedgeVenues

/// The Binance market-data connection of one venue (USD-M, COIN-M or spot) as a value: inputs in
/// (`ConnectorInput`), actions out (`ConnectorAction`), no sockets, no clock, no sleeps. The I/O
/// shell (`LiveConnection`) performs the actions and feeds back what happens.
///
/// It follows Binance's documented procedure for a local book: open the combined stream, then
/// fetch a REST snapshot per symbol while the decoder buffers diffs (`BinanceStreamDecoder`, the
/// replay's own, unchanged); any gap or crossed book fetches a new snapshot (resyncing until the
/// book is in sequence again). A connection is dropped and reopened when silent past
/// `silentLimit`, and before Binance's own 24 h cut (`maxConnectionAge`); reconnects back off
/// exponentially with seeded jitter, and a reconnect that works reports the venue live again.
public struct BinanceConnector: Sendable {
    public struct Settings: Sendable {
        public var kind: LiveVenueKind
        /// Upper case, as the venue lists them ("BTCUSDT").
        public var symbols: [String]
        public var webSocketURL: String
        public var restURL: String
        /// No message for longer: stale (entries blocked).
        public var staleAfter: Duration = .seconds(3)
        /// No message for longer: the connection is dropped and reopened.
        public var silentLimit: Duration = .seconds(15)
        /// A connection opening for longer has failed.
        /// (Also what catches a connection closed before it answers the upgrade: swift-websocket
        /// waits for that answer forever.)
        public var connectTimeout: Duration = .seconds(5)
        /// Binance closes every connection after 24 h: reconnect on our terms before that.
        public var maxConnectionAge: Duration = .seconds(23 * 3600 + 50 * 60)
        /// Levels asked for in a REST snapshot.
        public var snapshotLimit = 1000
        /// After a fatal refusal (HTTP 451/403, unknown symbol), the next try waits this long.
        public var refusedRetry: Duration = .seconds(60)
        public var backoff: Backoff

        public init(kind: LiveVenueKind, symbols: [String], webSocketURL: String? = nil, restURL: String? = nil, seed: UInt64 = 1) {
            self.kind = kind
            self.symbols = symbols.map { $0.uppercased() }
            self.webSocketURL = webSocketURL ?? kind.defaultWebSocketURL
            self.restURL = restURL ?? kind.defaultRESTURL
            self.backoff = Backoff(seed: seed)
        }
    }

    /// Where the connection stands.
    enum Phase: Sendable, Hashable {
        case idle
        case connecting(since: Timestamp)
        case open(since: Timestamp)
        /// Closed; the next attempt is due at `at`.
        case waiting(until: Timestamp, fatal: Bool)
    }

    public private(set) var settings: Settings
    private var decoder: BinanceStreamDecoder
    var phase: Phase = .idle
    /// When the last message arrived on the current connection.
    private(set) var lastMessageAt: Timestamp?
    /// Symbols whose book is not in sequence (no snapshot applied yet, or a gap).
    private(set) var resyncing: Set<String> = []
    /// Snapshots asked for and not answered yet.
    private var snapshotsPending: Set<String> = []
    /// Snapshot fetches to try again at a time (after a failure).
    private var snapshotRetries: [String: Timestamp] = [:]
    /// Whether the connection has been live since it opened (a first connect shows "connecting").
    private var liveSinceConnect = false
    private var reportedStale = false
    private var connections = 0
    /// Why the venue is down or not live, shown with its health.
    private var detail: String?
    public private(set) var latency = LatencyWindow.venueLatency
    /// Messages refused by the decoder, by kind.
    public private(set) var faults: [MarketDataFault.Kind: Int] = [:]
    public private(set) var messages = 0

    public init(_ settings: Settings) {
        self.settings = settings
        self.decoder = BinanceStreamDecoder(venue: settings.kind.rawValue, market: settings.kind == .binanceSpot ? .spot : .futures,
                                            symbols: settings.symbols)
        // Spot bookTicker has no venue time: live, its receipt time is its time.
        decoder.localClockOffset = .zero
    }

    /// The combined-stream URL: bookTicker, depth diffs, trades and (futures) mark price per symbol.
    public var streamURL: String {
        var streams: [String] = []
        for symbol in settings.symbols.map({ $0.lowercased() }) {
            streams.append("\(symbol)@bookTicker")
            streams.append(settings.kind == .binanceSpot ? "\(symbol)@depth@100ms" : "\(symbol)@depth@0ms")
            if settings.kind != .binanceSpot { streams.append("\(symbol)@markPrice@1s") }
            streams.append("\(symbol)@trade")
        }
        return Self.trimmed(settings.webSocketURL) + "/stream?streams=" + streams.joined(separator: "/")
    }

    /// The REST depth snapshot URL of `symbol`.
    public func snapshotURL(_ symbol: String) -> String {
        Self.trimmed(settings.restURL) + settings.kind.binanceRESTPrefix + "/depth?symbol=\(symbol)&limit=\(settings.snapshotLimit)"
    }

    static func trimmed(_ url: String) -> String { url.hasSuffix("/") ? String(url.dropLast()) : url }

    /// The local book of `symbol` as the decoder holds it (tests compare it with replay's).
    public func book(of symbol: String) -> L2Book? { decoder.book(of: symbol) }

    // MARK: - Health

    /// How the connection stands at `now`.
    public func health(at now: Timestamp, latency withLatency: Bool) -> FeedHealth {
        let state: FeedHealth.State
        switch phase {
        case .idle, .connecting: state = .connecting
        case .waiting: state = .down
        case .open:
            if !resyncing.isEmpty { state = liveSinceConnect ? .resyncing : .connecting }
            else if let last = lastMessageAt, now - last > settings.staleAfter { state = .stale }
            else { state = .live }
        }
        var text = detail
        if state == .resyncing { text = "book of \(resyncing.sorted().joined(separator: ", ")) out of sequence: new snapshot" }
        if state == .stale, let last = lastMessageAt { text = "no message for \(Self.seconds(now - last)) (limit \(Self.seconds(settings.staleAfter)))" }
        if state == .live || (state == .connecting && connections <= 1) { text = nil }
        return FeedHealth(venue: settings.kind.rawValue, state: state, lastMessageAt: lastMessageAt,
                          latencyP50Millis: withLatency ? latency.percentile(50) : nil,
                          latencyP99Millis: withLatency ? latency.percentile(99) : nil, detail: text)
    }

    static func seconds(_ duration: Duration) -> String {
        let tenths = duration.nanosecondsClamped / 100_000_000
        return "\(tenths / 10).\(tenths % 10)s"
    }

    // MARK: - Inputs

    public mutating func handle(_ input: ConnectorInput) -> [ConnectorAction] {
        var actions: [ConnectorAction] = []
        switch input {
        case .start(let now):
            guard case .idle = phase else { return [] }
            openConnection(at: now, into: &actions)
        case .connected(let now):
            connected(at: now, into: &actions)
        case .message(let bytes, let now):
            received(bytes, at: now, into: &actions)
        case .snapshot(let symbol, let body, let now):
            applySnapshot(symbol: symbol, body: body, at: now, into: &actions)
        case .snapshotFailed(let symbol, let reason, let fatal, let now):
            snapshotsPending.remove(symbol)
            if fatal {
                fail("\(symbol) depth snapshot refused: \(reason)", fatal: true, at: now, into: &actions)
            } else {
                snapshotRetries[symbol] = now + settings.backoff.base
                actions.append(.log(.warning, "\(venue): \(symbol) depth snapshot failed (\(reason)); trying again"))
            }
        case .closed(let reason, let fatal, let now):
            switch phase {
            case .connecting, .open: fail(reason, fatal: fatal, at: now, into: &actions, closeSocket: false)
            case .idle, .waiting: break
            }
        case .tick(let now):
            tick(at: now, into: &actions)
        }
        return actions
    }

    private var venue: String { settings.kind.rawValue }

    private mutating func openConnection(at now: Timestamp, into actions: inout [ConnectorAction]) {
        connections += 1
        phase = .connecting(since: now)
        lastMessageAt = nil
        liveSinceConnect = false
        reportedStale = false
        snapshotsPending = []
        snapshotRetries = [:]
        actions.append(.log(.info, "\(venue): \(connections > 1 ? "reconnecting" : "connecting") to \(Self.trimmed(settings.webSocketURL))"))
        actions.append(.connect(url: streamURL))
    }

    private mutating func connected(at now: Timestamp, into actions: inout [ConnectorAction]) {
        guard case .connecting = phase else { return }
        phase = .open(since: now)
        detail = nil
        if connections > 1 {
            let marker = #"{"hedgetop":"reconnect","venue":"\#(venue)","connection":\#(connections)}"#
            actions.append(.record(RecordedLine(kind: .marker, receivedAt: now, body: Array(marker.utf8))))
        }
        actions.append(.log(.notice, "\(venue): \(connections > 1 ? "reconnected" : "connected"); fetching depth snapshots of \(settings.symbols.joined(separator: ", "))"))
        // Diffs are buffered by the decoder from now on; a snapshot per symbol starts each book.
        resyncing = Set(settings.symbols)
        for symbol in settings.symbols { requestSnapshot(symbol, into: &actions) }
    }

    private mutating func requestSnapshot(_ symbol: String, into actions: inout [ConnectorAction]) {
        guard !snapshotsPending.contains(symbol) else { return }
        snapshotsPending.insert(symbol)
        snapshotRetries[symbol] = nil
        actions.append(.fetchSnapshot(symbol: symbol, url: snapshotURL(symbol)))
    }

    private mutating func received(_ bytes: [UInt8], at now: Timestamp, into actions: inout [ConnectorAction]) {
        guard case .open = phase else { return }
        lastMessageAt = now
        messages += 1
        if messages == 1 || settings.backoff.attempts > 0 { settings.backoff.reset() }
        if reportedStale {
            reportedStale = false
            actions.append(.log(.info, "\(venue): messages again"))
        }
        actions.append(.record(RecordedLine(kind: .message, receivedAt: now, body: bytes)))
        var events: [MarketEvent] = []
        let stream = Self.streamSymbol(bytes)
        do throws(MarketDataFault) {
            _ = try bytes.withUnsafeBufferPointer { buffer throws(MarketDataFault) in try decoder.decode(buffer, localTime: now, into: &events) }
        } catch {
            faults[error.kind, default: 0] += 1
            if let symbol = stream, error.kind == .bookGap || (error.kind == .crossedBook && Self.isDepth(bytes)) {
                if !resyncing.contains(symbol) {
                    actions.append(.log(.warning, "\(venue): \(error.detail); resyncing \(symbol) from a new snapshot"))
                }
                resyncing.insert(symbol)
                requestSnapshot(symbol, into: &actions)
            } else {
                actions.append(.log(.warning, "\(venue): message refused (\(error))"))
            }
        }
        noteEvents(events, at: now, into: &actions)
    }

    private mutating func applySnapshot(symbol: String, body: [UInt8], at now: Timestamp, into actions: inout [ConnectorAction]) {
        guard snapshotsPending.remove(symbol) != nil, case .open = phase else { return }
        actions.append(.record(RecordedLine(kind: .snapshot(symbol: symbol), receivedAt: now, body: body)))
        var events: [MarketEvent] = []
        do throws(MarketDataFault) {
            _ = try body.withUnsafeBufferPointer { buffer throws(MarketDataFault) in try decoder.decodeSnapshot(buffer, symbol: symbol, into: &events) }
        } catch {
            faults[error.kind, default: 0] += 1
            // The buffered diffs do not continue this snapshot (it is older than the stream, or a
            // diff was lost): a newer one, after a moment.
            snapshotRetries[symbol] = now + settings.backoff.base
            actions.append(.log(.warning, "\(venue): \(symbol) snapshot does not fit the stream (\(error.detail)); fetching another"))
        }
        noteEvents(events, at: now, into: &actions)
    }

    /// Books that produced depth are in sequence again; latency is sampled; events go out.
    private mutating func noteEvents(_ events: [MarketEvent], at now: Timestamp, into actions: inout [ConnectorAction]) {
        guard !events.isEmpty else { return }
        for event in events {
            switch event {
            case .depth(let id, _), .bookUpdate(let id, _):
                if resyncing.remove(id.symbol) != nil {
                    if resyncing.isEmpty {
                        actions.append(.log(.notice, "\(venue): \(liveSinceConnect ? "books in sequence again" : "live")"))
                        liveSinceConnect = true
                    }
                }
            case .quote, .trade, .mark, .fundingRate: break
            }
            latency.addVenueLatency(from: event.time, to: now)
        }
        actions.append(.deliver(events, receivedAt: now))
    }

    private mutating func tick(at now: Timestamp, into actions: inout [ConnectorAction]) {
        switch phase {
        case .idle: break
        case .waiting(let until, _):
            if now >= until { openConnection(at: now, into: &actions) }
        case .connecting(let since):
            if now - since > settings.connectTimeout {
                fail("no answer within \(Self.seconds(settings.connectTimeout))", fatal: false, at: now, into: &actions)
            }
        case .open(let since):
            if now - since >= settings.maxConnectionAge {
                // Binance cuts at 24 h; this reconnects first, at once.
                actions.append(.close(reason: "connection \(Self.seconds(now - since)) old: renewing before Binance's 24 h cut"))
                actions.append(.log(.notice, "\(venue): renewing the connection before Binance's 24 h limit"))
                phase = .waiting(until: now, fatal: false)
                openConnection(at: now, into: &actions)
                return
            }
            let last = lastMessageAt ?? since
            if now - last > settings.silentLimit {
                fail("no message for \(Self.seconds(now - last)) (limit \(Self.seconds(settings.silentLimit)))", fatal: false, at: now, into: &actions)
                return
            }
            if now - last > settings.staleAfter && !reportedStale {
                reportedStale = true
                actions.append(.log(.warning, "\(venue): stale, no message for \(Self.seconds(now - last))"))
            }
            for (symbol, due) in snapshotRetries where due <= now { requestSnapshot(symbol, into: &actions) }
        }
    }

    /// The connection failed or closed: down, and the next attempt after a backoff (a slow one
    /// when retrying cannot help soon).
    private mutating func fail(_ reason: String, fatal: Bool, at now: Timestamp, into actions: inout [ConnectorAction], closeSocket: Bool = true) {
        if closeSocket, case .open = phase { actions.append(.close(reason: reason)) }
        if closeSocket, case .connecting = phase { actions.append(.close(reason: reason)) }
        let delay = fatal ? settings.refusedRetry : settings.backoff.nextDelay()
        phase = .waiting(until: now + delay, fatal: fatal)
        detail = reason
        connections = max(connections, 2)
        resyncing = Set(settings.symbols)
        snapshotsPending = []
        actions.append(.log(.warning, "\(venue) down: \(reason); reconnecting in \(Self.seconds(delay))"))
    }

    // MARK: - Message shape

    /// The lower-case symbol of a combined-stream message's `"stream":"btcusdt@..."`, upper-cased.
    static func streamSymbol(_ bytes: [UInt8]) -> String? {
        let key = Array(#""stream":""#.utf8)
        guard let start = firstIndex(of: key, in: bytes) else { return nil }
        var end = start + key.count
        while end < bytes.count && bytes[end] != UInt8(ascii: "@") && bytes[end] != UInt8(ascii: "\"") { end += 1 }
        return String(decoding: bytes[(start + key.count)..<end], as: UTF8.self).uppercased()
    }

    static func isDepth(_ bytes: [UInt8]) -> Bool { firstIndex(of: Array("@depth".utf8), in: bytes) != nil }

    static func firstIndex(of needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard needle.count <= bytes.count else { return nil }
        let limit = min(bytes.count - needle.count, 256)
        var index = 0
        while index <= limit {
            if bytes[index] == needle[0] && Array(bytes[index..<(index + needle.count)]) == needle { return index }
            index += 1
        }
        return nil
    }
}
