import HedgeCore

/// A seeded basis market: this quarter's BTC future (`BTCUSD_261225`, delivering the last Friday
/// of the quarter's month at 08:00 UTC) against the perpetual on one simulated venue,
/// shaped like Binance COIN-M (inverse: 100 USD a contract, margined and settled in BTC,
/// tick 0.1, lot 1 contract).
///
/// The perpetual tracks the underlying index. The dated leg carries it forward at an annual
/// carry rate plus a deviation that moves like the recordings' spreads, with dislocations in
/// volatile stretches (`SyntheticMarket`); both the carry and the deviation
/// shrink as expiry nears, so the basis converges to 0 at expiry. With every quote (as Bybit's
/// tickers stream pushes them) the feed publishes the leg's mark price: the index plus an averaged
/// premium, within the book (`SyntheticMarkPrice`); a mark a second old could sit a basis jump
/// away from the book and make unrealised PnL jump with it. Every second (like a `markPrice@1s`
/// stream) it publishes the perpetual's funding rate, which follows the basis, with the next
/// funding time on the 8 h grid. The feed ends when the dated leg expires.
public struct SyntheticBasisFeed: ResumableMarketFeed {
    public struct Parameters: Sendable, Hashable {
        public var venue = "sim"
        public var start: Timestamp
        /// The shared price engine; the deviation is the dated leg's, from fair carry, in bps.
        public var market: SyntheticMarket.Parameters
        /// Annual carry: fair dated = perp × (1 + carry × years to expiry).
        public var carry: Double = 0.10
        /// When the dated leg was listed: it is the first quarterly after it (`QuarterlyExpiry`),
        /// so a restart on a later day trades the same contract. Default: `start`.
        public var listed: Timestamp?
        /// Where a restarted market continues from (nil: the parameters' start).
        public var resume: SyntheticMarket.State?
        /// Within this much of expiry the deviation fades linearly to 0 (arbitrageurs pin it).
        public var convergence: Duration = .seconds(86_400)
        public var funding = PerpetualFunding()
        /// Time between quote updates of each leg.
        public var tick: Duration = .milliseconds(100)
        /// Time between funding rate updates.
        var fundingRateInterval: Duration = .seconds(1)

        public init(start: Timestamp) {
            self.start = start
            var market = SyntheticMarket.Parameters()
            market.initialPrice = 60_600
            // The basis blows out upward (leveraged longs buy the future in a rally) more often
            // than it collapses.
            market.jumpUpProbability = 0.75
            self.market = market
        }

        public var seed: UInt64 {
            get { market.seed }
            set { market.seed = newValue }
        }

        /// This quarter's delivery, as the venue lists it at `listed`.
        public var expiry: Timestamp { QuarterlyExpiry.next(1, after: listed ?? start)[0] }
    }

    public let parameters: Parameters
    /// The dated leg, then the perpetual.
    public let contracts: [ContractSpec]
    public private(set) var market: SyntheticMarket
    private var now: Timestamp
    private var nextFundingRateAt: Timestamp
    private var pending = SyntheticEventQueue()
    /// The last quotes' mids, dated then perpetual: the funding rate follows what traders see.
    private var mids: (dated: FixedDecimal, perpetual: FixedDecimal) = (.zero, .zero)
    /// Each leg's mark price, dated then perpetual.
    private var marks = (dated: SyntheticMarkPrice(), perpetual: SyntheticMarkPrice())
    private var trail: MarketStateTrail

    public init(_ parameters: Parameters) {
        self.parameters = parameters
        self.market = SyntheticMarket(parameters.market, resuming: parameters.resume)
        self.now = parameters.start
        self.trail = MarketStateTrail(start: parameters.start, state: market.state)
        self.nextFundingRateAt = parameters.start
        func contract(_ symbol: String, _ kind: ContractKind, funding: Duration?) -> ContractSpec {
            ContractSpec(
                id: InstrumentID(venue: parameters.venue, symbol: symbol), kind: kind, margining: .inverse,
                contractSize: 100, tickSize: "0.1", lotStep: "1", baseAsset: "BTC", quoteAsset: "USD",
                settlementAsset: "BTC", fundingInterval: funding, fees: FeeSchedule(maker: "0.0001", taker: "0.0003"))
        }
        self.contracts = [
            contract("BTCUSD_\(SyntheticCalendarFeed.expiryCode(parameters.expiry))", .dated(expiry: parameters.expiry), funding: nil),
            contract("BTCUSD_PERP", .perpetual, funding: parameters.funding.interval),
        ]
    }

    /// The regime the market is in now.
    var regime: VolatilityRegime { market.regime }

    public func marketState(at time: Timestamp) -> SyntheticMarket.State? { trail.state(at: time) }

    public mutating func next() -> MarketEvent? {
        if pending.isEmpty {
            // The dated leg is quoted strictly before its expiry; settlement is the venue's job.
            guard now + parameters.tick < parameters.expiry else { return nil }
            advance()
        }
        return pending.pop()
    }

    /// The fair prices now: dated, perpetual.
    private func fairs() -> (dated: Double, perpetual: Double) {
        let left = (parameters.expiry - now).secondsDouble
        let years = max(0, left / (365 * 86_400))
        let fade = min(1, max(0, left / max(parameters.convergence.secondsDouble, 1e-9)))
        let perpetual = market.underlying
        let dated = perpetual * (1 + parameters.carry * years) * (1 + market.deviationBps * fade / 10_000)
        return (dated, perpetual)
    }

    /// Moves the market forward one tick, quotes both legs with their marks, and once a mark
    /// interval publishes the funding rate.
    private mutating func advance() {
        let dt = parameters.tick.secondsDouble
        market.step(dt)
        now = now + parameters.tick
        let fair = fairs()
        let dated = contracts[0], perpetual = contracts[1]
        // Between 500 and 5 000 contracts (50 000 to 500 000 USD) a side.
        let datedQuote = market.quote(around: fair.dated, contract: dated, sizes: 500...5_000, time: now)
        let perpetualQuote = market.quote(around: fair.perpetual, contract: perpetual, sizes: 500...5_000, time: now)
        pending.append(.quote(dated.id, datedQuote))
        pending.append(.quote(perpetual.id, perpetualQuote))
        mids = (datedQuote.mid, perpetualQuote.mid)
        // The index is the underlying: the perpetual's premium over it is small, the dated leg's
        // is its basis, which decays toward expiry.
        let index = market.underlying
        pending.append(.mark(dated.id, marks.dated.mark(index: index, quote: datedQuote, dt: dt, contract: dated), time: now))
        pending.append(.mark(perpetual.id, marks.perpetual.mark(index: index, quote: perpetualQuote, dt: dt, contract: perpetual), time: now))
        trail.record(market.state, at: now)
        guard now >= nextFundingRateAt else { return }
        nextFundingRateAt = now + parameters.fundingRateInterval
        let rate = parameters.funding.rate(dated: mids.dated, perpetual: mids.perpetual, timeToExpiry: parameters.expiry - now)
        pending.append(.fundingRate(perpetual.id, rate: rate, nextFundingTime: parameters.funding.nextFundingTime(after: now), time: now))
    }
}
