import Foundation
import HedgeCore
import HedgeEngine
import HedgeVenues

// A plain executable for profilers (valgrind --tool=callgrind): replays a quote CSV through
// ReplayFeed alone (`feed`) or through the Engine with one basis strategy (`engine`); the files
// may be a quote CSV or the raw Binance recordings of the two legs (.gz). `snapshot` is the
// "4 changed by commands" benchmark as a plain loop (`SnapshotProfile`).
//   swift build -c release --package-path Benchmarks --product ReplayProfile
//   valgrind --tool=callgrind Benchmarks/.build/release/ReplayProfile engine /tmp/quotes.csv
let arguments = CommandLine.arguments
guard arguments.count >= 3, ["feed", "engine", "snapshot"].contains(arguments[1]) else {
    print("usage: ReplayProfile feed|engine FILE... | ReplayProfile snapshot USDM.gz COINM.gz [ITERATIONS]")
    exit(2)
}
if arguments[1] == "snapshot" {
    profileSnapshots(files: Array(arguments[2...3]), iterations: arguments.count > 4 ? Int(arguments[4])! : 1_000)
    exit(0)
}
let usdm = InstrumentID(venue: "binance-usdm", symbol: "BTCUSDT")
let coinm = InstrumentID(venue: "binance-coinm", symbol: "BTCUSD_PERP")
let start = ContinuousClock.now
var feed = try ReplayFeed(paths: Array(arguments[2...]), instruments: [usdm, coinm])
var count = 0
if arguments[1] == "feed" {
    while feed.next() != nil { count += 1 }
} else {
    let specs = PerLeg(a: try ContractCatalog.builtIn.spec(for: usdm), b: try ContractCatalog.builtIn.spec(for: coinm))
    let config = StrategyConfig(
        name: "basis", kind: .basis, legs: specs, targetNotional: 50_000, entry: .bps(50), exit: .bps(10),
        stopLossBps: "100", maxHolding: .seconds(24 * 3600), cooldown: .seconds(30), volatilityStopMultiple: nil,
        maxSlippageBps: "10", sampleInterval: .milliseconds(100), window: 600, warmupSamples: 100)
    let venues = [SimulatedVenue(name: usdm.venue, contracts: [specs.a]), SimulatedVenue(name: coinm.venue, contracts: [specs.b])]
    let engine = Engine(strategies: [config], venues: venues, feed: feed, mode: .replay, startedAt: nil)
    while let next = engine.nextEventTime { count += engine.run(until: next) }
}
let seconds = (ContinuousClock.now - start).secondsDouble
print("\(arguments[1]): \(count) events in \(String(format: "%.3f", seconds)) s, \(Int(Double(count) / seconds)) events/s")
