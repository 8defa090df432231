import Foundation
@testable import HedgeCore
import Testing
@testable import HedgeVenues

/// The 2026 Bybit recording holds a linear connection's lines and then a spot connection's,
/// each in venue-time order of its own: merged by venue time, neither may be dropped.
@Suite struct BybitConnectionsReplayTests {
    static let path = ReplayFixtures.sharedData.appendingPathComponent("bybit/20260809_BYBIT_v5_linear_spot.jsonl").path
    static let spot = InstrumentID(venue: "bybit-spot", symbol: "BTCUSDT")

    static func replay(_ instruments: [InstrumentID]) throws -> (events: [MarketEvent], statistics: ReplayStatistics) {
        var feed = try ReplayFeed(paths: [path], instruments: instruments)
        let events = try feed.drain()
        return (events, feed.statistics)
    }

    @Test func aSecondConnectionInTheSameFileIsMergedByVenueTime() throws {
        try #require(FileManager.default.fileExists(atPath: Self.path), "shared/data is missing")
        let both = try Self.replay([ReplayFixtures.bybit, Self.spot])
        let linear = try Self.replay([ReplayFixtures.bybit]).events
        let spot = try Self.replay([Self.spot]).events
        #expect(both.statistics.skipped[.outOfOrder] == nil, "\(both.statistics)")
        #expect(!spot.isEmpty && !linear.isEmpty)
        #expect(both.events.filter { $0.instrument == Self.spot } == spot)
        #expect(both.events.filter { $0.instrument == ReplayFixtures.bybit } == linear)
        #expect(zip(both.events, both.events.dropFirst()).allSatisfy { $0.time <= $1.time })
        // Every line is counted once, as when one connection is read.
        #expect(both.statistics.linesRead == (try Self.replay([ReplayFixtures.bybit]).statistics.linesRead))
    }
}
