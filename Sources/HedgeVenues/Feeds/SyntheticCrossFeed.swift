import HedgeCore

/// A seeded cross-exchange market: one contract, the BTCUSDT linear perpetual, on two simulated
/// venues that usually agree.
///
/// Both books follow the same underlying; their difference is a mean-reverting deviation around
/// a fair spread of 0 that moves like the recordings' USD-M against COIN-M, with dislocations in
/// volatile stretches (one venue's book is swept, a burst of liquidations; `SyntheticMarket`). Specs follow the venues' own instrument files: `sim-a` is shaped like
/// Binance USD-M BTCUSDT (tick 0.01), `sim-b` like Bybit v5 BTCUSDT (tick 0.10); both lot 0.001
/// BTC, minimum notional 5 USDT, funding every 8 h.
public struct SyntheticCrossFeed: ResumableMarketFeed {
    public struct Parameters: Sendable, Hashable {
        var venueA = "sim-a"
        var venueB = "sim-b"
        public var start: Timestamp
        /// The shared price engine; the deviation is venue A's premium over venue B, in bps.
        public var market: SyntheticMarket.Parameters
        /// Where a restarted market continues from (nil: the parameters' start).
        public var resume: SyntheticMarket.State?
        /// Time between quote updates on each venue.
        public var tick: Duration = .milliseconds(100)

        public init(start: Timestamp) {
            self.start = start
            self.market = SyntheticMarket.Parameters()
        }

        public var seed: UInt64 {
            get { market.seed }
            set { market.seed = newValue }
        }
    }

    public let parameters: Parameters
    /// Venue A's contract, then venue B's.
    public let contracts: [ContractSpec]
    public private(set) var market: SyntheticMarket
    private var now: Timestamp
    private var pending = SyntheticEventQueue()
    private var trail: MarketStateTrail

    public init(_ parameters: Parameters) {
        self.parameters = parameters
        self.market = SyntheticMarket(parameters.market, resuming: parameters.resume)
        self.now = parameters.start
        self.trail = MarketStateTrail(start: parameters.start, state: market.state)
        let eightHours = Duration.seconds(8 * 3600)
        self.contracts = [
            ContractSpec(
                id: InstrumentID(venue: parameters.venueA, symbol: "BTCUSDT"), kind: .perpetual, margining: .linear,
                contractSize: 1, tickSize: "0.01", lotStep: "0.001", minNotional: "5", baseAsset: "BTC", quoteAsset: "USDT",
                settlementAsset: "USDT", fundingInterval: eightHours, fees: FeeSchedule(maker: "0", taker: "0.0002")),
            ContractSpec(
                id: InstrumentID(venue: parameters.venueB, symbol: "BTCUSDT"), kind: .perpetual, margining: .linear,
                contractSize: 1, tickSize: "0.10", lotStep: "0.001", minNotional: "5", baseAsset: "BTC", quoteAsset: "USDT",
                settlementAsset: "USDT", fundingInterval: eightHours, fees: FeeSchedule(maker: "0.0001", taker: "0.00025")),
        ]
    }

    /// The regime the market is in now.
    var regime: VolatilityRegime { market.regime }

    public func marketState(at time: Timestamp) -> SyntheticMarket.State? { trail.state(at: time) }

    public mutating func next() -> MarketEvent? {
        if pending.isEmpty { advance() }
        return pending.pop()
    }

    /// Moves the market forward one tick and quotes both venues: A at half the deviation above
    /// the underlying, B at half below.
    private mutating func advance() {
        market.step(parameters.tick.secondsDouble)
        now = now + parameters.tick
        let half = market.deviationBps / 20_000
        let fairs = [market.underlying * (1 + half), market.underlying * (1 - half)]
        for (contract, fair) in zip(contracts, fairs) {
            // Between 0.3 and 3.3 BTC a side.
            pending.append(.quote(contract.id, market.quote(around: fair, contract: contract, sizes: 0.3...3.3, time: now)))
        }
        trail.record(market.state, at: now)
    }
}
