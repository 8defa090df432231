import HedgeCore

/// A seeded calendar-spread market: a near and a far dated BTC future on one simulated venue.
///
/// The underlying follows a random walk; each future carries it forward at an annual carry rate
/// (so the far leg trades richer, as on a real curve), and the far leg's deviation from fair
/// carry is mean-reverting with occasional jumps. Tuned so a default run shows a whole cycle —
/// detect, open both legs, monitor, close — within about a minute.
public struct SyntheticCalendarFeed: MarketFeed {
    public struct Parameters: Sendable, Hashable {
        public var seed: UInt64 = 42
        public var venue = "sim"
        public var start: Timestamp
        public var initialPrice: Double = 61_800
        /// Annualised volatility of the underlying.
        public var volatility: Double = 0.55
        /// Annual carry: fair future = spot × (1 + carry × years to expiry).
        public var carry: Double = 0.08
        public var nearDays: Double = 30
        public var farDays: Double = 120
        /// Stationary σ of the far leg's deviation from fair carry, in bps.
        public var deviationBps: Double = 8
        /// Half-life of a deviation, in seconds.
        public var halfLife: Double = 5
        /// Chance of a jump per second, and its size in σ.
        public var jumpsPerSecond: Double = 0.03
        public var jumpSigma: Double = 3
        /// Time between quote updates of each leg.
        public var tick: Duration = .milliseconds(100)

        public init(start: Timestamp) { self.start = start }
    }

    public let parameters: Parameters
    public let contracts: [ContractSpec]
    private var random: SeededRandom
    private var now: Timestamp
    private var spot: Double
    private var deviation = 0.0
    /// Quotes are emitted near, then far, for each tick.
    private var pending: [MarketEvent] = []

    public init(_ parameters: Parameters) {
        self.parameters = parameters
        self.random = SeededRandom(seed: parameters.seed)
        self.now = parameters.start
        self.spot = parameters.initialPrice
        let near = parameters.start + .seconds(Int64(parameters.nearDays * 86_400))
        let far = parameters.start + .seconds(Int64(parameters.farDays * 86_400))
        self.contracts = [near, far].map { expiry in
            ContractSpec(
                id: InstrumentID(venue: parameters.venue, symbol: "BTCUSDT_\(Self.expiryCode(expiry))"),
                kind: .dated(expiry: expiry), margining: .linear, contractSize: 1, tickSize: "0.1",
                lotStep: "0.001", minNotional: "5", baseAsset: "BTC", quoteAsset: "USDT", settlementAsset: "USDT",
                fees: FeeSchedule(maker: "0", taker: "0.0002"))
        }
    }

    /// "261225" for 2026-12-25, as venues name quarterly contracts.
    static func expiryCode(_ time: Timestamp) -> String {
        let civil = CivilTime(time)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return two(civil.year % 100) + two(civil.month) + two(civil.day)
    }

    public mutating func next() -> MarketEvent? {
        if pending.isEmpty { advance() }
        return pending.isEmpty ? nil : pending.removeFirst()
    }

    /// Moves the market forward one tick and queues a quote for each leg.
    private mutating func advance() {
        let dt = parameters.tick.secondsDouble
        let yearFraction = dt / (365 * 86_400)
        spot *= 1 + parameters.volatility * yearFraction.squareRoot() * random.gaussian()
        // Ornstein–Uhlenbeck deviation in bps with the stationary σ requested.
        let theta = log(2) / parameters.halfLife
        let decay = exp(-theta * dt)
        let noise = parameters.deviationBps * (1 - decay * decay).squareRoot()
        deviation = deviation * decay + noise * random.gaussian()
        if random.unit() < parameters.jumpsPerSecond * dt {
            deviation += (random.unit() < 0.5 ? -1 : 1) * parameters.jumpSigma * parameters.deviationBps
        }
        now = now + parameters.tick
        for (index, contract) in contracts.enumerated() {
            guard let expiry = contract.kind.expiry else { continue }
            let years = max(0, (expiry - now).secondsDouble / (365 * 86_400))
            var fair = spot * (1 + parameters.carry * years)
            if index == 0 { fair *= 1 - deviation / 20_000 } else { fair *= 1 + deviation / 20_000 }
            pending.append(.quote(contract.id, quote(around: fair, contract: contract)))
        }
    }

    /// A one-tick-wide book around `fair` with a random displayed size.
    private mutating func quote(around fair: Double, contract: ContractSpec) -> Quote {
        let tick = contract.tickSize.doubleValue
        let bidTicks = (fair / tick - 0.5).rounded(.down)
        let bid = FixedDecimal(units: Int64(bidTicks) * contract.tickSize.units)
        let ask = FixedDecimal(units: bid.units + contract.tickSize.units)
        func size() -> FixedDecimal {
            // Between 0.5 and 4.5 BTC, in whole lots.
            let lots = Int64((0.5 + random.unit() * 4) / contract.lotStep.doubleValue)
            return FixedDecimal(units: lots * contract.lotStep.units)
        }
        return Quote(bid: bid, bidSize: size(), ask: ask, askSize: size(), time: now)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
