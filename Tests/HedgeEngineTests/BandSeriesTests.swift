import Foundation
@testable import HedgeCore
@testable import HedgeVenues
import Testing
@testable import HedgeEngine

/// The entry and exit bands travel as series, as they were at each time, so the chart can show a
/// past entry against the band it crossed; entries say which leg was rich.
@Suite struct BandSeriesTests {
    static func run(_ name: PaperScenario.Name, seconds: Int64) -> StrategySnapshot? {
        let start = Timestamp(seconds: 1_800_000_000)
        let engine = name.scenario(start: start, seed: 42).makeEngine(startedAt: start)
        var time = start
        while time < start + .seconds(seconds) {
            time = time + .milliseconds(100)
            engine.run(until: time)
        }
        return engine.snapshot().strategies.first
    }

    @Test func theBandsAreKeptAsTheyWereAndEndAtTodaysBand() throws {
        let strategy = try #require(Self.run(.calendar, seconds: 120))
        let entry = try #require(strategy.entryBandBps)
        let last = try #require(strategy.entryBandSeries.last)
        // Kept to a hundredth of a bp.
        #expect(abs(last.upper - entry.upper) <= 0.005 && abs(last.lower - entry.lower) <= 0.005)
        let exit = try #require(strategy.exitBandBps)
        let lastExit = try #require(strategy.exitBandSeries.last)
        #expect(abs(lastExit.upper - exit.upper) <= 0.005 && abs(lastExit.lower - exit.lower) <= 0.005)
        // The band moved over two minutes: not one value drawn across the window.
        #expect(Set(strategy.entryBandSeries.map(\.upper)).count > 10)
        #expect(strategy.entryBandSeries.allSatisfy { $0.upper >= $0.lower })
        // Sampled with the spread: every band point is at a time the spread has a point.
        let spreadTimes = Set(strategy.spreadSeries.map(\.time))
        #expect(strategy.entryBandSeries.allSatisfy { spreadTimes.contains($0.time) })
    }

    @Test func anEntryMarkerSaysWhichLegWasRich() throws {
        let strategy = try #require(Self.run(.calendar, seconds: 300))
        let entries = strategy.markers.filter { $0.kind == .entry }
        try #require(!entries.isEmpty, "no spread opened in 5 minutes of the calendar demo")
        #expect(entries.allSatisfy { $0.richLeg != nil })
        #expect(strategy.markers.filter { $0.kind == .exit }.allSatisfy { $0.richLeg == nil })
    }

    @Test func aBandPointTravelsAsThreeNumbers() throws {
        let point = BandPoint(time: Timestamp(nanoseconds: 1_800_000_000_123_456_789), upper: 52.37, lower: -3.5)
        let json = String(decoding: try JSONEncoder().encode(point), as: UTF8.self)
        #expect(json == "[1800000000123456789,52.37,-3.5]")
        #expect(try JSONDecoder().decode(BandPoint.self, from: Data(json.utf8)) == point)
    }

    @Test func aSnapshotFromAServerWithoutBandsStillDecodes() throws {
        let strategy = try #require(Self.run(.calendar, seconds: 30))
        #expect(!strategy.entryBandSeries.isEmpty)
        var object = try #require(try JSONSerialization.jsonObject(with: try JSONEncoder().encode(strategy)) as? [String: Any])
        object["entryBandSeries"] = nil
        object["exitBandSeries"] = nil
        let decoded = try JSONDecoder().decode(StrategySnapshot.self, from: try JSONSerialization.data(withJSONObject: object))
        #expect(decoded.entryBandSeries.isEmpty && decoded.exitBandSeries.isEmpty)
        #expect(decoded.spreadSeries == strategy.spreadSeries)
        // And the other way: a snapshot with them round-trips whole.
        let again = try JSONDecoder().decode(StrategySnapshot.self, from: try JSONEncoder().encode(strategy))
        #expect(again.entryBandSeries == strategy.entryBandSeries && again.exitBandSeries == strategy.exitBandSeries)
    }
}
