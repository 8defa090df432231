import HedgeCore
@testable import HedgeEngine
import HedgeVenues
import Testing
@testable import HedgeTerminal

/// LIVE-PAPER's header: every venue's feed in the most detailed form that fits the width.
@Suite("Header: live feeds at every width")
struct LiveFeedHeaderTests {
    static var snapshot: EngineSnapshot {
        var snapshot = SnapshotFixture.snapshot
        snapshot.strategies = [SnapshotFixture.strategy]
        snapshot.mode = .livePaper
        let now = snapshot.time
        snapshot.feeds = [
            FeedHealth(venue: "binance-coinm", state: .live, lastMessageAt: now, latencyP50Millis: 20, latencyP99Millis: 150),
            FeedHealth(venue: "binance-usdm", state: .live, lastMessageAt: now, latencyP50Millis: 14, latencyP99Millis: 231),
        ]
        return snapshot
    }

    static func header(width: Int) -> String {
        var buffer = Buffer(width: width, height: 1)
        HeaderBar(snapshot: snapshot, selected: 0).render(into: &buffer, area: buffer.area, glyphs: .unicode)
        return buffer.lines()[0].replacingOccurrences(of: " +$", with: "", options: .regularExpression)
    }

    @Test("Wide: each latency figure named; 120 columns (two venues): p50/p99 kept, shortened; narrower: the age, then the state alone")
    func detailFollowsWidth() {
        #expect(Self.header(width: 170).hasSuffix("binance-coinm ● live 0.0s lat p50 20ms p99 150ms  binance-usdm ● live 0.0s lat p50 14ms p99 231ms"))
        #expect(Self.header(width: 120).hasSuffix("binance-coinm ● live 0.0s lat 20/150ms  binance-usdm ● live 0.0s lat 14/231ms"))
        #expect(Self.header(width: 100).hasSuffix("binance-coinm ● live 0.0s  binance-usdm ● live 0.0s"))
        #expect(Self.header(width: 80).hasSuffix("binance-coinm ● live  binance-usdm ● live"))
    }
}
