import HedgeCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One-way delay between a venue and the strategy: a fixed base plus seeded jitter.
public struct LatencyModel: Sendable, Hashable {
    /// How the delay varies around the base.
    public enum Jitter: Sendable, Hashable {
        case none
        /// Uniform in [0, width).
        case uniform(Duration)
        /// Lognormal with this median and shape σ: mostly near the median, with a long tail, as
        /// network round trips are.
        case lognormal(median: Duration, sigma: Double)
    }

    public var base: Duration
    public var jitter: Jitter

    public init(base: Duration, jitter: Jitter = .none) {
        self.base = base
        self.jitter = jitter
    }

    /// No delay at all.
    public static let zero = LatencyModel(base: .zero)

    /// One draw from `random`.
    public func sample(_ random: inout SeededRandom) -> Duration {
        let extra: Int64
        switch jitter {
        case .none:
            extra = 0
        case .uniform(let width):
            let nanos = width.nanosecondsClamped
            extra = nanos > 0 ? Int64(random.unit() * Double(nanos)) : 0
        case .lognormal(let median, let sigma):
            let nanos = Double(median.nanosecondsClamped) * exp(sigma * random.gaussian())
            extra = Int64(min(nanos, 60e9))
        }
        return .nanoseconds(base.nanosecondsClamped + extra)
    }

    /// A typical delay (base + the jitter's middle), for the screen.
    public var typical: Duration {
        switch jitter {
        case .none: base
        case .uniform(let width): base + width / 2
        case .lognormal(let median, _): base + median
        }
    }
}
