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
        .nanoseconds(LatencySampler(self).sample(&random))
    }

    /// A typical delay (base + the jitter's middle), for the screen.
    var typical: Duration {
        switch jitter {
        case .none: base
        case .uniform(let width): base + width / 2
        case .lognormal(let median, _): base + median
        }
    }
}

/// A `LatencyModel` in whole nanoseconds, worked out once: a draw is then integer arithmetic.
/// The replay draws one per quote, and `Duration.components` (128-bit division) cost more than
/// the rest of the draw.
struct LatencySampler: Sendable, Hashable {
    private enum Jitter: Sendable, Hashable {
        case none
        case uniform(width: Int64)
        case lognormal(median: Int64, sigma: Double)
    }

    let baseNanoseconds: Int64
    private let jitter: Jitter

    public init(_ model: LatencyModel) {
        baseNanoseconds = model.base.nanosecondsClamped
        switch model.jitter {
        case .none: jitter = .none
        case .uniform(let width): jitter = .uniform(width: width.nanosecondsClamped)
        case .lognormal(let median, let sigma): jitter = .lognormal(median: median.nanosecondsClamped, sigma: sigma)
        }
    }

    /// One draw from `random`, in nanoseconds: the same draws as `LatencyModel.sample`.
    public func sample(_ random: inout SeededRandom) -> Int64 {
        switch jitter {
        case .none:
            return baseNanoseconds
        case .uniform(let width):
            return baseNanoseconds + (width > 0 ? Int64(random.unit() * Double(width)) : 0)
        case .lognormal(let median, let sigma):
            let nanos = Double(median) * exp(sigma * random.gaussian())
            return baseNanoseconds + Int64(min(nanos, 60e9))
        }
    }
}
