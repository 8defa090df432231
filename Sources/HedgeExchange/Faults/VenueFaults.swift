import Synchronization

/// The faults a venue is under now: set by the control endpoint or the schedule, read by every
/// connection of the venue before each message and by the listener before each accept.
final class VenueFaults: Sendable {
    struct State {
        var silentUntil: ContinuousClock.Instant?
        var refusingUntil: ContinuousClock.Instant?
        /// Messages a second each connection may send; nil: no limit.
        var throttle: Double?
    }

    private let state = Mutex(State())

    var silentUntil: ContinuousClock.Instant? {
        state.withLock { state in
            guard let until = state.silentUntil, until > .now else { state.silentUntil = nil; return nil }
            return until
        }
    }

    var isRefusing: Bool {
        state.withLock { state in
            guard let until = state.refusingUntil, until > .now else { state.refusingUntil = nil; return false }
            return true
        }
    }

    var throttle: Double? { state.withLock { $0.throttle } }

    func silence(for duration: Duration) { state.withLock { $0.silentUntil = .now + duration } }
    func refuse(for duration: Duration) { state.withLock { $0.refusingUntil = .now + duration } }
    func setThrottle(_ rate: Double?) { state.withLock { $0.throttle = rate } }
}
