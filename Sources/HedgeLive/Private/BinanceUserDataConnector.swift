import HedgeCore

/// Binance USD-M's user data stream as a value: inputs in, actions out, like the market
/// connectors.
///
/// A listen key is created (`POST /fapi/v1/listenKey`, the API key header only), `/ws/<key>` is
/// connected, and the key is kept alive with a `PUT` every 30 minutes (it lapses after 60). On
/// `listenKeyExpired`, a keepalive answered -1125 (no such key), or any close (Binance ends every
/// connection at 24 h), a key is created again (a POST answers the live key if there still is
/// one) and the stream reconnected. Each time it is open again, `reconcileNeeded` is delivered:
/// what happened while it was down must be asked for by REST.
public struct BinanceUserDataConnector: PrivateStreamMachine {
    public struct Settings: Sendable {
        /// USD-M or COIN-M (spot's user stream has other paths and events: not covered).
        public var venue: LiveVenueKind
        /// The WebSocket base; the stream is `<base>/ws/<listenKey>`.
        public var webSocketURL: String
        public var keepAliveInterval: Duration = .seconds(30 * 60)
        /// A failed keepalive is tried again this soon (the key lives 60 minutes).
        public var keepAliveRetry: Duration = .seconds(60)
        public var connectTimeout: Duration = .seconds(10)
        /// Open this long, the stream counts as working again: the backoff starts over. (A
        /// venue that accepts and drops at once must not be retried at the shortest delay.)
        public var healthyAfter: Duration = .seconds(60)
        /// The wait after a refusal retrying cannot fix soon (a bad API key).
        public var refusedRetry: Duration = .seconds(60)
        public var backoff: Backoff

        public init(venue: LiveVenueKind = .binanceUSDM, webSocketURL: String? = nil, seed: UInt64 = 1) {
            self.venue = venue
            self.webSocketURL = webSocketURL ?? (venue == .binanceCOINM ? "wss://dstream.binance.com" : "wss://fstream.binance.com")
            self.backoff = Backoff(seed: seed)
        }
    }

    enum Phase: Sendable, Hashable {
        /// Not started.
        case idle
        /// A listen key asked for with request `request`.
        case creatingKey(request: Int)
        /// The WebSocket of `key` opening since `since`.
        case connecting(key: String, since: Timestamp)
        /// Connected; the last keepalive was sent at `keptAliveAt`, `keepAlive` is one in flight.
        case open(key: String, keptAliveAt: Timestamp, keepAlive: Int?)
        /// Down until `until`, then a key is created again.
        case waiting(until: Timestamp)
    }

    public private(set) var settings: Settings
    private(set) var phase: Phase = .idle
    private let credentials: APICredentials
    private let decoder: BinancePrivateDecoder
    private var nextRequest = 0
    /// Why the next open needs a reconcile: the first start, or what took the stream down.
    private var reconcileReason = "stream started"
    private var openedAt: Timestamp?
    public private(set) var faults = 0

    public init(_ settings: Settings, credentials: APICredentials) {
        self.settings = settings
        self.credentials = credentials
        self.decoder = BinancePrivateDecoder(venue: settings.venue)
    }

    public var venue: LiveVenueKind { settings.venue }
    private var name: String { "\(venue.rawValue) user stream" }

    /// `/fapi/v1/listenKey` (USD-M), `/dapi/v1/listenKey` (COIN-M).
    var listenKeyPath: String { venue.binanceRESTPrefix + "/listenKey" }

    func listenKeyRequest(_ method: VenueHTTPRequest.Method) -> VenueHTTPRequest {
        VenueHTTPRequest(method: method, path: listenKeyPath, headers: [BinanceSigner.apiKeyHeader: credentials.apiKey])
    }

    /// A listen key shortened for logs: it grants reading the account's stream.
    static func short(_ key: String) -> String { key.count > 8 ? String(key.prefix(4)) + "…" : "…" }

    public mutating func handle(_ input: PrivateStreamInput) -> [PrivateStreamAction] {
        var actions: [PrivateStreamAction] = []
        switch input {
        case .start:
            guard case .idle = phase else { return [] }
            createKey(into: &actions)
        case .answer(let id, let response, let now):
            answered(id, response, at: now, into: &actions)
        case .requestFailed(let id, let failure, let now):
            switch phase {
            case .creatingKey(id):
                fail("listen key not created: \(Self.text(failure))", fatal: false, at: now, into: &actions, closeSocket: false)
            case .open(let key, let keptAliveAt, id):
                phase = .open(key: key, keptAliveAt: keptAliveAt + (settings.keepAliveRetry - settings.keepAliveInterval), keepAlive: nil)
                actions.append(.log(.warning, "\(name): keepalive unanswered (\(Self.text(failure))); trying again in \(BinanceConnector.seconds(settings.keepAliveRetry))"))
            default:
                break
            }
        case .connected(let now):
            guard case .connecting(let key, _) = phase else { return [] }
            phase = .open(key: key, keptAliveAt: now, keepAlive: nil)
            openedAt = now
            actions.append(.log(.notice, "\(name): connected (listen key \(Self.short(key)))"))
            actions.append(.deliver([.reconcileNeeded(reason: reconcileReason)]))
        case .message(let bytes, let now):
            guard case .open = phase else { return [] }
            received(bytes, at: now, into: &actions)
        case .closed(let reason, let now):
            switch phase {
            case .connecting, .open:
                fail("connection closed: \(reason)", fatal: false, at: now, into: &actions, closeSocket: false)
            case .idle, .creatingKey, .waiting:
                break
            }
        case .tick(let now):
            tick(at: now, into: &actions)
        }
        return actions
    }

    private mutating func createKey(into actions: inout [PrivateStreamAction]) {
        nextRequest += 1
        phase = .creatingKey(request: nextRequest)
        actions.append(.log(.info, "\(name): creating a listen key"))
        actions.append(.request(id: nextRequest, listenKeyRequest(.post)))
    }

    private mutating func answered(_ id: Int, _ response: VenueHTTPResponse, at now: Timestamp, into actions: inout [PrivateStreamAction]) {
        switch phase {
        case .creatingKey(id):
            let object = try? PrivateJSON(venue: venue).object(response.body)
            guard response.status == 200, let key = object.flatMap({ VenueJSON.string($0, "listenKey") }), !key.isEmpty else {
                // 401 (-2014/-2015): the key is wrong or lacks the permission; retrying soon cannot help.
                fail("listen key refused: \(Self.refusal(response))", fatal: response.status == 401 || response.status == 403,
                     at: now, into: &actions, closeSocket: false)
                return
            }
            let url = BinanceConnector.trimmed(settings.webSocketURL) + "/ws/" + key
            phase = .connecting(key: key, since: now)
            actions.append(.connect(url: url))
        case .open(let key, let keptAliveAt, id):
            if response.status == 200 {
                phase = .open(key: key, keptAliveAt: keptAliveAt, keepAlive: nil)
                actions.append(.log(.info, "\(name): listen key kept alive"))
            } else if Self.venueCode(response) == -1125 {
                // The key is gone (expired unseen): a new one, and a reconnect to it.
                renew("the listen key no longer exists (keepalive answered -1125)", into: &actions)
            } else {
                phase = .open(key: key, keptAliveAt: keptAliveAt + (settings.keepAliveRetry - settings.keepAliveInterval), keepAlive: nil)
                actions.append(.log(.warning, "\(name): keepalive refused (\(Self.refusal(response))); trying again in \(BinanceConnector.seconds(settings.keepAliveRetry))"))
            }
        default:
            break
        }
    }

    private mutating func received(_ bytes: [UInt8], at now: Timestamp, into actions: inout [PrivateStreamAction]) {
        do throws(PrivateStreamFault) {
            switch try decoder.decode(bytes) {
            case .events(let events):
                if !events.isEmpty { actions.append(.deliver(events)) }
            case .listenKeyExpired:
                renew("the listen key expired", into: &actions)
            case .ignored:
                break
            }
        } catch {
            faults += 1
            actions.append(.log(.warning, "\(name): message refused (\(error))"))
        }
    }

    /// Closes the stream of a dead key, creates a key and reconnects; a reconcile follows.
    private mutating func renew(_ reason: String, into actions: inout [PrivateStreamAction]) {
        actions.append(.close(reason: reason))
        actions.append(.log(.warning, "\(name): \(reason); renewing it and reconnecting"))
        reconcileReason = "listen key renewed: \(reason)"
        createKey(into: &actions)
    }

    private mutating func tick(at now: Timestamp, into actions: inout [PrivateStreamAction]) {
        switch phase {
        case .idle, .creatingKey:
            break
        case .waiting(let until):
            if now >= until { createKey(into: &actions) }
        case .connecting(_, let since):
            if now - since > settings.connectTimeout {
                fail("no answer within \(BinanceConnector.seconds(settings.connectTimeout))", fatal: false, at: now, into: &actions)
            }
        case .open(let key, let keptAliveAt, let keepAlive):
            if settings.backoff.attempts > 0, let openedAt, now - openedAt >= settings.healthyAfter { settings.backoff.reset() }
            guard keepAlive == nil, now - keptAliveAt >= settings.keepAliveInterval else { return }
            nextRequest += 1
            phase = .open(key: key, keptAliveAt: now, keepAlive: nextRequest)
            actions.append(.request(id: nextRequest, listenKeyRequest(.put)))
        }
    }

    private mutating func fail(_ reason: String, fatal: Bool, at now: Timestamp, into actions: inout [PrivateStreamAction], closeSocket: Bool = true) {
        if closeSocket {
            switch phase {
            case .connecting, .open: actions.append(.close(reason: reason))
            case .idle, .creatingKey, .waiting: break
            }
        }
        let delay = fatal ? settings.refusedRetry : settings.backoff.nextDelay()
        phase = .waiting(until: now + delay)
        reconcileReason = "reconnected after: \(reason)"
        actions.append(.log(.warning, "\(name) down: \(reason); a new listen key and a reconnect in \(BinanceConnector.seconds(delay))"))
    }

    static func venueCode(_ response: VenueHTTPResponse) -> Int64? {
        (try? PrivateJSON(venue: .binanceUSDM).object(response.body)).flatMap { VenueJSON.integer($0, "code") }
    }

    /// A refusal in the venue's words: `HTTP 401 -2015 Invalid API-key...`.
    static func refusal(_ response: VenueHTTPResponse) -> String {
        if let object = try? PrivateJSON(venue: .binanceUSDM).object(response.body), let code = VenueJSON.integer(object, "code") {
            return "HTTP \(response.status) \(code) \(VenueJSON.string(object, "msg") ?? "")"
        }
        return "HTTP \(response.status): \(PrivateJSON.excerpt(response.body))"
    }

    static func text(_ failure: TransportFailure) -> String {
        switch failure {
        case .notSent(let text), .answerLost(let text): text
        }
    }
}
