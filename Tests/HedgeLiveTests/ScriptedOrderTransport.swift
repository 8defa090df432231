import Synchronization
@testable import HedgeLive

/// A wall clock in Unix milliseconds that moves only when told.
final class ManualMillisClock: Sendable {
    private let time: Mutex<Int64>
    init(_ start: Int64) { time = Mutex(start) }
    var now: Int64 { time.withLock { $0 } }
    func advance(by millis: Int64) { time.withLock { $0 += millis } }
    func set(_ millis: Int64) { time.withLock { $0 = millis } }
    /// The closure a client takes.
    var reader: @Sendable () -> Int64 { { [self] in now } }
}

/// A venue that answers from a script, in order, and records what it was sent. Each request
/// takes `latency` on the clock (half before the venue reads its clock, half after).
final class ScriptedOrderTransport: OrderTransport {
    enum Step: Sendable {
        case answer(VenueHTTPResponse)
        /// An answer after `latency` instead of the transport's own.
        case slowAnswer(VenueHTTPResponse, latency: Int64)
        case loseAnswer
        case refuseConnection
    }

    private struct State {
        var script: [Step]
        var sent: [VenueHTTPRequest] = []
    }

    private let state: Mutex<State>
    let clock: ManualMillisClock
    let latency: Int64

    init(_ script: [Step], clock: ManualMillisClock, latency: Int64 = 0) {
        state = Mutex(State(script: script))
        self.clock = clock
        self.latency = latency
    }

    var sent: [VenueHTTPRequest] { state.withLock { $0.sent } }
    var remaining: Int { state.withLock { $0.script.count } }

    func append(_ steps: [Step]) { state.withLock { $0.script += steps } }

    func send(_ request: VenueHTTPRequest) async throws(TransportFailure) -> VenueHTTPResponse {
        let step = state.withLock { state -> Step? in
            state.sent.append(request)
            return state.script.isEmpty ? nil : state.script.removeFirst()
        }
        if case .slowAnswer(_, let slow)? = step { clock.advance(by: slow) } else { clock.advance(by: latency) }
        switch step {
        case .answer(let response)?, .slowAnswer(let response, _)?: return response
        case .loseAnswer?: throw .answerLost("scripted: no answer in time")
        case .refuseConnection?: throw .notSent("scripted: connection refused")
        case nil: throw .notSent("scripted: nothing left in the script")
        }
    }
}
