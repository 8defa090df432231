import Foundation
@testable import HedgeCore
import Testing
@testable import HedgeVenues

/// Replays of recorded slices: formats, merging, repeatability and the bad-input policy.
@Suite struct ReplayFeedTests {
    @Test func gzipAndPlainGiveTheSameEvents() throws {
        var plain = try ReplayFeed(sources: [ReplaySource(path: ReplayFixtures.path("usdm_head.txt"), format: .binance(venue: "binance-usdm"))],
                                   instruments: [ReplayFixtures.usdm])
        var zipped = try ReplayFeed(sources: [ReplaySource(path: ReplayFixtures.path("usdm_head.gz"), format: .binance(venue: "binance-usdm"))],
                                    instruments: [ReplayFixtures.usdm])
        let events = try plain.drain()
        #expect(events.count > 300)
        #expect(events == (try zipped.drain()))
        #expect(plain.statistics.linesRead == 300 && plain.statistics.skippedTotal == 0)
    }

    @Test func eventsComeOutInVenueTimeOrder() throws {
        var feed = try ReplayFeed(paths: [ReplayFixtures.path("usdm_head.txt")], instruments: [ReplayFixtures.usdm])
        let times = try feed.drain().map(\.time)
        #expect(times == times.sorted())
        #expect(feed.statistics.eventsReordered > 0)
    }

    @Test func replayingTwiceGivesTheSameSequence() throws {
        func run() throws -> [MarketEvent] {
            var feed = try ReplayFeed(paths: [ReplayFixtures.path("usdm_head.gz"), ReplayFixtures.path("cm_head.txt")],
                                      instruments: [ReplayFixtures.usdm, ReplayFixtures.coinm])
            return try feed.drain()
        }
        #expect(try run() == (try run()))
    }

    @Test func mergeOrdersTwoFilesByVenueTime() throws {
        let sources = [ReplaySource(path: ReplayFixtures.path("usdm_head.txt"), format: .binance(venue: "binance-usdm")),
                       ReplaySource(path: ReplayFixtures.path("cm_head.txt"), format: .binance(venue: "binance-coinm"))]
        var feed = try ReplayFeed(sources: sources, instruments: [ReplayFixtures.usdm, ReplayFixtures.coinm])
        let events = try feed.drain()
        #expect(events.map(\.time) == events.map(\.time).sorted())
        #expect(Set(events.map(\.instrument)) == [ReplayFixtures.usdm, ReplayFixtures.coinm])
        #expect(feed.contracts.map(\.id) == [ReplayFixtures.usdm, ReplayFixtures.coinm])
    }

    @Test func onlyTheInstrumentsAskedForReachTheEngine() throws {
        var feed = try ReplayFeed(paths: [ReplayFixtures.path("cryptofeed/20210417_BINANCE_DELIVERY.ws.7.0")], instruments: [ReplayFixtures.coinm])
        let events = try feed.drain()
        #expect(events.allSatisfy { $0.instrument == ReplayFixtures.coinm })
        #expect(feed.statistics.linesNotSelected > 100)
        // The sibling *.http.* snapshot seeds the book, so depth follows (convention B).
        #expect(events.contains { $0.isDepth })
        #expect(feed.statistics.notes.contains { $0.contains("REST snapshots in 20210417_BINANCE_DELIVERY.http.6.0") })
        #expect(feed.statistics.skippedTotal == 0)
    }

    @Test func spotReplayNotesTheMeasuredClockOffset() throws {
        var feed = try ReplayFeed(paths: [ReplayFixtures.path("spot_head.txt")], instruments: [ReplayFixtures.spot])
        let events = try feed.drain()
        #expect(events.contains { $0.quoteValue != nil })
        let note = try #require(feed.statistics.notes.first { $0.contains("spot bookTicker has no event time") })
        #expect(note.contains("+ 1.27"))
    }

    @Test func bybitRecordingGivesQuotesMarksFundingDepthAndTrades() throws {
        var feed = try ReplayFeed(paths: [ReplayFixtures.path("bybit_head.jsonl")], instruments: [ReplayFixtures.bybit])
        let events = try feed.drain()
        #expect(events.allSatisfy { $0.instrument == ReplayFixtures.bybit })
        #expect(events.contains { $0.quoteValue != nil } && events.contains { $0.isDepth } && events.contains { $0.isTrade })
        #expect(events.contains { if case .mark = $0 { true } else { false } })
        #expect(events.contains { if case .fundingRate = $0 { true } else { false } })
        #expect(feed.statistics.skippedTotal == 0, "\(feed.statistics)")
    }

    @Test func truncatedGzipIsReportedWithFileAndLine() throws {
        let source = ReplaySource(path: ReplayFixtures.path("usdm_truncated.gz"), format: .binance(venue: "binance-usdm"))
        var skipping = try ReplayFeed(sources: [source], instruments: [ReplayFixtures.usdm])
        let events = try skipping.drain()
        #expect(!events.isEmpty)
        #expect(skipping.statistics.skipped[.truncatedGzip] == 1)
        let message = try #require(skipping.statistics.examples[.truncatedGzip]?.first)
        #expect(message.hasPrefix("usdm_truncated.gz:\(skipping.statistics.linesRead):"))
        var stopping = try ReplayFeed(sources: [source], instruments: [ReplayFixtures.usdm], options: ReplayOptions(policy: .stop))
        #expect { _ = try stopping.drain() } throws: { ($0 as? ReplayError)?.fault.kind == .truncatedGzip }
    }

    @Test func malformedLineIsCountedUnderSkipAndFatalUnderStop() throws {
        var lines = try ReplayFixtures.lines("usdm_head.txt").prefix(10).map { $0 }
        lines[4] = String(lines[4].prefix(60))   // cut mid-JSON
        let path = try ReplayFixtures.temporaryFile("usdm_bad.txt", lines.joined(separator: "\n") + "\n")
        let source = ReplaySource(path: path, format: .binance(venue: "binance-usdm"))
        var skipping = try ReplayFeed(sources: [source], instruments: [ReplayFixtures.usdm])
        _ = try skipping.drain()
        #expect(skipping.statistics.skipped == [.malformedJSON: 1])
        #expect(skipping.statistics.examples[.malformedJSON]?.first?.hasPrefix("usdm_bad.txt:5: malformed JSON") == true)
        var stopping = try ReplayFeed(sources: [source], instruments: [ReplayFixtures.usdm], options: ReplayOptions(policy: .stop))
        #expect { _ = try stopping.drain() } throws: { ($0 as? ReplayError)?.description.hasPrefix("usdm_bad.txt:5: malformed JSON") == true }
        // Through the MarketFeed protocol the replay ends and keeps the error.
        var protocolFeed = try ReplayFeed(sources: [source], instruments: [ReplayFixtures.usdm], options: ReplayOptions(policy: .stop))
        while protocolFeed.next() != nil {}
        #expect(protocolFeed.failure?.line == 5)
    }

    @Test func eventLaterThanTheReorderWindowIsOutOfOrder() throws {
        let line = { (local: Int, time: Int) in
            "\(local) {\"stream\":\"btcusdt@bookTicker\",\"data\":{\"e\":\"bookTicker\",\"u\":1,\"s\":\"BTCUSDT\",\"b\":\"1\",\"B\":\"1\",\"a\":\"2\",\"A\":\"1\",\"T\":\(time),\"E\":\(time)}}"
        }
        // 1000 ms, then 2000 ms, then 1500 ms: 500 ms late, beyond a 250 ms window.
        let path = try ReplayFixtures.temporaryFile("late.txt", [line(1, 1000), line(2, 2000), line(3, 1500), line(4, 2100)].joined(separator: "\n"))
        let source = ReplaySource(path: path, format: .binance(venue: "binance-usdm"))
        var feed = try ReplayFeed(sources: [source], instruments: [ReplayFixtures.usdm])
        #expect(try feed.drain().map(\.time.nanoseconds) == [1000, 2000, 2100].map { $0 * 1_000_000 })
        #expect(feed.statistics.skipped == [.outOfOrder: 1])
    }

    @Test func unknownFileNameAsksForTheFormat() {
        #expect { _ = try ReplaySource(path: "/tmp/mystery.dat") } throws: { ($0 as? ReplayError)?.description.contains("ReplaySource(path:format:)") == true }
    }
}
