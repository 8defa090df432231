import HedgeCore

/// Bybit v5's private WebSocket as a value: inputs in, actions out, like the market connectors.
///
/// Before each connection the venue's time is asked (`GET /v5/market/time`), so the `auth`
/// message's `expires` is a few seconds ahead on the venue's clock, whatever ours says. Once
/// connected, `auth` is the first thing sent and nothing else is sent until its success answer;
/// then `subscribe` to the topics, and once that is answered the stream is open and
/// `reconcileNeeded` is delivered. Every reconnect goes through the same steps, so a new
/// connection is authenticated again before anything else reaches it. `{"op":"ping"}` every
/// 20 s while open, as Bybit asks.
public struct BybitPrivateConnector: PrivateStreamMachine {
    public struct Settings: Sendable {
        public var venue: LiveVenueKind
        public var privateURL: String
        public var topics = ["order", "execution", "position", "wallet"]
        public var pingInterval: Duration = .seconds(20)
        /// `expires` is this far ahead of the venue's time when `auth` is sent.
        public var authAhead: Duration = .seconds(10)
        public var connectTimeout: Duration = .seconds(5)
        /// The wait for the answer to `auth` or `subscribe`.
        public var answerTimeout: Duration = .seconds(10)
        /// No message (pongs included) for this long: the connection is dead.
        public var silentLimit: Duration = .seconds(60)
        /// The wait after a refusal retrying cannot fix soon (a wrong key or signature).
        public var refusedRetry: Duration = .seconds(60)
        public var backoff: Backoff

        public init(venue: LiveVenueKind = .bybitLinear, privateURL: String? = nil, seed: UInt64 = 1) {
            self.venue = venue
            self.privateURL = privateURL ?? "wss://stream.bybit.com/v5/private"
            self.backoff = Backoff(seed: seed)
        }
    }

    enum Phase: Sendable, Hashable {
        /// Not started.
        case idle
        /// The venue's time asked with request `request`.
        case timing(request: Int)
        /// Opening since `since`; the venue's clock is `offsetMillis` ahead of ours.
        case connecting(since: Timestamp, offsetMillis: Int64)
        /// `auth` sent at `since`, its answer awaited; nothing else may be sent.
        case authenticating(since: Timestamp)
        /// `subscribe` sent at `since`, its answer awaited.
        case subscribing(since: Timestamp)
        /// Subscribed: account messages flow.
        case open
        /// Down until `until`, then the time is asked again.
        case waiting(until: Timestamp)
    }

    public private(set) var settings: Settings
    private(set) var phase: Phase = .idle
    private let signer: BybitSigner
    private let decoder: BybitPrivateDecoder
    private var nextRequest = 0
    private var lastMessageAt: Timestamp?
    private var lastPingAt: Timestamp?
    private var reconcileReason = "stream started"
    public private(set) var faults = 0

    public init(_ settings: Settings, credentials: APICredentials) {
        self.settings = settings
        self.signer = BybitSigner(credentials: credentials)
        self.decoder = BybitPrivateDecoder(venue: settings.venue)
    }

    public var venue: LiveVenueKind { settings.venue }
    private var name: String { "\(venue.rawValue) private stream" }
    private var timeAPI: BybitOrderAPI { BybitOrderAPI(venue: venue, signer: signer, recvWindowMillis: 5000) }

    /// One subscribe request for all topics (Bybit takes up to 10 a request).
    var subscribeMessage: String {
        #"{"op":"subscribe","args":[\#(settings.topics.map { "\"\($0)\"" }.joined(separator: ","))]}"#
    }

    public mutating func handle(_ input: PrivateStreamInput) -> [PrivateStreamAction] {
        var actions: [PrivateStreamAction] = []
        switch input {
        case .start:
            guard case .idle = phase else { return [] }
            askTime(into: &actions)
        case .answer(let id, let response, let now):
            guard case .timing(id) = phase else { return [] }
            do throws(LiveOrderFailure) {
                let serverTime = try timeAPI.serverTime(from: response)
                phase = .connecting(since: now, offsetMillis: serverTime - Self.millis(now))
                actions.append(.connect(url: BinanceConnector.trimmed(settings.privateURL)))
            } catch {
                fail("the venue's time could not be read: \(error)", fatal: false, at: now, into: &actions, closeSocket: false)
            }
        case .requestFailed(let id, let failure, let now):
            guard case .timing(id) = phase else { return [] }
            fail("the venue's time could not be had: \(BinanceUserDataConnector.text(failure))", fatal: false, at: now, into: &actions, closeSocket: false)
        case .connected(let now):
            guard case .connecting(_, let offset) = phase else { return [] }
            let expires = Self.millis(now) + offset + Int64(settings.authAhead.nanosecondsClamped / 1_000_000)
            phase = .authenticating(since: now)
            lastMessageAt = now
            actions.append(.log(.info, "\(name): connected; authenticating with API key \(signer.credentials.shortKey)"))
            actions.append(.send(signer.webSocketAuthMessage(expiresMillis: expires)))
        case .message(let bytes, let now):
            received(bytes, at: now, into: &actions)
        case .closed(let reason, let now):
            switch phase {
            case .connecting, .authenticating, .subscribing, .open:
                fail("connection closed: \(reason)", fatal: false, at: now, into: &actions, closeSocket: false)
            case .idle, .timing, .waiting:
                break
            }
        case .tick(let now):
            tick(at: now, into: &actions)
        }
        return actions
    }

    private mutating func askTime(into actions: inout [PrivateStreamAction]) {
        nextRequest += 1
        phase = .timing(request: nextRequest)
        actions.append(.request(id: nextRequest, timeAPI.timeRequest))
    }

    private mutating func received(_ bytes: [UInt8], at now: Timestamp, into actions: inout [PrivateStreamAction]) {
        switch phase {
        case .authenticating, .subscribing, .open: lastMessageAt = now
        case .idle, .timing, .connecting, .waiting: return
        }
        let message: BybitPrivateMessage
        do throws(PrivateStreamFault) { message = try decoder.decode(bytes) } catch {
            faults += 1
            actions.append(.log(.warning, "\(name): message refused (\(error))"))
            return
        }
        switch (phase, message) {
        case (.authenticating, .answer("auth", true, _)):
            phase = .subscribing(since: now)
            actions.append(.send(subscribeMessage))
        case (.authenticating, .answer("auth", false, let text)):
            // A wrong key, signature or clock: retrying at once would only be refused again.
            fail("authentication refused: \(text)", fatal: true, at: now, into: &actions)
        case (.subscribing, .answer("subscribe", true, _)):
            phase = .open
            lastPingAt = now
            settings.backoff.reset()
            actions.append(.log(.notice, "\(name): authenticated and subscribed to \(settings.topics.joined(separator: ", "))"))
            actions.append(.deliver([.reconcileNeeded(reason: reconcileReason)]))
        case (.subscribing, .answer("subscribe", false, let text)):
            fail("subscription refused: \(text)", fatal: true, at: now, into: &actions)
        case (.open, .events(let events)):
            if !events.isEmpty { actions.append(.deliver(events)) }
        case (.open, .answer(let op, false, let text)):
            actions.append(.log(.warning, "\(name): \(op.isEmpty ? "request" : op) refused: \(text)"))
        default:
            // Pongs, and anything out of turn (nothing is subscribed before auth is answered).
            break
        }
    }

    private mutating func tick(at now: Timestamp, into actions: inout [PrivateStreamAction]) {
        switch phase {
        case .idle, .timing:
            break
        case .waiting(let until):
            if now >= until { askTime(into: &actions) }
        case .connecting(let since, _):
            if now - since > settings.connectTimeout {
                fail("no answer within \(BinanceConnector.seconds(settings.connectTimeout))", fatal: false, at: now, into: &actions)
            }
        case .authenticating(let since), .subscribing(let since):
            if now - since > settings.answerTimeout {
                let step = if case .authenticating = phase { "auth" } else { "subscribe" }
                fail("\(step) unanswered for \(BinanceConnector.seconds(settings.answerTimeout))", fatal: false, at: now, into: &actions)
            }
        case .open:
            if let last = lastMessageAt, now - last > settings.silentLimit {
                fail("no message for \(BinanceConnector.seconds(now - last)) (limit \(BinanceConnector.seconds(settings.silentLimit)))", fatal: false, at: now, into: &actions)
                return
            }
            if let ping = lastPingAt, now - ping >= settings.pingInterval {
                lastPingAt = now
                actions.append(.send(#"{"op":"ping"}"#))
            }
        }
    }

    private mutating func fail(_ reason: String, fatal: Bool, at now: Timestamp, into actions: inout [PrivateStreamAction], closeSocket: Bool = true) {
        if closeSocket {
            switch phase {
            case .connecting, .authenticating, .subscribing, .open: actions.append(.close(reason: reason))
            case .idle, .timing, .waiting: break
            }
        }
        let delay = fatal ? settings.refusedRetry : settings.backoff.nextDelay()
        phase = .waiting(until: now + delay)
        reconcileReason = "reconnected after: \(reason)"
        actions.append(.log(.warning, "\(name) down: \(reason); reconnecting in \(BinanceConnector.seconds(delay))"))
    }

    static func millis(_ time: Timestamp) -> Int64 { time.nanoseconds / 1_000_000 }
}
