import HedgeCore

/// The price engine every synthetic scenario shares: an underlying random walk and a
/// mean-reverting spread deviation with jumps, both scaled by a volatility regime.
///
/// A scenario feed (cross, calendar, basis) turns these into each leg's fair price and quotes
/// them on the tick. The path's random numbers come from one seeded generator, drawn in a fixed
/// order (underlying, deviation, jump, then the quotes' sizes), so a seed is a market.
public struct SyntheticMarket: Sendable {
    public struct Parameters: Sendable, Hashable {
        public var seed: UInt64 = 42
        public var initialPrice: Double = 61_800
        /// Annualised volatility of the underlying, calm regime.
        public var volatility: Double = 0.55
        /// Stationary σ of the spread's deviation from fair, in bps, calm regime.
        public var deviationBps: Double = 8
        /// Half-life of a deviation, in seconds.
        var halfLife: Double = 5
        /// Chance of a jump per second, and its size in σ of the deviation.
        var jumpsPerSecond: Double = 0.03
        var jumpSigma: Double = 3
        /// Chance a jump widens the spread (0.5: either way alike).
        var jumpUpProbability: Double = 0.5
        var regime = RegimeSwitch.Parameters()

        public init() {}
    }

    public let parameters: Parameters
    /// The underlying (index) price.
    public private(set) var underlying: Double
    /// The spread's deviation from fair, in bps.
    public private(set) var deviationBps = 0.0
    private var regimeSwitch: RegimeSwitch
    var random: SeededRandom

    public init(_ parameters: Parameters) {
        self.parameters = parameters
        self.underlying = parameters.initialPrice
        self.random = SeededRandom(seed: parameters.seed)
        self.regimeSwitch = RegimeSwitch(parameters.regime, seed: parameters.seed)
    }

    var regime: VolatilityRegime { regimeSwitch.regime }

    /// Moves the market forward `dt` seconds.
    public mutating func step(_ dt: Double) {
        let scale = regimeSwitch.multiple
        let yearFraction = dt / (365 * 86_400)
        underlying *= 1 + scale * parameters.volatility * yearFraction.squareRoot() * random.gaussian()
        // Ornstein–Uhlenbeck deviation in bps with the stationary σ requested (times the regime's).
        let theta = log(2) / parameters.halfLife
        let decay = exp(-theta * dt)
        let noise = scale * parameters.deviationBps * (1 - decay * decay).squareRoot()
        deviationBps = deviationBps * decay + noise * random.gaussian()
        if random.unit() < parameters.jumpsPerSecond * dt {
            deviationBps += (random.unit() < 1 - parameters.jumpUpProbability ? -1 : 1) * parameters.jumpSigma * scale * parameters.deviationBps
        }
        // The regime applies from the next step: this step's draws were made in the old one.
        regimeSwitch.step(dt)
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
