import HedgeCore

/// The market's mood: calm most of the time, with volatile stretches where both the underlying
/// and the spread move several times harder (news, liquidations).
public enum VolatilityRegime: String, Sendable, Hashable, CaseIterable, Codable {
    case calm, volatile
}

/// A seeded two-state Markov chain over `VolatilityRegime`, stepped in data time.
///
/// It draws from its own generator, so switching regimes never shifts the price path's random
/// numbers: a scenario tuned for a seed keeps its calm stretches exactly.
struct RegimeSwitch: Sendable {
    public struct Parameters: Sendable, Hashable {
        /// Mean time spent calm before turning volatile.
        var meanCalm: Duration = .seconds(120)
        /// Mean time a volatile stretch lasts.
        var meanVolatile: Duration = .seconds(60)
        /// No stretch, calm or volatile, is shorter than this: a market's moods last minutes,
        /// not the few seconds a memoryless switch often gives. Past it the switch is memoryless,
        /// with the rest of the mean to go.
        var minimumStretch: Duration = .seconds(30)
        /// σ of the underlying and of the spread in the volatile regime, as a multiple of calm.
        var volatileMultiple: Double = 2
        /// The demo opens in a volatile stretch, as if the screen were opened on a busy minute:
        /// a new user sees a dislocation traded within a minute or two, not after the first calm.
        public var initial: VolatilityRegime = .volatile

        public init() {}

        /// A market that never leaves `regime`.
        public static func fixed(_ regime: VolatilityRegime, multiple: Double = 2) -> Parameters {
            var parameters = Parameters()
            parameters.initial = regime
            parameters.volatileMultiple = multiple
            parameters.meanCalm = .seconds(Int64.max / 4_000_000_000)
            parameters.meanVolatile = parameters.meanCalm
            parameters.minimumStretch = .zero
            return parameters
        }
    }

    public let parameters: Parameters
    private(set) var regime: VolatilityRegime
    /// Seconds spent in the current regime.
    private(set) var age = 0.0
    private var random: SeededRandom

    /// The generator's state, saved with the market's (`SyntheticMarket.State`).
    var randomState: UInt64 { random.state }

    /// Continues a chain saved in `regime` with its generator at `random`.
    mutating func resume(regime: VolatilityRegime, age: Double, random: UInt64) {
        self.regime = regime
        self.age = age
        self.random = SeededRandom(seed: random)
    }

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

    /// Moves the chain forward `dt` seconds: past the minimum stretch, leaves the current regime
    /// with probability 1 − exp(−dt / (mean time in it − the minimum)). One draw a step, always.
    public mutating func step(_ dt: Double) {
        let mean: Duration
        switch regime {
        case .calm: mean = parameters.meanCalm
        case .volatile: mean = parameters.meanVolatile
        }
        let minimum = parameters.minimumStretch.secondsDouble
        let leave = 1 - exp(-dt / max(mean.secondsDouble - minimum, 1e-9))
        age += dt
        if random.unit() < leave, age >= minimum {
            regime = regime == .calm ? .volatile : .calm
            age = 0
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
