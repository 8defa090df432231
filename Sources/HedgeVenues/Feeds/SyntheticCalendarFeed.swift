#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HedgeCore

/// A seeded calendar-spread market: this quarter's and next quarter's BTC future on one
/// simulated venue, delivering as Binance's and Bybit's do (last Friday of the quarter's month,
/// 08:00 UTC; `QuarterlyExpiry`) and named as Binance names them (`BTCUSDT_261225`).
///
/// The underlying follows a random walk; each future carries it forward at an annual carry rate
/// (so the far leg trades richer, as on a real curve), and the far leg's deviation from fair
/// carry moves like the recordings' spreads, with dislocations in volatile stretches
/// (`SyntheticMarket`).
public struct SyntheticCalendarFeed: ResumableMarketFeed {
    public struct Parameters: Sendable, Hashable {
        public var venue = "sim"
        public var start: Timestamp
        /// When the contracts were listed: the next two quarterlies after it, so a restart on a
        /// later day trades the same contracts. Default: `start`.
        public var listed: Timestamp?
        /// The shared price engine: underlying, deviation (of the far leg from fair carry), jumps, regime.
        public var market = SyntheticMarket.Parameters()
        /// Where a restarted market continues from (nil: the parameters' start).
        public var resume: SyntheticMarket.State?
        /// Annual carry: fair future = spot × (1 + carry × years to expiry).
        public var carry: Double = 0.08
        /// Time between quote updates of each leg.
        public var tick: Duration = .milliseconds(100)

        public init(start: Timestamp) { self.start = start }

        public var seed: UInt64 {
            get { market.seed }
            set { market.seed = newValue }
        }
    }

    public let parameters: Parameters
    public let contracts: [ContractSpec]
    public private(set) var market: SyntheticMarket
    private var now: Timestamp
    /// Quotes are emitted near, then far, for each tick.
    private var pending = SyntheticEventQueue()
    private var trail: MarketStateTrail

    public init(_ parameters: Parameters) {
        self.parameters = parameters
        self.market = SyntheticMarket(parameters.market, resuming: parameters.resume)
        self.now = parameters.start
        self.trail = MarketStateTrail(start: parameters.start, state: market.state)
        self.contracts = QuarterlyExpiry.next(2, after: parameters.listed ?? parameters.start).map { expiry in
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

    /// The regime the market is in now.
    var regime: VolatilityRegime { market.regime }

    public func marketState(at time: Timestamp) -> SyntheticMarket.State? { trail.state(at: time) }

    public mutating func next() -> MarketEvent? {
        if pending.isEmpty { advance() }
        return pending.pop()
    }

    /// Moves the market forward one tick and queues a quote for each leg.
    private mutating func advance() {
        market.step(parameters.tick.secondsDouble)
        now = now + parameters.tick
        let deviation = market.deviationBps
        for (index, contract) in contracts.enumerated() {
            guard let expiry = contract.kind.expiry else { continue }
            let years = max(0, (expiry - now).secondsDouble / (365 * 86_400))
            var fair = market.underlying * (1 + parameters.carry * years)
            if index == 0 { fair *= 1 - deviation / 20_000 } else { fair *= 1 + deviation / 20_000 }
            // Between 0.5 and 4.5 BTC a side.
            pending.append(.quote(contract.id, market.quote(around: fair, contract: contract, sizes: 0.5...4.5, time: now)))
        }
        trail.record(market.state, at: now)
    }
}
