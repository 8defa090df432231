import HedgeCore
import HedgeVenues

extension PaperScenario {
    /// A basis trade on a COIN-M-style venue: the BTC dated future (expiring in 14 days) against
    /// the perpetual, both inverse (100 USD a contract, margined in BTC). The dated leg trades at
    /// a carry of about 10 % a year; the strategy sells it and buys the perpetual when the basis
    /// annualises past 13.5 %, and closes when it is back under 10.5 %. The perpetual's funding
    /// follows the basis. Tuned so a new user sees a whole cycle within about a minute.
    /// `initialPrice`: the underlying to start from (a restart continues the market where it was);
    /// `listed`: when the dated contract was listed (a journal's creation), else `start`.
    public static func basis(start: Timestamp, seed: UInt64 = 42, initialPrice: Double? = nil, listed: Timestamp? = nil) -> PaperScenario {
        var parameters = SyntheticBasisFeed.Parameters(start: start)
        parameters.listed = listed
        parameters.seed = seed
        if let initialPrice { parameters.market.initialPrice = initialPrice }
        let feed = SyntheticBasisFeed(parameters)
        let dated = feed.contracts[0], perpetual = feed.contracts[1]
        // The thresholds annualise over the days left at this start (never below one).
        let days = max((parameters.expiry - start).secondsDouble / 86_400, 1)
        let config = datedDemoStrategy(name: "btc-basis", kind: .basis, legs: PerLeg(a: dated, b: perpetual),
                                       entry: .bps(annualised: 0.135, days: days), exit: .bps(annualised: 0.105, days: days))
        var settings = SimulatedVenue.Settings()
        settings.seed = seed &+ 1
        let venue = SimulatedVenue(name: parameters.venue, contracts: feed.contracts, settings: settings)
        return PaperScenario(strategies: [config], venues: [venue], feed: feed)
    }
}

extension Threshold {
    /// The basis in bps that annualises to `rate` with `days` to expiry: rate × days / 365 × 10 000,
    /// to 0.1 bp. Fixed when the strategy starts; the bps it stands for shrink as expiry nears.
    static func bps(annualised rate: Double, days: Double) -> Threshold {
        let tenths = (rate * days / 365 * 100_000).rounded()
        return .bps(FixedDecimal(units: Int64(tenths) * FixedDecimal.one / 10))
    }
}
