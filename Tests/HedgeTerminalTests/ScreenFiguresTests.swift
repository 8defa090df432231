@testable import HedgeCore
@testable import HedgeEngine
import Testing
@testable import HedgeTerminal

/// Figures on the screen: PnL parts that add up with one sign convention, prices to the tick,
/// one thousands rule, y labels of one width, round trips that say which figures they are.
@Suite struct ScreenFiguresTests {
    static func sum(_ terms: [(label: String, amount: FixedDecimal)]) throws -> FixedDecimal {
        try terms.reduce(FixedDecimal.zero) { try $0 + $1.amount }
    }

    @Test func pnlTermsAreSignedAsWhatTheyAddToNet() throws {
        // 12.50 − 2.50 + 0.10 − 0.55 = 9.55
        let terms = PnLPanel.terms(SnapshotFixture.strategy.pnl)
        #expect(terms.map(\.label) == ["real", "fees", "fund", "unreal"])
        #expect(terms.map(\.amount) == ["12.50", "-2.50", "0.10", "-0.55"])
        #expect(try Self.sum(terms) == SnapshotFixture.strategy.pnl.net)
    }

    @Test func theShownTermsAddUpToTheShownNetAfterRounding() throws {
        // Exact: 32.515 − 40.345 = −7.83. Rounded apart (half-even) they read 32.52 and −40.34,
        // which sum to −7.82: the real term, rounded up the most, gives the cent back.
        let pnl = PnLSummary(realised: "32.515", unrealised: .zero, fees: "40.345", funding: .zero, net: "-7.83")
        let terms = PnLPanel.terms(pnl)
        #expect(terms.map(\.amount) == ["32.51", "-40.34", "0", "0"])
        #expect(try Self.sum(terms) == "-7.83")
    }

    @Test func aNetThatIsNotItsPartsIsNotDressedUp() {
        let pnl = PnLSummary(realised: "10", unrealised: .zero, fees: "1", funding: .zero, net: "5")
        #expect(PnLPanel.terms(pnl).map(\.amount) == ["10", "-1", "0", "0"])
    }

    @Test func thePnLLineReadsAsASum() {
        let (head, rows) = PnLPanel.lines(SnapshotFixture.strategy.pnl, width: 98)
        #expect(head == "net +9.55 = ")
        #expect(rows == ["real +12.50  fees -2.50  fund +0.10  unreal -0.55"])
        // Narrow: the terms wrap under the first one.
        #expect(PnLPanel.lines(SnapshotFixture.strategy.pnl, width: 38).rows == ["real +12.50  fees -2.50", "fund +0.10  unreal -0.55"])
    }

    @Test func aSumTooWideForTwoRowsFlowsToTheLeftEdgeAndStaysWhole() {
        // net +148.88 = real +390.97 − fees 242.09 + fund 0 + unreal 0, in the 80×24 PnL panel (36 wide)
        let pnl = PnLSummary(realised: "390.97", unrealised: .zero, fees: "242.09", funding: .zero, net: "148.88")
        #expect(PnLPanel.lines(pnl, width: 36).rows.count == 3) // under the first term: one row too many
        #expect(PnLPanel.flowed(pnl, width: 36).rows == ["real +390.97", "fees -242.09  fund 0.00  unreal 0.00"])
        var buffer = Buffer(width: 38, height: 4)
        PnLPanel(pnl: pnl, series: []).render(into: &buffer, area: buffer.area, glyphs: .unicode)
        #expect(buffer.lines()[1] == "│net +148.88 = real +390.97          │")
        #expect(buffer.lines()[2] == "│fees -242.09  fund 0.00  unreal 0.00│")
    }

    @Test("y labels keep one width whatever the range", arguments: [0.0...1.0, -100.0...100.0, -999.9...0.0, 0.0...25_000.0])
    func steadyLabelWidth(range: ClosedRange<Double>) {
        var buffer = Buffer(width: 40, height: 6)
        var chart = BrailleChart(series: [.init(points: [SeriesPoint(time: Timestamp(seconds: 0), value: range.lowerBound),
                                                         SeriesPoint(time: Timestamp(seconds: 1), value: range.upperBound)], style: .plain)],
                                 valueRange: range, labelPlaces: 1)
        chart.labelWidth = BrailleChart.bpsLabelWidth
        chart.render(into: &buffer, area: buffer.area, glyphs: .unicode)
        // The axis is in column 6 on every row, whatever the labels say.
        for line in buffer.lines() { #expect(Array(line)[6] == "┤" || Array(line)[6] == "│", "\(line)") }
    }

    @Test("a label too wide loses places, then goes to thousands", arguments: [
        (12.5, 1, 6, "12.5"), (-999.94, 1, 6, "-999.9"), (-1234.5, 1, 6, "-1,234"), (25_000.0, 1, 6, "25,000"), (250_000.0, 1, 6, "250.0k"),
        (-12_345.67, 2, 8, "-12,346"), (1_234_567.0, 2, 8, "1,234.6k"), (9_999.99, 2, 8, "9,999.99"),
    ])
    func labelFitting(value: Double, places: Int, width: Int, expected: String) {
        #expect(BrailleChart.label(value, places: places, width: width) == expected)
    }

    @Test func roundTripsNameTheirFigures() {
        #expect(HeaderBar.roundTrip(median: 11, p99: 1511) == "rtt p50 11ms p99 1,511ms")
        #expect(HeaderBar.roundTrip(median: 11, p99: nil) == "rtt p50 11ms")
    }

    @Test func legPricesShowToTheTickWithOneThousandsRule() {
        var leg = SnapshotFixture.strategy.legs.a
        #expect(leg.priceText("63030.66710000") == "63,030.7")
        #expect(leg.priceText("63389") == "63,389.0")
        // A server that sends no tick: the price's own places, grouped all the same.
        leg.tickSize = nil
        #expect(leg.priceText("63388.9") == "63,388.9")
    }

    @Test("the PnL chart covers the spread chart's window, whatever + and - chose")
    func pnlChartFollowsTheSpreadWindow() throws {
        // Ten minutes of samples, one a second, in both series.
        let start = SnapshotFixture.at(0)
        let points = (0..<600).map { SeriesPoint(time: start + .seconds(Int64($0)), value: Double($0 < 300 ? 0 : 100)) }
        var strategy = SnapshotFixture.strategy
        strategy.spreadSeries = points
        for window in [ChartWindow.oneMinute, .fiveMinutes, .all] {
            let spread = SpreadPanel(strategy: strategy, position: (0, 1), window: window).chart(glyphs: .unicode)
            let pnl = PnLPanel(pnl: strategy.pnl, series: points, window: window).chart
            let shown = try #require(pnl.window(columns: 50, braille: true))
            #expect(shown == spread.window(columns: 50, braille: true).map { ($0.start, $0.end) } ?? (start, start), "\(window)")
        }
        // All of it: the step at five minutes is in the picture, not only the newest samples.
        let all = try #require(PnLPanel(pnl: strategy.pnl, series: points, window: .all).chart.window(columns: 50, braille: true))
        #expect(all.start == start)
    }
}
