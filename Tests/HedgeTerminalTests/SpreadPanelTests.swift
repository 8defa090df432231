@testable import HedgeCore
@testable import HedgeEngine
import Testing
@testable import HedgeTerminal

/// The spread panel's "mean" is the rolling mean the z-score uses (the line on the chart); a bps
/// rule's fair value, around which its bands are drawn, is labelled "fair".
@Suite struct SpreadPanelTests {
    static func firstRow(_ strategy: StrategySnapshot) -> String {
        var buffer = Buffer(width: 100, height: 14)
        SpreadPanel(strategy: strategy, position: (0, 1)).render(into: &buffer, area: buffer.area, glyphs: .unicode)
        return buffer.lines()[1]
    }

    @Test func aBasisBpsRuleShowsTheMeanAndItsFairValueApart() {
        var strategy = SnapshotFixture.strategy
        strategy.kind = .basis
        strategy.rollingMeanBps = 46.1
        strategy.entry = .bps(50)
        strategy.entryBandBps = (upper: 50, lower: -50)
        #expect(Self.firstRow(strategy).contains("mean +46.1  fair 0.0  z +1.23"))
    }

    @Test("the rules line keeps each rule whole: tighter words, then the exit left out, never a cut figure")
    func rulesAreNeverCut() {
        var strategy = SnapshotFixture.strategy
        strategy.entryRule = "|dev| ≥ 76 bps"
        strategy.exitRule = "|dev| ≤ 64.5 bps"
        func rules(width: Int) -> String {
            var buffer = Buffer(width: width, height: 10)
            SpreadPanel(strategy: strategy, position: (0, 1)).render(into: &buffer, area: buffer.area, glyphs: .unicode)
            return buffer.lines()[2]
        }
        #expect(rules(width: 60).contains("entry |dev| ≥ 76 bps   exit |dev| ≤ 64.5 bps"))
        // 39 columns of rules: a box of 41 holds them, one of 40 does not.
        #expect(rules(width: 41).contains("in |dev| ≥ 76 bps  out |dev| ≤ 64.5 bps"))
        #expect(!rules(width: 40).contains("out"))
        let narrow = rules(width: 30)
        #expect(narrow.contains("in |dev| ≥ 76 bps") && !narrow.contains("out") && !narrow.contains("…"))
    }

    @Test func aZRuleHasNoSeparateFairValue() {
        let row = Self.firstRow(SnapshotFixture.strategy)
        #expect(row.contains("mean +40.2  z +1.23"))
        #expect(!row.contains("fair"))
    }

    @Test func theChartsSecondLineIsTheMeanSeries() {
        let chart = SpreadPanel(strategy: SnapshotFixture.strategy, position: (0, 1)).chart(glyphs: .unicode)
        #expect(chart.series[1].points == SnapshotFixture.strategy.meanSeries)
        #expect(chart.series[1].style == Style(.meanLine))
    }
}
