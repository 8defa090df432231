import HedgeCore
import HedgeVenues

/// Reconnect delays: exponential from `base`, capped at `cap`, with "full jitter" (uniform in
/// [delay/2, delay]) from a seeded generator, so many clients do not reconnect in lock step and
/// tests see the same delays every run.
public struct Backoff: Sendable {
    public var base: Duration
    public var cap: Duration
    private var random: SeededRandom
    /// Failed attempts since the last success.
    public private(set) var attempts = 0

    public init(base: Duration = .milliseconds(500), cap: Duration = .seconds(30), seed: UInt64) {
        self.base = base
        self.cap = cap
        self.random = SeededRandom(seed: seed)
    }

    /// The delay before the next attempt; counts one more failure.
    public mutating func nextDelay() -> Duration {
        let exponent = min(attempts, 30)
        attempts += 1
        let full = min(base * (1 << exponent), cap)
        let nanos = Double(full.nanosecondsClamped)
        return .nanoseconds(Int64(nanos / 2 + random.unit() * nanos / 2))
    }

    /// A connection worked: the next failure starts from `base` again.
    public mutating func reset() { attempts = 0 }
}
