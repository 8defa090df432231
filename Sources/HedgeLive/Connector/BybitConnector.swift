import HedgeCore
import HedgeVenues

/// The Bybit v5 public market-data connection of one venue (linear or spot) as a value: inputs
/// in, actions out, like `BinanceConnector`.
///
/// It subscribes to `orderbook.200`, `tickers` and `publicTrade` per symbol, sends Bybit's
/// application ping (`{"op":"ping"}`) every 20 s, and follows the order book's update ids: a
/// snapshot (or `u` = 1, a service restart) starts the book; each delta must carry the previous
/// `u` + 1, else the book is out of sequence and the topic is resubscribed, which brings a new
/// snapshot. The decoder (`BybitStreamDecoder`, the replay's own) is fed only what it may apply,
/// and exactly that is recorded, so a replay of the recording builds the same books.
public struct BybitConnector: Sendable {
    public struct Settings: Sendable {
        public var kind: LiveVenueKind
        public var symbols: [String]
        public var webSocketURL: String
        public var restURL: String
        public var staleAfter: Duration = .seconds(3)
        public var silentLimit: Duration = .seconds(30)
        /// (Also what catches a connection closed before it answers the upgrade: swift-websocket
        /// waits for that answer forever.)
        public var connectTimeout: Duration = .seconds(5)
        /// Bybit closes a connection that has not pinged for a while: every 20 s, as documented.
        public var pingInterval: Duration = .seconds(20)
        public var refusedRetry: Duration = .seconds(60)
        public var depth = 200
        public var backoff: Backoff

        public init(kind: LiveVenueKind, symbols: [String], webSocketURL: String? = nil, restURL: String? = nil, seed: UInt64 = 1) {
            self.kind = kind
            self.symbols = symbols.map { $0.uppercased() }
            self.webSocketURL = webSocketURL ?? kind.defaultWebSocketURL
            self.restURL = restURL ?? kind.defaultRESTURL
            self.backoff = Backoff(seed: seed)
        }
    }

    public private(set) var settings: Settings
    private var decoder: BybitStreamDecoder
    var phase: BinanceConnector.Phase = .idle
    private(set) var lastMessageAt: Timestamp?
    private var lastPingAt: Timestamp?
    private(set) var resyncing: Set<String> = []
    /// Each symbol's last order book update id.
    private var updateIds: [String: Int64] = [:]
    private var liveSinceConnect = false
    private var reportedStale = false
    private var connections = 0
    private var detail: String?
    public private(set) var latency = LatencyWindow.venueLatency
    public private(set) var faults: [MarketDataFault.Kind: Int] = [:]
    public private(set) var messages = 0

    public init(_ settings: Settings) {
        self.settings = settings
        self.decoder = BybitStreamDecoder(venue: settings.kind.rawValue, symbols: settings.symbols)
    }

    public var kind: LiveVenueKind { settings.kind }
    private var venue: String { settings.kind.rawValue }

    /// The topics of every symbol.
    var topics: [String] {
        settings.symbols.flatMap { ["orderbook.\(settings.depth).\($0)", "tickers.\($0)", "publicTrade.\($0)"] }
    }

    /// Subscribe requests, at most 10 topics each (spot's limit per request).
    func subscribeRequests(_ topics: [String], op: String = "subscribe") -> [String] {
        stride(from: 0, to: topics.count, by: 10).map { start in
            let args = topics[start..<min(start + 10, topics.count)].map { "\"\($0)\"" }.joined(separator: ",")
            return #"{"op":"\#(op)","args":[\#(args)]}"#
        }
    }

    // MARK: - Health

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
        if state == .resyncing { text = "order book of \(resyncing.sorted().joined(separator: ", ")) out of sequence: resubscribed" }
        if state == .stale, let last = lastMessageAt { text = "no message for \(BinanceConnector.seconds(now - last)) (limit \(BinanceConnector.seconds(settings.staleAfter)))" }
        if state == .live || (state == .connecting && connections <= 1) { text = nil }
        return FeedHealth(venue: venue, state: state, lastMessageAt: lastMessageAt,
                          latencyP50Millis: withLatency ? latency.percentile(50) : nil,
                          latencyP99Millis: withLatency ? latency.percentile(99) : nil, detail: text)
    }

    public func book(of symbol: String) -> L2Book? { nil }

    // MARK: - Inputs

    public mutating func handle(_ input: ConnectorInput) -> [ConnectorAction] {
        var actions: [ConnectorAction] = []
        switch input {
        case .start(let now):
            guard case .idle = phase else { return [] }
            openConnection(at: now, into: &actions)
        case .connected(let now):
            guard case .connecting = phase else { return [] }
            phase = .open(since: now)
            detail = nil
            lastPingAt = now
            actions.append(.record(RecordedLine(kind: .connected(url: BinanceConnector.trimmed(settings.webSocketURL), connection: connections),
                                                receivedAt: now, body: [])))
            actions.append(.log(.notice, "\(venue): \(connections > 1 ? "reconnected" : "connected"); subscribing to \(topics.count) topics"))
            resyncing = Set(settings.symbols)
            updateIds = [:]
            for request in subscribeRequests(topics) { actions.append(.send(request)) }
        case .message(let bytes, let now):
            received(bytes, at: now, into: &actions)
        case .snapshot, .snapshotFailed:
            break
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

    private mutating func openConnection(at now: Timestamp, into actions: inout [ConnectorAction]) {
        connections += 1
        phase = .connecting(since: now)
        lastMessageAt = nil
        liveSinceConnect = false
        reportedStale = false
        actions.append(.log(.info, "\(venue): \(connections > 1 ? "reconnecting" : "connecting") to \(BinanceConnector.trimmed(settings.webSocketURL))"))
        actions.append(.connect(url: BinanceConnector.trimmed(settings.webSocketURL)))
    }

    private mutating func received(_ bytes: [UInt8], at now: Timestamp, into actions: inout [ConnectorAction]) {
        guard case .open = phase else { return }
        lastMessageAt = now
        messages += 1
        if settings.backoff.attempts > 0 { settings.backoff.reset() }
        if reportedStale {
            reportedStale = false
            actions.append(.log(.info, "\(venue): messages again"))
        }
        let shape = Self.shape(bytes)
        if shape.topic == nil {
            // A control answer: a refused subscription names what it refused.
            if shape.success == false {
                let message = shape.returnMessage ?? "refused"
                fail("subscription refused: \(message)" + (message.lowercased().contains("symbol") ? " (unknown symbol?)" : ""), fatal: true, at: now, into: &actions)
            }
            return
        }
        if let topic = shape.topic, topic.hasPrefix("orderbook."), let symbol = topic.split(separator: ".").last.map(String.init),
           settings.symbols.contains(symbol) {
            let reset = shape.isSnapshot || shape.updateId == 1
            if !reset {
                guard let last = updateIds[symbol], let id = shape.updateId, id == last + 1 else {
                    // Out of sequence (or no snapshot yet): resubscribe; a new snapshot follows.
                    if updateIds[symbol] != nil {
                        faults[.bookGap, default: 0] += 1
                        actions.append(.log(.warning, "\(venue): \(symbol) order book u=\(shape.updateId.map(String.init) ?? "-") does not follow u=\(updateIds[symbol].map(String.init) ?? "-"); resubscribing"))
                        updateIds[symbol] = nil
                        resyncing.insert(symbol)
                        for request in subscribeRequests([topic], op: "unsubscribe") + subscribeRequests([topic]) { actions.append(.send(request)) }
                    }
                    return
                }
            }
            updateIds[symbol] = shape.updateId
        }
        actions.append(.record(RecordedLine(kind: .message, receivedAt: now, body: bytes)))
        var events: [MarketEvent] = []
        do throws(MarketDataFault) {
            _ = try bytes.withUnsafeBufferPointer { buffer throws(MarketDataFault) in try decoder.decode(buffer, into: &events) }
        } catch {
            faults[error.kind, default: 0] += 1
            actions.append(.log(.warning, "\(venue): message refused (\(error))"))
        }
        guard !events.isEmpty else { return }
        for event in events {
            switch event {
            case .depth(let id, _), .bookUpdate(let id, _):
                if resyncing.remove(id.symbol) != nil, resyncing.isEmpty {
                    actions.append(.log(.notice, "\(venue): \(liveSinceConnect ? "books in sequence again" : "live")"))
                    liveSinceConnect = true
                }
            default: break
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
                fail("no answer within \(BinanceConnector.seconds(settings.connectTimeout))", fatal: false, at: now, into: &actions)
            }
        case .open(let since):
            let last = lastMessageAt ?? since
            if now - last > settings.silentLimit {
                fail("no message for \(BinanceConnector.seconds(now - last)) (limit \(BinanceConnector.seconds(settings.silentLimit)))", fatal: false, at: now, into: &actions)
                return
            }
            if now - last > settings.staleAfter && !reportedStale {
                reportedStale = true
                actions.append(.log(.warning, "\(venue): stale, no message for \(BinanceConnector.seconds(now - last))"))
            }
            if let ping = lastPingAt, now - ping >= settings.pingInterval {
                lastPingAt = now
                actions.append(.send(#"{"op":"ping"}"#))
            }
        }
    }

    private mutating func fail(_ reason: String, fatal: Bool, at now: Timestamp, into actions: inout [ConnectorAction], closeSocket: Bool = true) {
        if closeSocket {
            switch phase {
            case .open, .connecting: actions.append(.close(reason: reason))
            default: break
            }
        }
        let delay = fatal ? settings.refusedRetry : settings.backoff.nextDelay()
        phase = .waiting(until: now + delay, fatal: fatal)
        detail = reason
        connections = max(connections, 2)
        resyncing = Set(settings.symbols)
        actions.append(.log(.warning, "\(venue) down: \(reason); reconnecting in \(BinanceConnector.seconds(delay))"))
    }

    // MARK: - Message shape

    /// What the connector needs of a message before the decoder: its topic, whether it is a
    /// snapshot, its order book update id, and a control answer's success and message.
    struct Shape {
        var topic: String?
        var isSnapshot = false
        var updateId: Int64?
        var success: Bool?
        var returnMessage: String?
    }

    static func shape(_ bytes: [UInt8]) -> Shape {
        var shape = Shape()
        let text = String(decoding: bytes, as: UTF8.self)
        shape.topic = stringValue(of: "topic", in: text)
        shape.isSnapshot = stringValue(of: "type", in: text) == "snapshot"
        if shape.topic == nil {
            if text.contains(#""success":false"#) { shape.success = false } else if text.contains(#""success":true"#) { shape.success = true }
            shape.returnMessage = stringValue(of: "ret_msg", in: text)
        } else if let range = text.range(of: #""u":"#) {
            let digits = text[range.upperBound...].prefix { $0.isNumber }
            shape.updateId = Int64(digits)
        }
        return shape
    }

    static func stringValue(of key: String, in text: String) -> String? {
        guard let range = text.range(of: "\"\(key)\":\"") else { return nil }
        let rest = text[range.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }
}

extension BybitConnector: MarketConnector {}
