import Foundation
import HedgeCore
import HedgeEngine
import HedgeVenues

/// The benchmark "Engine.snapshot() with 100 strategies, 4 changed by commands" as a plain loop,
/// for callgrind: 100 basis strategies after 60,000 events of the two Binance recordings, then
/// per iteration 4 pause/resume commands and one snapshot. Setup is timed apart, so a profile
/// can subtract it (run once with 0 iterations).
func profileSnapshots(files: [String], iterations: Int) {
    let usdm = InstrumentID(venue: "binance-usdm", symbol: "BTCUSDT")
    let coinm = InstrumentID(venue: "binance-coinm", symbol: "BTCUSD_PERP")
    let specs = PerLeg(a: try! ContractCatalog.builtIn.spec(for: usdm), b: try! ContractCatalog.builtIn.spec(for: coinm))
    let configs = (0..<100).map { index in
        StrategyConfig(
            name: "basis-\(index)", kind: .basis, legs: specs, targetNotional: 50_000,
            entry: .bps(50), exit: .bps(10), minEdgeBps: "1", profitTargetBps: nil,
            stopLossBps: "100", spreadStopBps: nil, maxHolding: .seconds(24 * 3600), cooldown: .seconds(30),
            volatilityStopMultiple: nil, expiryGuard: .seconds(3600), marginGuardRatio: 0.8, maxSlippageBps: "10",
            orderTimeout: .seconds(5), hedgeDeadline: .seconds(10), maxHedgeAttempts: 3, driftTolerance: "0.02",
            sampleInterval: .milliseconds(100), window: 600, warmupSamples: 100)
    }
    let venues = [SimulatedVenue(name: usdm.venue, contracts: [specs.a]), SimulatedVenue(name: coinm.venue, contracts: [specs.b])]
    let feed = try! ReplayFeed(paths: files, instruments: [usdm, coinm])
    let engine = Engine(strategies: configs, venues: venues, feed: feed, mode: .replay, startedAt: nil)
    var processed = 0
    while processed < 60_000, let next = engine.nextEventTime { processed += engine.run(until: next) }
    _ = engine.snapshot()
    var id: UInt64 = 1_000
    var strategies = 0
    let start = ContinuousClock.now
    for iteration in 0..<iterations {
        for strategy in [3, 29, 55, 81] {
            id += 1
            engine.apply(EngineCommand(id: id, strategy: "basis-\(strategy)", action: iteration % 2 == 0 ? .pause : .resume), at: engine.now)
        }
        strategies &+= engine.snapshot().strategies.count
    }
    let seconds = (ContinuousClock.now - start).secondsDouble
    print("snapshot: \(iterations) iterations in \(String(format: "%.3f", seconds)) s, \(Int(seconds * 1e6 / Double(max(iterations, 1)))) µs each (\(strategies) strategies seen)")
}
