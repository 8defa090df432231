import Foundation
@testable import HedgeCore
@testable import HedgeEngine
import Testing
@testable import HedgeTerminal

/// The selected strategy is one bar across the list in one colour (as btop draws it), not the
/// row's own colours reversed column by column (an accent patch, a muted patch, a green patch…).
/// Compared with `Expected/selection-strategies-100x6.txt`: each row's text, then its styles as
/// runs; re-record with `HEDGETOP_RECORD=1 swift test --filter SelectionBarTests`.
@Suite struct SelectionBarTests {
    /// Three strategies in different states and PnL signs, so an unselected row has many colours.
    static var strategies: [StrategySnapshot] {
        var losing = SnapshotFixture.strategy
        losing.name = "basis-eth"
        losing.kind = .basis
        losing.state = .closing
        losing.pnl.net = "-4.20"
        var scanning = SnapshotFixture.strategy
        scanning.name = "cal-sol"
        scanning.state = .scanning
        return [SnapshotFixture.strategy, losing, scanning]
    }

    static func render(selected: Int, width: Int = 100, height: Int = 6) -> Buffer {
        var buffer = Buffer(width: width, height: height)
        StrategiesList(strategies: strategies, selected: selected, now: SnapshotFixture.at(600))
            .render(into: &buffer, area: buffer.area, glyphs: .unicode)
        return buffer
    }

    /// A row's styles as runs, `count×role` with `+bold`, `+reverse`, `+dim`, `+underline`, so a
    /// golden file shows colour as well as text.
    static func styleRuns(of buffer: Buffer, row y: Int) -> String {
        func name(_ style: Style) -> String {
            var text = style.role.rawValue
            if style.bold { text += "+bold" }
            if style.reverse { text += "+reverse" }
            if style.dim { text += "+dim" }
            if style.underline { text += "+underline" }
            return text
        }
        var runs: [(Int, String)] = []
        for x in 0..<buffer.width {
            let shown = name(buffer[x, y].style)
            if let last = runs.last, last.1 == shown { runs[runs.count - 1].0 += 1 } else { runs.append((1, shown)) }
        }
        return runs.map { "\($0.0)×\($0.1)" }.joined(separator: " ")
    }

    /// Text and style lines, one pair a row.
    static func golden(_ buffer: Buffer) -> [String] {
        buffer.lines().enumerated().flatMap { y, line in
            [line.replacingOccurrences(of: " +$", with: "", options: .regularExpression), "  " + styleRuns(of: buffer, row: y)]
        }
    }

    @Test func selectedRowMatchesItsExpectedTextAndColours() throws {
        let actual = Self.golden(Self.render(selected: 1))
        try GoldenText.check(actual, against: "selection-strategies-100x6.txt")
    }

    @Test("every cell of the selected row, inside the box, has one style: the selection bar", arguments: [0, 1, 2])
    func selectedRowIsOneUniformBar(selected: Int) {
        for width in [100, 60, 140] {
            let buffer = Self.render(selected: selected, width: width)
            let y = 2 + selected // box top, header, then the rows
            let styles = Set((1..<(width - 1)).map { buffer[$0, y].style })
            #expect(styles == [Style(.selected, bold: true, reverse: true)], "width \(width): \(Self.styleRuns(of: buffer, row: y))")
            // The other rows keep their own colours: the strategy name in accent, the state in its role.
            let other = 2 + (selected + 1) % 3
            #expect(buffer[1, other].style.role == .accent)
        }
    }
}
