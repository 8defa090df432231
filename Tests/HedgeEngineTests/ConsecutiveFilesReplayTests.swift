import Foundation
@testable import HedgeCore
@testable import HedgeEngine
@testable import HedgeVenues
import Testing

/// Issue 13, defect 2: a day's file that continues the previous day's (no snapshot line; its
/// first depth update's `pu` is the last `u` before) keeps one book across both files.
@Suite("Consecutive recordings: one book across files")
struct ConsecutiveFilesReplayTests {
    /// The USD-M recording split before line 40,001 (its snapshot is line 55, the first spread
    /// opens at 23:57:52, near line 57,000): everything traded is traded on the second file's book.
    @Test("a recording split in two (given in reverse order) replays to the same fills and money as the whole file")
    func splitReplaysLikeTheWhole() async throws {
        guard RecordingSlices.available else { return }
        let whole = try await RecordingSlices.replay([RecordingSlices.usdm, RecordingSlices.coinm])
        let parts = try RecordingSlices.split(RecordingSlices.usdm, before: 40_001, prefix: "usdm_btcusdt")
        let split = try await RecordingSlices.replay([parts.second, RecordingSlices.coinm, parts.first])
        let (a, b) = (whole.strategies[0], split.strategies[0])
        #expect(!a.trades.isEmpty)
        #expect(b.trades == a.trades)
        #expect(b.pnl == a.pnl)
        #expect(split.latency.orders == whole.latency.orders)
        #expect(split.input?.linesRead == whole.input?.linesRead)
        #expect(split.input?.events == whole.input?.events)
        #expect(split.input?.skipped == [:])
        #expect(split.input?.notes.contains { $0.contains("usdm_btcusdt_part1.txt → usdm_btcusdt_part2.txt: read as one recording") } == true)
    }

    /// The same split with the second file's first depth update left out: its successor's `pu`
    /// does not meet the last `u` of the first file.
    @Test("a gap between two files is counted with an example, and the book waits for a snapshot")
    func gapBetweenFilesIsReported() async throws {
        guard RecordingSlices.available else { return }
        let parts = try RecordingSlices.split(RecordingSlices.usdm, before: 40_001, prefix: "usdm_btcusdt") { $0.contains("@depth") }
        let report = try await RecordingSlices.replay([parts.first, parts.second, RecordingSlices.coinm])
        let input = try #require(report.input)
        #expect(input.skipped["book gap"] == 1)
        let example = try #require(input.examples["book gap"]?.first)
        #expect(example.hasPrefix("usdm_btcusdt_part2.txt:"))
        #expect(example.contains("does not follow u="))
    }

    /// Spot rules (`U == previous u + 1`): the book rebuilt from the split files' depth events
    /// ends equal to the one from the whole file.
    @Test("a spot recording split in two ends with the same book as the whole file")
    func spotBookCarriesAcross() async throws {
        guard RecordingSlices.available else { return }
        let parts = try RecordingSlices.split(RecordingSlices.spot, before: 20_001, prefix: "spot_btcusdt")
        func book(_ paths: [String]) throws -> (SimulatedBook, Int) {
            var feed = try ReplayFeed(paths: paths, instruments: [InstrumentID(venue: "binance-spot", symbol: "BTCUSDT")])
            var book = SimulatedBook()
            var updates = 0
            while let event = feed.next() {
                switch event {
                case .depth(_, let depth): book.apply(depth)
                case .bookUpdate(_, let update): book.apply(update); updates += 1
                default: break
                }
            }
            #expect(feed.statistics.skipped.isEmpty)
            return (book, updates)
        }
        let (whole, wholeUpdates) = try book([RecordingSlices.spot])
        let (split, splitUpdates) = try book([parts.second, parts.first])
        #expect(splitUpdates == wholeUpdates)
        #expect(split.levels(.buy) == whole.levels(.buy))
        #expect(split.levels(.sell) == whole.levels(.sell))
        #expect(whole.levels(.buy).count > 1_000)
    }
}
