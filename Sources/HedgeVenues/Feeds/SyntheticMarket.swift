import HedgeCore

/// The price engine every synthetic scenario shares: an underlying random walk and a spread
/// deviation in two parts, both scaled by a volatility regime.
///
/// The book-to-book part is what the recordings show in ordinary minutes (2024-08-08 Binance
/// USD-M against COIN-M and against spot, `SpreadBehaviourTests`): about 0.55 bp of σ that halves
/// in about 1.4 s, with a few small jumps an hour. It never pays a round trip's fees. The
/// dislocation part comes only in volatile stretches (a book swept, a liquidation burst): jumps of
/// about 16 bp that fade over half a minute, the moves a spread trader waits for. The recordings
/// hold no volatile stretch, so its sizes are the demo's, not measured.
///
/// A scenario feed (cross, calendar, basis) turns these into each leg's fair price and quotes
/// them on the tick. The path's random numbers come from one seeded generator, drawn in a fixed
/// order (underlying, deviation, jump, dislocation, then the quotes' sizes), so a seed is a market,
/// and `state` with the same parameters continues it exactly.
public struct SyntheticMarket: Sendable {
    public struct Parameters: Sendable, Hashable {
        public var seed: UInt64 = 42
        public var initialPrice: Double = 61_800
        /// Annualised volatility of the underlying, calm regime.
        public var volatility: Double = 0.55
        /// Stationary σ of the book-to-book deviation from fair, in bps, calm regime.
        public var deviationBps: Double = 0.5
        /// Half-life of a book-to-book deviation, in seconds.
        var halfLife: Double = 1.4
        /// Chance of a small jump of the book-to-book part per second, and its size in bps.
        var jumpsPerSecond: Double = 30.0 / 3600
        var jumpBps: Double = 2.5
        /// Chance a jump or a dislocation widens the spread (0.5: either way alike).
        var jumpUpProbability: Double = 0.5
        /// Chance of a dislocation per second of a volatile stretch (none when calm), its mean
        /// size in bps (uniform within ±40 % of it) and its half-life in seconds.
        var dislocationsPerSecond: Double = 1.0 / 20
        var dislocationBps: Double = 16
        var dislocationHalfLife: Double = 30
        var regime = RegimeSwitch.Parameters()

        public init() {}
    }

    /// Where a market is: enough to continue it exactly with the same parameters.
    public struct State: Sendable, Hashable, Codable {
        /// The underlying (index) price.
        public var underlying: Double
        /// The book-to-book and the dislocation parts of the deviation, in bps.
        public var bookDeviation: Double
        public var dislocation: Double
        public var regime: VolatilityRegime
        /// Seconds the market has been in `regime`.
        public var regimeAge: Double
        /// The price path's and the regime's generators.
        public var random: UInt64
        public var regimeRandom: UInt64
    }

    public let parameters: Parameters
    /// The underlying (index) price.
    public private(set) var underlying: Double
    private var bookDeviation = 0.0
    private var dislocation = 0.0
    private var regimeSwitch: RegimeSwitch
    var random: SeededRandom

    /// A market at its parameters' start, or continuing from `state`.
    public init(_ parameters: Parameters, resuming state: State? = nil) {
        self.parameters = parameters
        self.underlying = parameters.initialPrice
        self.random = SeededRandom(seed: parameters.seed)
        self.regimeSwitch = RegimeSwitch(parameters.regime, seed: parameters.seed)
        if let state {
            underlying = state.underlying
            bookDeviation = state.bookDeviation
            dislocation = state.dislocation
            random = SeededRandom(seed: state.random)
            regimeSwitch.resume(regime: state.regime, age: state.regimeAge, random: state.regimeRandom)
        }
    }

    /// The spread's deviation from fair, in bps.
    public var deviationBps: Double { bookDeviation + dislocation }

    var regime: VolatilityRegime { regimeSwitch.regime }

    /// Where the market is now.
    public var state: State {
        State(underlying: underlying, bookDeviation: bookDeviation, dislocation: dislocation, regime: regimeSwitch.regime,
              regimeAge: regimeSwitch.age, random: random.state, regimeRandom: regimeSwitch.randomState)
    }

    /// Moves the market forward `dt` seconds.
    public mutating func step(_ dt: Double) {
        let scale = regimeSwitch.multiple
        let yearFraction = dt / (365 * 86_400)
        underlying *= 1 + scale * parameters.volatility * yearFraction.squareRoot() * random.gaussian()
        // Ornstein–Uhlenbeck deviation in bps with the stationary σ requested (times the regime's).
        let decay = exp(-log(2) / parameters.halfLife * dt)
        let noise = scale * parameters.deviationBps * (1 - decay * decay).squareRoot()
        bookDeviation = bookDeviation * decay + noise * random.gaussian()
        if random.unit() < parameters.jumpsPerSecond * dt {
            bookDeviation += direction() * parameters.jumpBps
        }
        dislocation *= exp(-log(2) / parameters.dislocationHalfLife * dt)
        // Drawn in either regime, so a calm market's path is the same numbers as a switching one's.
        if random.unit() < parameters.dislocationsPerSecond * dt, regimeSwitch.regime == .volatile {
            dislocation += direction() * parameters.dislocationBps * (0.6 + 0.8 * random.unit())
        }
        // The regime applies from the next step: this step's draws were made in the old one.
        regimeSwitch.step(dt)
    }

    /// +1 (the spread widens) with `jumpUpProbability`, else −1.
    private mutating func direction() -> Double {
        random.unit() < 1 - parameters.jumpUpProbability ? -1 : 1
    }

    /// A one-tick-wide book around `fair`, both sizes drawn from `sizes` (contract quantity),
    /// in whole lots. The bid is the tick at or below `fair − tick/2`.
    public mutating func quote(around fair: Double, contract: ContractSpec, sizes: ClosedRange<Double>, time: Timestamp) -> Quote {
        let tick = contract.tickSize.doubleValue
        let bidTicks = max(1, (fair / tick - 0.5).rounded(.down))
        let bid = FixedDecimal(units: Int64(bidTicks) * contract.tickSize.units)
        let ask = FixedDecimal(units: bid.units + contract.tickSize.units)
        func size() -> FixedDecimal {
            let lots = max(1, Int64((sizes.lowerBound + random.unit() * (sizes.upperBound - sizes.lowerBound)) / contract.lotStep.doubleValue))
            return FixedDecimal(units: lots * contract.lotStep.units)
        }
        return Quote(bid: bid, bidSize: size(), ask: ask, askSize: size(), time: time)
    }

    /// `value` rounded to the contract's tick, for mark prices.
    static func onTick(_ value: Double, _ contract: ContractSpec) -> FixedDecimal {
        let ticks = (value / contract.tickSize.doubleValue).rounded()
        return FixedDecimal(units: Int64(ticks) * contract.tickSize.units)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
