import Foundation
import HedgeCore

/// Places, cancels and queries orders on one live venue with signed requests, and keeps the three
/// things a live order path must never get wrong:
/// - the venue's clock: `timestamp` is ours plus the offset `synchronizeTime()` measured, and
///   measured again before the next request after the venue refuses a timestamp (-1021, 10002);
/// - the venue's patience: a 429 or 418 holds every request until the time the venue gave, and
///   `rateLimits` says until when, for the screen;
/// - an order whose answer was lost is *unknown*: nothing else goes to this venue until a query
///   of its client order id says what became of it (`resolveUnknownOrders()`, run first by every
///   request).
public actor LiveOrderClient {
    public nonisolated let venue: LiveVenueKind
    let api: any VenueOrderAPI
    private let transport: any OrderTransport
    private let now: @Sendable () -> Int64
    nonisolated let recvWindowMillis: Int

    public private(set) var timeOffset = ServerTimeOffset()
    public private(set) var rateLimits = VenueRateLimits()
    /// Orders whose fate is unknown, oldest first, with their symbols (needed to query them).
    public private(set) var unknownOrders: [UnknownOrder] = []
    private var resolutions: [LiveOrderResolution] = []
    /// The venue refused a timestamp: measure the offset again before the next signed request.
    var timeOffsetStale = false

    /// An order sent without an answer.
    public struct UnknownOrder: Sendable, Hashable {
        public var clientOrderID: OrderID
        public var symbol: String
        /// The venue's time after which the request can no longer be accepted (its timestamp plus
        /// recvWindow): only after it does "no such order" mean the order never arrived.
        public var acceptableUntil: Int64
    }

    /// - Parameters:
    ///   - credentials: the key of the venue's exchange (`venue.keyOwner`).
    ///   - recvWindowMillis: how late the venue may receive a request and still act on it.
    ///   - now: our wall clock in Unix milliseconds (tests pass a scripted one).
    public init(venue: LiveVenueKind, credentials: APICredentials, transport: any OrderTransport,
                recvWindowMillis: Int = 5000, now: @escaping @Sendable () -> Int64 = LiveOrderClient.systemMillis) {
        precondition(credentials.owner == venue.keyOwner, "\(venue.rawValue) needs the \(venue.keyOwner.rawValue) key")
        self.venue = venue
        self.transport = transport
        self.now = now
        self.recvWindowMillis = recvWindowMillis
        if venue.isBinance {
            api = BinanceOrderAPI(venue: venue, signer: BinanceSigner(credentials: credentials), recvWindowMillis: recvWindowMillis)
        } else {
            api = BybitOrderAPI(venue: venue, signer: BybitSigner(credentials: credentials), recvWindowMillis: recvWindowMillis)
        }
    }

    /// The system's wall clock in Unix milliseconds.
    public static let systemMillis: @Sendable () -> Int64 = {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
    }

    /// Measures the venue's clock against ours at its time endpoint `samples` times and uses the
    /// measurement with the shortest round trip from now on: a midpoint is off by at most half its
    /// trip, and a request held up on its way out (a loaded machine, a slow network) would
    /// otherwise put our timestamps ahead of the venue's (-1021, 10002).
    @discardableResult
    public func synchronizeTime(samples: Int = 3) async throws(LiveOrderFailure) -> ServerTimeOffset {
        var best: ServerTimeOffset?
        for _ in 0..<max(1, samples) {
            let sentAt = now()
            let response = try await exchange(api.timeRequest, order: nil)
            let receivedAt = now()
            let measured = ServerTimeOffset(sentAt: sentAt, serverTime: try api.serverTime(from: response), receivedAt: receivedAt)
            if best.map({ measured.roundTripMillis < $0.roundTripMillis }) ?? true { best = measured }
        }
        let chosen = best ?? ServerTimeOffset()
        timeOffset = chosen
        timeOffsetStale = false
        return chosen
    }

    /// Places `order`. When its answer is lost the order becomes unknown and this throws
    /// `.answerLost`; the next request queries it first.
    public func place(_ order: LiveOrder) async throws(LiveOrderFailure) -> LiveOrderState {
        try await resolveUnknownOrders()
        let stamp = try await signingTimestamp()
        let request = try api.place(order, timestamp: stamp)
        let unknown = UnknownOrder(clientOrderID: order.clientOrderID, symbol: order.symbol, acceptableUntil: stamp + Int64(recvWindowMillis))
        let response = try await exchange(request, order: unknown)
        return try readOrderAnswer(response, order: unknown)
    }

    /// Cancels an order by its client order id. A lost answer makes the order unknown too: the
    /// cancel may or may not have happened.
    public func cancel(symbol: String, clientOrderID: OrderID) async throws(LiveOrderFailure) -> LiveOrderState {
        try await resolveUnknownOrders()
        let stamp = try await signingTimestamp()
        let request = try api.cancel(symbol: symbol, clientOrderID: clientOrderID, timestamp: stamp)
        let unknown = UnknownOrder(clientOrderID: clientOrderID, symbol: symbol, acceptableUntil: stamp + Int64(recvWindowMillis))
        let response = try await exchange(request, order: unknown)
        return try readOrderAnswer(response, order: unknown)
    }

    /// The order's state at the venue, by client order id.
    public func query(symbol: String, clientOrderID: OrderID) async throws(LiveOrderFailure) -> LiveOrderState {
        try await resolveUnknownOrders()
        return try await queryNow(symbol: symbol, clientOrderID: clientOrderID)
    }

    /// Queries every unknown order, oldest first: found ones and ones the venue never had leave
    /// the list and are returned (and kept for `takeResolutions()`). Throws, leaving the rest
    /// unknown, when a query gets no answer or is held by a rate limit, and when the venue has no
    /// such order yet but the request could still arrive inside its recvWindow.
    @discardableResult
    public func resolveUnknownOrders() async throws(LiveOrderFailure) -> [LiveOrderResolution] {
        var done: [LiveOrderResolution] = []
        while let order = unknownOrders.first {
            let outcome: LiveOrderResolution.Outcome
            do throws(LiveOrderFailure) {
                let state = try await queryNow(symbol: order.symbol, clientOrderID: order.clientOrderID)
                outcome = .found(state)
            } catch {
                switch error {
                case .rejected(let rejection) where rejection.reason == .noSuchOrder:
                    // Still in flight, perhaps: the venue would accept it until acceptableUntil.
                    guard timestamp() > order.acceptableUntil else { throw .unresolved(unknownOrders.map(\.clientOrderID)) }
                    outcome = .neverArrived
                case .held:
                    throw error
                default:
                    throw .unresolved(unknownOrders.map(\.clientOrderID))
                }
            }
            unknownOrders.removeAll { $0.clientOrderID == order.clientOrderID }
            let resolution = LiveOrderResolution(clientOrderID: order.clientOrderID, outcome: outcome)
            done.append(resolution)
            resolutions.append(resolution)
        }
        return done
    }

    /// The resolutions of unknown orders since the last call, for the engine to apply.
    public func takeResolutions() -> [LiveOrderResolution] {
        defer { resolutions.removeAll() }
        return resolutions
    }

    private func queryNow(symbol: String, clientOrderID: OrderID) async throws(LiveOrderFailure) -> LiveOrderState {
        let request = try api.query(symbol: symbol, clientOrderID: clientOrderID, timestamp: try await signingTimestamp())
        let response = try await exchange(request, order: nil)
        return try orderState(from: response, clientOrderID: clientOrderID)
    }

    /// The answer to a place or cancel; a venue saying it does not know whether it executed
    /// leaves the order unknown, as a lost answer does.
    private func readOrderAnswer(_ response: VenueHTTPResponse, order: UnknownOrder) throws(LiveOrderFailure) -> LiveOrderState {
        do throws(LiveOrderFailure) {
            return try orderState(from: response, clientOrderID: order.clientOrderID)
        } catch {
            if case .rejected(let rejection) = error, rejection.reason == .executionUnknown {
                markUnknown(order)
                throw .answerLost(order.clientOrderID, rejection.description)
            }
            throw error
        }
    }

    private func markUnknown(_ order: UnknownOrder) {
        if !unknownOrders.contains(where: { $0.clientOrderID == order.clientOrderID }) {
            unknownOrders.append(order)
        }
    }

    /// The venue's reading of an answer; a refused timestamp marks the offset stale.
    private func orderState(from response: VenueHTTPResponse, clientOrderID: OrderID) throws(LiveOrderFailure) -> LiveOrderState {
        do throws(LiveOrderFailure) {
            return try api.orderState(from: response, clientOrderID: clientOrderID)
        } catch {
            if case .rejected(let rejection) = error, rejection.reason == .timestampOutsideWindow { timeOffsetStale = true }
            throw error
        }
    }

    /// The timestamp of a signed request, after measuring the offset again if it went stale.
    func signingTimestamp() async throws(LiveOrderFailure) -> Int64 {
        if timeOffsetStale { try await synchronizeTime() }
        return timestamp()
    }

    func timestamp() -> Int64 { timeOffset.serverTime(atLocal: now()) }

    /// Sends one request unless a rate limit holds us, and reads the limits off the answer.
    /// - Parameter order: the order a lost answer leaves unknown (place and cancel).
    func exchange(_ request: VenueHTTPRequest, order: UnknownOrder?) async throws(LiveOrderFailure) -> VenueHTTPResponse {
        if let until = rateLimits.heldUntil(at: now()), let hold = rateLimits.hold {
            throw .held(hold, until: until)
        }
        let response: VenueHTTPResponse
        do throws(TransportFailure) {
            response = try await transport.send(request)
        } catch {
            switch error {
            case .notSent(let why):
                throw .notSent(why)
            case .answerLost(let why):
                if let order { markUnknown(order) }
                throw .answerLost(order?.clientOrderID, why)
            }
        }
        let at = now()
        rateLimits.observe(response, venue: venue, bybitCode: api.venueCode(of: response), at: at)
        if [418, 429].contains(response.status) || (!venue.isBinance && response.status == 403),
           let until = rateLimits.heldUntil(at: at), let hold = rateLimits.hold {
            throw .held(hold, until: until)
        }
        return response
    }
}

/// What became of an order whose answer was lost.
public struct LiveOrderResolution: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        /// The venue has it, in this state.
        case found(LiveOrderState)
        /// The venue has no order with this id: it never arrived.
        case neverArrived
    }

    public var clientOrderID: OrderID
    public var outcome: Outcome
}
