import Foundation
@testable import HedgeCore
@testable import HedgeEngine
@testable import HedgeVenues
import Testing

/// Issue 13, defects 3 and 4 on the real 2024 recordings: market orders walk every level the
/// feed gave, a bound on the kept levels never leaves a leg unhedged, and fills priced from the
/// top of book alone are named in the report.
@Suite("Replays on full depth")
struct FullDepthReplayTests {
    /// At 500,000 USD a leg the closes walk past the 20 levels the books used to keep: they were
    /// cut short ("IOC remainder: no more liquidity in the book") and the legs unwound.
    @Test("a close the recorded book easily holds fills in full")
    func largeCloseFillsInFull() async throws {
        guard RecordingSlices.available else { return }
        let report = try await RecordingSlices.replay([RecordingSlices.usdm, RecordingSlices.coinm], notional: 500_000)
        let strategy = report.strategies[0]
        #expect(strategy.cycles == 3)
        for trade in strategy.trades {
            #expect(trade.reason?.contains("incomplete") == false, "\(trade)")
            #expect(trade.reason?.contains("unwinding") == false, "\(trade)")
        }
        #expect(strategy.openPositions.isEmpty)
        #expect(report.input?.notes.contains { $0.hasPrefix("books: every depth level the feed gave, up to 100000 a side") } == true)
    }

    @Test("with the books bound to 20 levels a side, a market order past them still fills and no leg is left unhedged")
    func boundNeverLeavesALegUnhedged() async throws {
        guard RecordingSlices.available else { return }
        let text = """
        [replay]
        files = ["\(RecordingSlices.usdm)", "\(RecordingSlices.coinm)"]
        max_book_levels = 20
        [venues.binance-usdm]
        taker_fee = 0.0001
        [venues.binance-coinm]
        taker_fee = 0.0001
        [[strategies]]
        kind = "basis"
        legs = ["binance-usdm:BTCUSDT", "binance-coinm:BTCUSD_PERP"]
        target_notional = 500000
        entry = "2z"
        exit = "0.5z"
        """
        let setup = try HedgetopConfig.parse(text, file: "replay.toml").replaySetup(ReplayOverrides())
        #expect(setup.venues.allSatisfy { $0.settings.maxBookLevels == 20 })
        let report = try await RecordingSlices.run(setup)
        let strategy = report.strategies[0]
        #expect(strategy.finalState != .error)
        #expect(strategy.openPositions.isEmpty)
        #expect(strategy.cycles == 3)
        for trade in strategy.trades { #expect(trade.reason?.contains("incomplete") == false, "\(trade)") }
        let note = try #require(report.input?.notes.first { $0.hasPrefix("books:") })
        #expect(note.contains("up to 20 a side (replay.max_book_levels)"))
        #expect(note.contains("levels beyond it dropped"))
    }

    /// The USD-M file without its REST snapshot line (line 55): its depth never starts, so every
    /// fill on that leg is priced from bookTicker tops alone, and the report names the orders.
    @Test("fills made with only the top of book are counted and named by order in the report")
    func topOfBookOnlyFillsAreReported() async throws {
        guard RecordingSlices.available else { return }
        let lines = try RecordingSlices.lines(RecordingSlices.usdm)
        #expect(lines[54].hasPrefix("1723161255319702566 {\"lastUpdateId\""))
        let withoutSnapshot = try RecordingSlices.write(lines[..<54] + lines[55...], as: "usdm_btcusdt_nosnapshot.txt")
        let report = try await RecordingSlices.replay([withoutSnapshot, RecordingSlices.coinm])
        let top = report.topOfBookOnly
        #expect(top.fills > 0 && top.fills < top.ofFills)
        #expect(!top.orders.isEmpty)
        #expect(report.text.contains("fills with only the top of book to go on: \(top.fills) of \(top.ofFills) (orders \(top.orders.joined(separator: ", ")))"))
        let json = try JSONEncoder().encode(report)
        let decoded = try JSONSerialization.jsonObject(with: json) as? [String: Any]
        let field = try #require(decoded?["topOfBookOnly"] as? [String: Any])
        #expect(field["orders"] as? [String] == top.orders)

        // With the snapshot, no fill has only the top to go on.
        let whole = try await RecordingSlices.replay([RecordingSlices.usdm, RecordingSlices.coinm])
        #expect(whole.topOfBookOnly.fills == 0 && whole.topOfBookOnly.ofFills > 0)
    }
}
