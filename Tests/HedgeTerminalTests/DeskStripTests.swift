@testable import HedgeCore
@testable import HedgeEngine
import Testing
@testable import HedgeTerminal

/// The desk strip under the header at 80, 120 and 200 columns, one and two rows: net today
/// first, then open spreads against the limit and the largest exposures, then the rest as room
/// allows. Re-record with `HEDGETOP_RECORD=1 swift test --filter DeskStripTests`.
@Suite struct DeskStripTests {
    static let desk = DeskSummary(
        netToday: "1234.5", realisedToday: "1500", todayFrom: SnapshotFixture.start, net: "-2345.67", realised: "3021.4",
        openSpreads: 3, openLimit: 3,
        exposures: [AssetExposure(asset: "BTC", quantity: "0.1", usd: "6000"), AssetExposure(asset: "ETH", quantity: "-1.5", usd: "-3750")],
        margins: [AccountMargin(venue: "binance-coinm", asset: "BTC", utilisation: 0.05, marginRatio: 0.01, available: "2.5"),
                  AccountMargin(venue: "binance-usdm", asset: "USDT", utilisation: 0.125, marginRatio: 0.03, available: "900000"),
                  AccountMargin(venue: "bybit", asset: "USDT", utilisation: 0.62, marginRatio: 0.2, available: "150000")],
        funding: [FundingAhead(instrument: InstrumentID(venue: "bybit", symbol: "BTCUSDT"), rate: "-0.00005",
                               time: SnapshotFixture.at(4 * 3600), held: "-0.1"),
                  FundingAhead(instrument: InstrumentID(venue: "binance-coinm", symbol: "BTCUSD_PERP"), rate: "0.0001",
                               time: SnapshotFixture.at(8 * 3600), held: "-180")])

    static func lines(_ desk: DeskSummary, width: Int, height: Int) -> [String] {
        var buffer = Buffer(width: width, height: height)
        DeskStrip(desk: desk).render(into: &buffer, area: buffer.area, glyphs: .unicode)
        return buffer.lines().map { $0.replacingOccurrences(of: " +$", with: "", options: .regularExpression) }
    }

    @Test(arguments: [(80, 1), (80, 2), (120, 1), (120, 2), (200, 1), (200, 2)])
    func deskMatchesItsExpectedText(width: Int, height: Int) throws {
        try GoldenText.check(Self.lines(Self.desk, width: width, height: height), against: "desk-\(width)x\(height).txt")
    }

    @Test("net today comes first at every width, then open spreads against the limit and the largest exposure")
    func mostImportantFirst() throws {
        for width in [80, 120, 200] {
            let line = try #require(Self.lines(Self.desk, width: width, height: 1).first)
            let today = try #require(line.range(of: "+1,234.50"))
            let open = try #require(line.range(of: "open 3/3"))
            let btc = try #require(line.range(of: "BTC +0.1000"))
            #expect(today.upperBound <= open.lowerBound && open.upperBound <= btc.lowerBound, "\(width): \(line)")
        }
    }

    @Test("after a restart with older trades, today says from when it counts")
    func todayAfterRestartSaysItsStart() {
        var desk = Self.desk
        desk.todayFrom = SnapshotFixture.at(9 * 3600 + 14 * 60 + 5)
        let line = Self.lines(desk, width: 120, height: 1)[0]
        #expect(line.contains("desk since 09:14 +1,234.50"), "\(line)")
        #expect(!line.contains("today"))
    }

    @Test("the dashboard draws the desk under the header: one row below 40 rows, two from 40")
    func dashboardHasTheStrip() {
        var snapshot = SnapshotFixture.snapshot
        snapshot.desk = Self.desk
        let small = Dashboard(glyphs: .unicode).render(snapshot, input: ScreenInput(), width: 100, height: 30).lines()
        #expect(small[1].contains("desk today") && small[1].contains("+1,234.50"), "\(small[1])")
        #expect(!small[2].contains("margin"), "\(small[2])")
        let large = Dashboard(glyphs: .unicode).render(snapshot, input: ScreenInput(), width: 120, height: 40).lines()
        #expect(large[1].contains("desk today net +1,234.50"))
        #expect(large[2].contains("margin binance-coinm BTC 5.0%"))
    }
}
