import Synchronization

/// The faults a venue's private endpoints are under: counts of orders to reject, fail or lose,
/// and a rate limit window. Set by the control endpoint or the schedule; consumed one order (or
/// one signed request, for the rate limit) at a time.
final class OrderFaults: Sendable {
    /// What the next request meets.
    enum Action: Sendable, Hashable {
        /// Refused with the venue's order-rejected code.
        case reject
        /// A 503 with the venue's internal-error body.
        case fail
        /// Placed, then the connection closed without an answer.
        case drop
        /// 429 (Binance) / retCode 10006 (Bybit), retry after this many seconds.
        case tooManyRequests(retryAfter: Int)
        /// Asked again within the window after a 429: 418 (Binance) / 403 (Bybit), the IP ban.
        case banned(retryAfter: Int)
    }

    struct State {
        var reject = 0
        var fail = 0
        var drop = 0
        var limitedUntil: ContinuousClock.Instant?
        var limitWindow: Duration = .zero
        var warned = false
    }

    private let state = Mutex(State())

    func rejectNext(_ count: Int) { state.withLock { $0.reject += count } }
    func failNext(_ count: Int) { state.withLock { $0.fail += count } }
    func dropNext(_ count: Int) { state.withLock { $0.drop += count } }
    func limit(for window: Duration, now: ContinuousClock.Instant = .now) {
        state.withLock { state in
            state.limitedUntil = now + window
            state.limitWindow = window
            state.warned = false
        }
    }

    /// The rate limit a signed request meets now, if any: the first in the window is told to
    /// slow down, the next are banned for the rest of it.
    func rateLimit(now: ContinuousClock.Instant = .now) -> Action? {
        state.withLock { state in
            guard let until = state.limitedUntil, until > now else { state.limitedUntil = nil; return nil }
            let left = until - now
            let seconds = Int(left.components.seconds) + (left.components.attoseconds > 0 ? 1 : 0)
            if state.warned { return .banned(retryAfter: seconds) }
            state.warned = true
            return .tooManyRequests(retryAfter: seconds)
        }
    }

    /// What a new order meets, consuming one count: reject, then fail, then drop.
    func nextOrder() -> Action? {
        state.withLock { state in
            if state.reject > 0 { state.reject -= 1; return .reject }
            if state.fail > 0 { state.fail -= 1; return .fail }
            if state.drop > 0 { state.drop -= 1; return .drop }
            return nil
        }
    }
}
