@testable import HedgeCore
@testable import HedgeEngine
import Testing
@testable import HedgeTerminal

/// The legs table lines prices up on the decimal point when the legs' venues tick differently
/// (a cross spread: 0.01 on one venue, 0.1 on the other), each still to its own tick.
@Suite struct LegsTableAlignmentTests {
    @Test("prices of a 0.01 and a 0.1 tick leg share their decimal point's column; each keeps its own places")
    func pricesAlignOnThePoint() throws {
        var legs = SnapshotFixture.strategy.legs
        legs.a.tickSize = "0.01"
        legs.a.quote = Quote(bid: "61790.66", bidSize: 1, ask: "61790.67", askSize: 1, time: SnapshotFixture.at(600))
        legs.a.mark = "61790.66"
        legs.b.tickSize = "0.1"
        legs.b.quote = Quote(bid: "61742.9", bidSize: 1, ask: "61743", askSize: 1, time: SnapshotFixture.at(600))
        legs.b.mark = "61743"
        var buffer = Buffer(width: 130, height: 5)
        LegsTable(legs: legs).render(into: &buffer, area: buffer.area, glyphs: .unicode)
        let lines = buffer.lines()
        let a = try #require(lines.first { $0.contains("61,790.66 / 61,790.67") })
        let b = try #require(lines.first { $0.contains("61,742.9  / 61,743.0 ") }, "\(lines)")
        // Every decimal point of row A has one of row B in the same column.
        func points(_ line: String) -> [Int] { line.enumerated().filter { $0.element == "." }.map(\.offset) }
        #expect(points(a) == points(b), "\n\(a)\n\(b)")
        #expect(!b.contains("61,742.90"), "a 0.1 tick price shown to 0.01")
    }

    @Test("quantities show to the contract's lot step, as the fill lines do: 0.810, not 0.81")
    func quantitiesToTheLotStep() throws {
        var legs = SnapshotFixture.strategy.legs
        legs.a.quantity = "0.81"
        legs.a.lotStep = "0.001"
        legs.b.quantity = "-0.81"
        legs.b.lotStep = nil // an older server: the quantity's own places
        var buffer = Buffer(width: 130, height: 5)
        LegsTable(legs: legs).render(into: &buffer, area: buffer.area, glyphs: .unicode)
        let lines = buffer.lines()
        let a = try #require(lines.first { $0.contains("long") })
        let b = try #require(lines.first { $0.contains("short") })
        #expect(a.contains(" 0.810 "), "\(a)")
        #expect(b.contains(" 0.81 ") && !b.contains("0.810"), "\(b)")
    }

    @Test("a figure is padded to the places asked, text is not", arguments: [
        ("62,010.5", 2, "62,010.5 "), ("62,010.55", 2, "62,010.55"), ("62,011", 1, "62,011  "), ("—", 2, "—"), ("62,011", 0, "62,011"),
    ])
    func padding(_ text: String, _ places: Int, _ padded: String) {
        #expect(text.alignedDecimal(to: places) == padded)
    }
}
