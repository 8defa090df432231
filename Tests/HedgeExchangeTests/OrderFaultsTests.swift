@testable import HedgeExchange
import Testing

/// The order faults' counters and rate-limit window, on instants the test chooses.
@Suite("Local exchange: order faults")
struct OrderFaultsTests {
    @Test("counts are consumed one order at a time: rejects, then failures, then drops, then nothing")
    func counts() {
        let faults = OrderFaults()
        faults.dropNext(1)
        faults.rejectNext(2)
        faults.failNext(1)
        let actions = (0..<5).map { _ in faults.nextOrder() }
        #expect(actions == [.reject, .reject, .fail, .drop, nil])
    }

    @Test("a rate-limit window: 429 first, then the ban, Retry-After the whole seconds left rounded up, nothing after it")
    func rateLimit() {
        let faults = OrderFaults()
        let start = ContinuousClock.now
        faults.limit(for: .seconds(30), now: start)
        #expect(faults.rateLimit(now: start + .milliseconds(500)) == .tooManyRequests(retryAfter: 30))   // 29.5 s left
        #expect(faults.rateLimit(now: start + .seconds(10)) == .banned(retryAfter: 20))
        #expect(faults.rateLimit(now: start + .milliseconds(29_999)) == .banned(retryAfter: 1))
        #expect(faults.rateLimit(now: start + .seconds(30)) == nil)
        #expect(faults.rateLimit(now: start + .seconds(31)) == nil)
    }
}
