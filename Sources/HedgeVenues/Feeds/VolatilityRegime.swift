import HedgeCore

/// The market's mood: calm most of the time, with volatile stretches where both the underlying
/// and the spread move several times harder (news, liquidations).
enum VolatilityRegime: String, Sendable, Hashable, CaseIterable {
    case calm, volatile
}

/// A seeded two-state Markov chain over `VolatilityRegime`, stepped in data time.
///
/// It draws from its own generator, so switching regimes never shifts the price path's random
/// numbers: a scenario tuned for a seed keeps its calm stretches exactly.
struct RegimeSwitch: Sendable {
    public struct Parameters: Sendable, Hashable {
        /// Mean time spent calm before turning volatile.
        var meanCalm: Duration = .seconds(180)
        /// Mean time a volatile stretch lasts.
        var meanVolatile: Duration = .seconds(45)
        /// σ of the underlying and of the spread in the volatile regime, as a multiple of calm.
        var volatileMultiple: Double = 2
        public var initial: VolatilityRegime = .calm

        public init() {}

        /// A market that never leaves `regime`.
        public static func fixed(_ regime: VolatilityRegime, multiple: Double = 2) -> Parameters {
            var parameters = Parameters()
            parameters.initial = regime
            parameters.volatileMultiple = multiple
            parameters.meanCalm = .seconds(Int64.max / 4_000_000_000)
            parameters.meanVolatile = parameters.meanCalm
            return parameters
        }
    }

    public let parameters: Parameters
    private(set) var regime: VolatilityRegime
    private var random: SeededRandom

    public init(_ parameters: Parameters, seed: UInt64) {
        self.parameters = parameters
        self.regime = parameters.initial
        // A stream of its own, decorrelated from the price path's.
        self.random = SeededRandom(seed: seed ^ 0x5EED_4E61_1E5C_A11E)
    }

    /// The factor applied to every σ in the current regime.
    public var multiple: Double {
        switch regime {
        case .calm: 1
        case .volatile: parameters.volatileMultiple
        }
    }

    /// Moves the chain forward `dt` seconds: leaves the current regime with probability
    /// 1 − exp(−dt / mean time in it).
    public mutating func step(_ dt: Double) {
        let mean: Duration
        switch regime {
        case .calm: mean = parameters.meanCalm
        case .volatile: mean = parameters.meanVolatile
        }
        let leave = 1 - exp(-dt / max(mean.secondsDouble, 1e-9))
        if random.unit() < leave {
            regime = regime == .calm ? .volatile : .calm
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
