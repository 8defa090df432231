import Foundation
import HedgeCore
import HedgeEngine
import HedgeVenues
import Logging
import Testing
@testable import HedgeLive

/// LIVE-PAPER's engine side: a feed that never ends, whose venues' health reaches the snapshot,
/// the event log and the strategies (a leg on a venue that is not live takes no entry).
@Suite struct LivePaperEngineTests {
    let t0 = Timestamp(milliseconds: 1_764_676_800_000)

    func setup() throws -> LivePaperSetup {
        let path = NSTemporaryDirectory() + "hedgetop-live-\(UUID().uuidString).toml"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try """
        [venues.binance-usdm]
        kind = "binance-usdm"
        ws_url = "ws://127.0.0.1:9"
        [venues.binance-coinm]
        kind = "binance-coinm"
        [[strategies]]
        name = "x"
        kind = "cross"
        legs = ["binance-usdm:BTCUSDT", "binance-coinm:BTCUSD_PERP"]
        target_notional = 20000
        entry = "2z"
        exit = "0.5z"
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let file = HedgetopConfig.load(path: path)
        #expect(file.isLive)
        return try file.livePaperSetup(catalog: .builtIn)
    }

    @Test func theFileNamesLiveVenuesAndTheirEndpoints() throws {
        let setup = try setup()
        #expect(setup.instruments.map(\.description).sorted() == ["binance-coinm:BTCUSD_PERP", "binance-usdm:BTCUSDT"])
        #expect(setup.live["binance-usdm"]?.webSocketURL == "ws://127.0.0.1:9")
        let venues = try LiveVenues.venues(of: setup)
        #expect(venues.map(\.endpoint.kind) == [.binanceCOINM, .binanceUSDM])
        #expect(venues.first?.endpoint.restURL == "https://dapi.binance.com")
        #expect(venues.map(\.symbols) == [["BTCUSD_PERP"], ["BTCUSDT"]])
    }

    @Test func healthReachesTheSnapshotTheLogAndTheLegs() throws {
        let setup = try setup()
        let market = LiveMarket(venues: ["binance-coinm", "binance-usdm"], logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let engine = Engine(strategies: setup.strategies, venues: setup.venues, feed: LiveFeed(contracts: setup.contracts, market: market),
                            mode: .livePaper, startedAt: t0, limits: setup.limits)
        // Nothing has arrived: the feed has not ended, the run goes on.
        engine.run(until: t0 + .milliseconds(100))
        #expect(!engine.isFinished)
        market.health(FeedHealth(venue: "binance-usdm", state: .live, lastMessageAt: t0))
        market.health(FeedHealth(venue: "binance-coinm", state: .resyncing, lastMessageAt: t0, detail: "book of BTCUSD_PERP out of sequence: new snapshot"))
        let usdm = InstrumentID(venue: "binance-usdm", symbol: "BTCUSDT"), coinm = InstrumentID(venue: "binance-coinm", symbol: "BTCUSD_PERP")
        market.deliver([.quote(usdm, Quote(bid: "60000.0", bidSize: "5", ask: "60000.1", askSize: "5", time: .zero)),
                        .quote(coinm, Quote(bid: "60001.0", bidSize: "500", ask: "60001.1", askSize: "500", time: .zero))],
                       receivedAt: t0 + .milliseconds(150))
        engine.run(until: t0 + .milliseconds(300))
        let snapshot = engine.snapshot()
        #expect(snapshot.mode == .livePaper)
        #expect(snapshot.feeds?.map(\.state) == [.resyncing, .live])
        let strategy = try #require(snapshot.strategies.first)
        #expect(strategy.legs.b.freshness?.unavailable == "binance-coinm resyncing: book of BTCUSD_PERP out of sequence: new snapshot")
        #expect(strategy.legs.a.freshness?.unavailable == nil)
        // The quotes reached the strategy, stamped with their receipt time.
        #expect(strategy.legs.a.quote?.bid == "60000.0")
        #expect(strategy.legs.a.quote?.time == t0 + .milliseconds(150))
        #expect(snapshot.log.contains { $0.message.contains("venue binance-coinm resyncing") && $0.message.contains("no entry or adjustment") })
        // Back in sequence: trusted again, and the log says so.
        market.health(FeedHealth(venue: "binance-coinm", state: .live, lastMessageAt: t0 + .milliseconds(300)))
        engine.run(until: t0 + .milliseconds(500))
        let after = engine.snapshot()
        #expect(after.strategies.first?.legs.b.freshness?.unavailable == nil)
        #expect(after.log.contains { $0.message == "venue binance-coinm live: entries allowed again" })
    }

    @Test func aVenueThatStaysDownIsSaidOncePerReasonNotAtEveryRetry() throws {
        let setup = try setup()
        let market = LiveMarket(venues: ["binance-coinm", "binance-usdm"], logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let engine = Engine(strategies: setup.strategies, venues: setup.venues, feed: LiveFeed(contracts: setup.contracts, market: market),
                            mode: .livePaper, startedAt: t0, limits: setup.limits)
        var time = t0
        for _ in 0..<3 {
            market.health(FeedHealth(venue: "binance-usdm", state: .down, detail: "cannot resolve fstream.binance.com (DNS failure: no such host, or no network)"))
            time = time + .milliseconds(200)
            engine.run(until: time)
            market.health(FeedHealth(venue: "binance-usdm", state: .connecting, detail: "cannot resolve fstream.binance.com (DNS failure: no such host, or no network)"))
            time = time + .milliseconds(200)
            engine.run(until: time)
        }
        let lines = engine.snapshot().log.map(\.message).filter { $0.hasPrefix("venue binance-usdm") }
        #expect(lines == ["venue binance-usdm down: cannot resolve fstream.binance.com (DNS failure: no such host, or no network); no entry or adjustment on its legs"], "\(lines)")
    }
}
