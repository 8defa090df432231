import HedgeCore
import HedgeVenues

extension PaperScenario {
    /// Cross-exchange arbitrage: the BTCUSDT perpetual on two simulated venues, `sim-a` and
    /// `sim-b`. Fair spread is 0; the strategy enters when the venues disagree by more than the
    /// four fills' fees plus a margin, and closes when they agree again. Tuned so a new user sees
    /// a trade within a minute or two (`SyntheticMarket`: calm minutes never pay the fees).
    /// `initialPrice`: the underlying to start from; `resume`: a saved market to continue (a restart).
    public static func cross(start: Timestamp, seed: UInt64 = 42, initialPrice: Double? = nil,
                             resume: SyntheticMarket.State? = nil) -> PaperScenario {
        var parameters = SyntheticCrossFeed.Parameters(start: start)
        parameters.seed = seed
        parameters.resume = resume
        if let initialPrice { parameters.market.initialPrice = initialPrice }
        let feed = SyntheticCrossFeed(parameters)
        let a = feed.contracts[0], b = feed.contracts[1]
        var config = StrategyConfig(
            name: "btc-cross", kind: .cross, legs: PerLeg(a: a, b: b), targetNotional: 50_000,
            entry: .bps(0), exit: .bps("1.5"), minEdgeBps: "1", profitTargetBps: "10", stopLossBps: "30",
            spreadStopBps: "25", maxHolding: .seconds(600), cooldown: .seconds(5), volatilityStopMultiple: 4,
            expiryGuard: .seconds(0), marginGuardRatio: 0.8, maxSlippageBps: "5",
            orderTimeout: .seconds(3), hedgeDeadline: .seconds(5), maxHedgeAttempts: 3,
            driftTolerance: "0.02", sampleInterval: .milliseconds(250), window: 160, warmupSamples: 40)
        // Enter on a disagreement of the round trip's fees (2 × 2 bps on sim-a + 2 × 2.5 bps on
        // sim-b = 9 bps) plus 3 bps.
        config.entry = .bps((try? config.roundTripFeeBps + 3) ?? 12)
        var venues: [SimulatedVenue] = []
        for (offset, contract) in feed.contracts.enumerated() {
            var settings = SimulatedVenue.Settings()
            settings.seed = seed &+ 1 &+ UInt64(offset)
            venues.append(SimulatedVenue(name: contract.id.venue, contracts: [contract], settings: settings))
        }
        return PaperScenario(strategies: [config], venues: venues, feed: feed)
    }
}
