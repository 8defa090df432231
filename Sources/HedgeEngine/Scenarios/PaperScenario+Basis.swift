import HedgeCore
import HedgeVenues

extension PaperScenario {
    /// A basis trade on a COIN-M-style venue: this quarter's BTC future (`BTCUSD_261225`) against
    /// the perpetual, both inverse (100 USD a contract, margined in BTC). The dated leg trades at
    /// a carry of about 10 % a year; the strategy sells it and buys the perpetual when the basis
    /// annualises past the carry by what 13.5 bps is over the days left (so the entry asks the
    /// same dislocation whatever the expiry), and closes when it is back within 2 bps of carry.
    /// The perpetual's funding follows the basis.
    /// `initialPrice`: the underlying to start from; `resume`: a saved market to continue (a
    /// restart); `listed`: when the dated contract was listed (a journal's creation), else `start`.
    public static func basis(start: Timestamp, seed: UInt64 = 42, initialPrice: Double? = nil, listed: Timestamp? = nil,
                             resume: SyntheticMarket.State? = nil) -> PaperScenario {
        var parameters = SyntheticBasisFeed.Parameters(start: start)
        parameters.listed = listed
        parameters.resume = resume
        parameters.seed = seed
        if let initialPrice { parameters.market.initialPrice = initialPrice }
        let feed = SyntheticBasisFeed(parameters)
        let dated = feed.contracts[0], perpetual = feed.contracts[1]
        // The thresholds annualise over the days left at this start (never below one).
        let days = max((parameters.expiry - start).secondsDouble / 86_400, 1)
        let over = { (bps: Double) in parameters.carry + bps / 10_000 * 365 / days }
        let config = datedDemoStrategy(name: "btc-basis", kind: .basis, legs: PerLeg(a: dated, b: perpetual),
                                       entry: .bps(annualised: over(13.5), days: days), exit: .bps(annualised: over(2), days: days))
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
