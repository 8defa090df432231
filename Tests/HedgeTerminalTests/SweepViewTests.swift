import Foundation
@testable import HedgeCore
@testable import HedgeEngine
import Testing
@testable import HedgeTerminal

/// The sweep's heatmap and live view rendered into the grid: values in place, theme roles for
/// profit and loss, plain text without a theme, and any terminal size handled.
@Suite("Sweep heatmap and live view")
struct SweepViewTests {
    static func map(finished: Int = 6) throws -> SweepHeatmap {
        let grid = try SweepGrid(lists: [(.entry, "1.5z,2z"), (.exit, "0.25z,0.5z,1z"), (.takerFee, "0.0002,0.0004")])
        // Net of point i: (i − 4) × 10 USD, so the fee axis's best is the second of each pair.
        let rows = grid.points.prefix(finished * 2).map { point in
            var row = SweepRow(point: point, fold: nil, failure: "")
            row.failure = nil
            row.net = FixedDecimal("\((point.index - 4) * 10)") ?? .zero
            return row
        }
        return SweepHeatmap(grid: grid, axes: [.entry, .exit], rows: Array(rows))
    }

    @Test("cells hold the best net over the other axis, signed, with the axes' values as labels")
    func heatmapText() throws {
        let view = SweepHeatmapView(map: try Self.map())
        var buffer = Buffer(width: 80, height: view.height)
        view.render(into: &buffer, rect: Rect(x: 0, y: 0, width: buffer.width, height: buffer.height))
        let lines = buffer.lines().map { $0.replacing(/\s+$/, with: "") }
        #expect(lines[0] == "net PnL USD by entry \\ exit, best over taker-fee")
        #expect(lines[1] == "entry \\ exit  0.25z   0.5z   1.0z")
        // Points 0…5 (entry 1.5z) net −40…+10; the best of each fee pair is the odd point: −30, −10, +10.
        #expect(lines[2] == "1.5z         -30.00 -10.00 +10.00")
        #expect(lines[3] == "2.0z         +30.00 +50.00 +70.00")
        #expect(lines[4] == "best cell reversed; bold: at least half the largest |net|")
        // The best cell (+70.00) is reversed, a loss is in the loss role.
        let best = try #require((0..<buffer.width).first { buffer[$0, 3].character == "7" })
        #expect(buffer[best, 3].style.reverse)
        #expect(buffer[15, 2].style.role == .loss)
        #expect(buffer[15, 3].style.role == .profit)
    }

    @Test("runs not finished show as · and are counted under the map")
    func pendingCells() throws {
        let view = SweepHeatmapView(map: try Self.map(finished: 2))
        var buffer = Buffer(width: view.width + 20, height: view.height)
        view.render(into: &buffer, rect: Rect(x: 0, y: 0, width: buffer.width, height: buffer.height))
        let lines = buffer.lines()
        #expect(lines[2].contains("·"))
        #expect(lines[3].contains("·"))
        #expect(lines[4].hasPrefix("· not finished yet (8 of 12 runs)"))
    }

    @Test("the live view fits every size: the map when it fits, the progress line alone, a notice when tiny",
          arguments: [(120, 40), (60, 12), (30, 4), (19, 1), (0, 0)])
    func liveViewSizes(width: Int, height: Int) throws {
        let progress = SweepProgressView(map: try Self.map(finished: 3), done: 6, total: 12, elapsedSeconds: 30)
        let buffer = progress.render(width: width, height: height)
        let text = buffer.lines().joined(separator: "\n")
        #expect(buffer.width == max(0, width) && buffer.height == max(0, height))
        if width >= 20, height >= 2 {
            #expect(text.contains("6/12 runs"))
            // 30 s for 6 runs: 5 s a run, 6 left.
            #expect(text.contains("30s left"))
        }
        if height >= 40 { #expect(text.contains("net PnL USD by entry")) }
        if width < 20 || height < 2, width >= 9, height >= 1 { #expect(text.hasPrefix("too small")) }
    }

    @Test("ANSI lines colour by the theme's roles; without a theme they are the characters alone")
    func ansiLines() {
        var buffer = Buffer(width: 12, height: 1)
        buffer.put("+5", x: 0, y: 0, style: Style(.profit))
        buffer.put("-3", x: 3, y: 0, style: Style(.loss, bold: true))
        #expect(buffer.ansiLines(theme: nil) == ["+5 -3"])
        let coloured = buffer.ansiLines(theme: .defaultDark)[0]
        // default theme: profit 41, loss 203; a reset at the end.
        #expect(coloured == "\u{1B}[0;38;5;41m+5\u{1B}[0;38;5;252m \u{1B}[0;1;38;5;203m-3\u{1B}[0m")
    }
}
