@testable import HedgeCore
@testable import HedgeEngine
import Testing
@testable import HedgeTerminal

@Suite struct BrailleChartTests {
    func points(_ values: [Double]) -> [SeriesPoint] {
        values.enumerated().map { SeriesPoint(time: Timestamp(seconds: Int64($0.offset)), value: $0.element) }
    }

    @Test func risingLineMapsToExpectedDots() {
        // 2 cells × 1 row = 4 × 4 dots; 0,1,2,3 → dot (x, 3 − v).
        // Cell 0: (0,3)=0x40 + (1,2)=0x20 → U+2860. Cell 1: (0,1)=0x02 + (1,0)=0x08 → U+280A.
        var buffer = Buffer(width: 2, height: 1)
        BrailleChart(series: [.init(points: points([0, 1, 2, 3]), style: Style(.spreadLine))], valueRange: 0...3, showAxis: false)
            .render(into: &buffer, area: buffer.area, glyphs: .unicode)
        #expect(buffer.lines() == ["\u{2860}\u{280A}"])
        #expect(buffer[0, 0].style.role == .spreadLine)
    }

    @Test func levelDrawsAFullRowOfDots() {
        // 1 × 1 cell, range 0...3: value 3 is dot row 0 → bits 0x01 | 0x08 = U+2809.
        var buffer = Buffer(width: 1, height: 1)
        BrailleChart(series: [], levels: [.init(value: 3, style: Style(.thresholdLine))], valueRange: 0...3, showAxis: false)
            .render(into: &buffer, area: buffer.area, glyphs: .unicode)
        #expect(buffer.lines() == ["\u{2809}"])
    }

    @Test func gapsBetweenSamplesAreJoined() {
        // 0 then 3 in two dot columns: the vertical run fills rows 3…0 (column 0 gets 3,2; column 1 gets 1,0).
        var buffer = Buffer(width: 1, height: 1)
        BrailleChart(series: [.init(points: points([0, 3]), style: Style(.spreadLine))], valueRange: 0...3, showAxis: false)
            .render(into: &buffer, area: buffer.area, glyphs: .unicode)
        let mask = buffer[0, 0].character.unicodeScalars.first!.value - 0x2800
        #expect(mask == 0x40 | 0x04 | 0x10 | 0x08 || mask == 0x40 | 0x20 | 0x10 | 0x08)
    }

    @Test func keepsOnlyTheNewestSamplesThatFit() {
        // 1 cell = 2 dot columns: of 10 samples only the last two (values 8, 9) are drawn.
        let chart = BrailleChart(series: [.init(points: points((0..<10).map(Double.init)), style: .plain)], showAxis: false)
        let window = chart.window(columns: 1, braille: true)
        #expect(window?.start == Timestamp(seconds: 8))
        #expect(chart.fittedRange(window: window) == 8...9)
    }

    @Test func asciiFallbackUsesOneMarkPerCell() {
        var buffer = Buffer(width: 4, height: 4)
        BrailleChart(series: [.init(points: points([0, 1, 2, 3]), style: .plain)],
                     levels: [.init(value: 0, style: .plain)], valueRange: 0...3, showAxis: false)
            .render(into: &buffer, area: buffer.area, glyphs: .ascii)
        #expect(buffer.lines() == ["   *", "  * ", " *  ", "*---"])
    }

    @Test func axisLabelsTopAndBottom() {
        var buffer = Buffer(width: 20, height: 5)
        BrailleChart(series: [.init(points: points([-10, 10]), style: .plain)], valueRange: -10...10)
            .render(into: &buffer, area: buffer.area, glyphs: .unicode)
        let lines = buffer.lines()
        #expect(lines[0].hasPrefix(" 10.0┤"))
        #expect(lines[4].hasPrefix("-10.0┤"))
    }

    @Test func emptyAndOddInputNeverCrash() {
        var buffer = Buffer(width: 10, height: 3)
        for values in [[], [Double.nan], [Double.infinity, -Double.infinity], [5], [1e300, -1e300]] {
            BrailleChart(series: [.init(points: points(values), style: .plain)]).render(into: &buffer, area: buffer.area, glyphs: .unicode)
            BrailleChart(series: [.init(points: points(values), style: .plain)]).render(into: &buffer, area: Rect(x: 8, y: 2, width: 50, height: 50), glyphs: .ascii)
        }
    }
}
