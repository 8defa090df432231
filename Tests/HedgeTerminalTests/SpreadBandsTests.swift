@testable import HedgeCore
@testable import HedgeEngine
import Testing
@testable import HedgeTerminal

/// The spread chart draws each band as it was at each time (from the snapshot's band series), fits
/// its y range to what it draws, and says what its markers mean.
@Suite struct SpreadBandsTests {
    static var chart: BrailleChart {
        SpreadPanel(strategy: SnapshotFixture.strategy, position: (0, 1)).chart(glyphs: .unicode)
    }

    @Test func theBandsAreTheSnapshotsSeriesNotTodaysLevel() {
        let strategy = SnapshotFixture.strategy
        let chart = Self.chart
        #expect(chart.levels.isEmpty)
        #expect(chart.bands.map(\.points) == [strategy.entryBandSeries, strategy.exitBandSeries])
        #expect(chart.bands.map(\.style) == [SpreadPanel.entryBandStyle, SpreadPanel.exitBandStyle])
        #expect(chart.bands[0].lower.points == strategy.entryBandSeries.map { SeriesPoint(time: $0.time, value: $0.lower) })
    }

    @Test func aPastEntryIsDrawnOutsideTheBandItCrossed() throws {
        // The fixture's entry at 395 s (49 bps) crossed a band of 40 + 5.3; today's is 40 + 12.
        let strategy = SnapshotFixture.strategy
        let entry = try #require(strategy.markers.first { $0.richLeg == .a })
        let then = try #require(strategy.entryBandSeries.last(where: { $0.time <= entry.time }))
        #expect(entry.spreadBps > then.upper)
        let today = try #require(strategy.entryBandBps)
        #expect(entry.spreadBps < today.upper)
        // On screen: the marker's cell is above the band's line in its column.
        var buffer = Buffer(width: 100, height: 14)
        SpreadPanel(strategy: strategy, position: (0, 1)).render(into: &buffer, area: buffer.area, glyphs: .unicode)
        let lines = buffer.lines().map(Array.init)
        let row = try #require(lines.firstIndex { $0.contains("▼") && !String($0).contains("open A-rich") })
        let column = try #require(lines[row].firstIndex(of: "▼"))
        let below = lines[(row + 1)...].map { $0[column] }
        #expect(below.contains { $0 != " " }, "the band passes under the marker")
    }

    @Test func theYRangeFitsWhatIsDrawn() {
        var strategy = SnapshotFixture.strategy
        // An entry band far wider long ago, out of the 5 m window, does not stretch the range.
        strategy.entryBandSeries.insert(BandPoint(time: SnapshotFixture.at(-3600), upper: 400, lower: -400), at: 0)
        let chart = SpreadPanel(strategy: strategy, position: (0, 1), window: .fiveMinutes).chart(glyphs: .unicode)
        let range = chart.fittedRange(window: chart.window(columns: 90, braille: true))
        #expect(range.upperBound < 60 && range.lowerBound > 20)
        // Everything in the window is inside: the widest band now (52 / 28) and the markers.
        #expect(range.upperBound >= 52 && range.lowerBound <= 28)
    }

    @Test("a spread far above its fair value: the entry edge below the fair value does not squash the chart, and is not drawn along its floor")
    func theFarEdgeOfABandIsOutOfPlay() {
        // A basis spread at 63-99 bps whose entry band is 11.5 ± 87.5 (the review's -76 to +99).
        let times = (0..<60).map { SnapshotFixture.at(Int64($0 * 5)) }
        let spread = times.enumerated().map { SeriesPoint(time: $1, value: 63 + Double($0 % 37)) }
        var chart = BrailleChart(series: [.init(points: spread, style: .plain)])
        chart.span = .all
        chart.bands = [.init(points: times.map { BandPoint(time: $0, upper: 99, lower: -76) }, style: SpreadPanel.entryBandStyle),
                       .init(points: times.map { BandPoint(time: $0, upper: 31, lower: -8) }, style: SpreadPanel.exitBandStyle)]
        let range = chart.fittedRange(window: chart.window(columns: 90, braille: true))
        #expect(range == 31...99)
        var buffer = Buffer(width: 60, height: 10)
        chart.render(into: &buffer, area: buffer.area, glyphs: .unicode)
        // The entry band's upper edge is the top row; its lower edge (-76) is nowhere: the bottom
        // row is the exit band's upper edge (31) alone.
        let bottom = (0..<buffer.width).map { buffer[$0, buffer.height - 1].style }
        #expect(bottom.contains(SpreadPanel.exitBandStyle))
        #expect(!bottom.contains(SpreadPanel.entryBandStyle), "the out-of-range edge is drawn along the floor")
        // A spread on both sides of its fair value (a calendar's) keeps both edges in sight.
        chart.series = [.init(points: times.enumerated().map { SeriesPoint(time: $1, value: $0 % 2 == 0 ? 40 : -20) }, style: .plain)]
        #expect(chart.fittedRange(window: chart.window(columns: 90, braille: true)) == -76...99)
    }

    @Test func aMarkerOutsideTheLinesStillWidensTheRange() {
        var chart = BrailleChart(series: [.init(points: [SeriesPoint(time: Timestamp(seconds: 0), value: 0),
                                                         SeriesPoint(time: Timestamp(seconds: 10), value: 1)], style: .plain)])
        chart.span = .all
        chart.markers = [.init(time: Timestamp(seconds: 5), value: 9, glyph: "▼", style: .plain)]
        #expect(chart.fittedRange(window: chart.window(columns: 10, braille: true)) == 0...9)
    }

    @Test func theLegendNamesEachMarker() {
        var buffer = Buffer(width: 100, height: 14)
        SpreadPanel(strategy: SnapshotFixture.strategy, position: (0, 1)).render(into: &buffer, area: buffer.area, glyphs: .unicode)
        #expect(buffer.lines()[2].hasSuffix("▼ open A-rich  ▲ open B-rich  ◆ exit│"))
        var narrow = Buffer(width: 60, height: 10)
        SpreadPanel(strategy: SnapshotFixture.strategy, position: (0, 1)).render(into: &narrow, area: narrow.area, glyphs: .ascii)
        #expect(narrow.lines()[2].hasSuffix("vA-rich ^B-rich xexit|"))
    }

    @Test("entries take the rich leg's glyph, exits their own", arguments: [
        (ChartMarker.Kind.entry, Leg?.some(.a), Character("▼")), (.entry, .b, "▲"), (.exit, nil, "◆"),
    ])
    func markerGlyphs(kind: ChartMarker.Kind, rich: Leg?, glyph: Character) {
        let panel = SpreadPanel(strategy: SnapshotFixture.strategy, position: (0, 1))
        #expect(panel.glyph(for: ChartMarker(time: SnapshotFixture.at(1), kind: kind, spreadBps: 40, richLeg: rich), glyphs: .unicode) == glyph)
    }
}
