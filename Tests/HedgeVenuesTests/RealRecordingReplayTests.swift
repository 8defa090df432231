import Foundation
@testable import HedgeCore
import Testing
@testable import HedgeVenues

/// The whole 2024 BTCUSDT (USD-M) + BTCUSD_PERP (COIN-M) pair from shared/data, as the
/// basis strategy replays it (about 3.5 s in a debug build here). HEDGETOP_QUICK_REPLAY=1
/// replays only the smaller COIN-M file.
@Suite struct RealRecordingReplayTests {
    static var full: Bool { ProcessInfo.processInfo.environment["HEDGETOP_QUICK_REPLAY"] != "1" }

    @Test func wholeBasisPairReplaysWithNothingSkipped() throws {
        let folder = ReplayFixtures.sharedData.appendingPathComponent("binance")
        let usdm = folder.appendingPathComponent("usdm_btcusdt_20240808.gz").path
        let coinm = folder.appendingPathComponent("cm_btcusd_perp_20240808.gz").path
        try #require(FileManager.default.fileExists(atPath: coinm), "shared/data is missing")
        let paths = Self.full ? [usdm, coinm] : [coinm]
        var feed = try ReplayFeed(paths: paths, instruments: [ReplayFixtures.usdm, ReplayFixtures.coinm])
        var trades: [InstrumentID: Int] = [:]
        var quotes: [InstrumentID: Int] = [:]
        var last = Timestamp.zero
        var ordered = true
        while let event = try feed.nextEvent() {
            if event.time < last { ordered = false }
            last = event.time
            if event.isTrade { trades[event.instrument, default: 0] += 1 }
            if event.quoteValue != nil { quotes[event.instrument, default: 0] += 1 }
        }
        let statistics = feed.statistics
        #expect(ordered)
        #expect(statistics.skippedTotal == 0, "\(statistics)")
        // Line counts from shared/data/README.md; trades counted with zcat | grep -c @trade.
        #expect(statistics.linesRead == (Self.full ? 93_954 + 48_270 : 48_270))
        #expect(trades[ReplayFixtures.coinm] == 2_286)
        // Every bookTicker (19,136 COIN-M, 66,089 USD-M) is a quote; rebuilt-book tops add more.
        #expect(quotes[ReplayFixtures.coinm, default: 0] >= 19_136)
        if Self.full {
            #expect(trades[ReplayFixtures.usdm] == 21_313)
            #expect(quotes[ReplayFixtures.usdm, default: 0] >= 66_089)
        }
    }
}
