import Foundation
@testable import HedgeCore
@testable import HedgeEngine
import Testing
@testable import HedgeTerminal

/// A leg whose feed stopped 45 s ago (limit 3 s) as each part of the screen shows it: the legs
/// row, the strategies row, the header and the state panel mark it stale in the warning colour,
/// and the close dialog warns. Compared with files in Expected/ (`stale-*`); re-record with
/// `HEDGETOP_RECORD=1 swift test --filter StaleLegGoldenTests`.
@Suite struct StaleLegGoldenTests {
    /// The fixture's calendar spread with leg B's data 45 s old against a 3 s limit.
    static var strategy: StrategySnapshot {
        var strategy = SnapshotFixture.strategy
        strategy.legs.b.freshness = LegFreshness(age: .seconds(45), limit: .seconds(3))
        return strategy
    }

    static var snapshot: EngineSnapshot {
        var snapshot = SnapshotFixture.snapshot
        snapshot.strategies = [strategy]
        snapshot.venues[0].staleFor = .seconds(45)
        return snapshot
    }

    typealias Draw = @Sendable (inout Buffer, Rect, GlyphSet) -> Void

    static let widgets: [(String, Draw)] = [
        ("legs", { buffer, area, glyphs in LegsTable(legs: strategy.legs).render(into: &buffer, area: area, glyphs: glyphs) }),
        ("strategies", { buffer, area, glyphs in
            var fresh = SnapshotFixture.strategy
            fresh.name = "basis-eth"
            StrategiesList(strategies: [strategy, fresh], selected: 1, now: SnapshotFixture.at(600)).render(into: &buffer, area: area, glyphs: glyphs)
        }),
        ("header", { buffer, area, glyphs in HeaderBar(snapshot: snapshot, selected: 0).render(into: &buffer, area: area, glyphs: glyphs) }),
        ("state", { buffer, area, glyphs in StatePanel(strategy: strategy, now: SnapshotFixture.at(600)).render(into: &buffer, area: area, glyphs: glyphs) }),
        ("dialog-close", { buffer, area, glyphs in
            var input = ScreenInput()
            _ = input.handle(.character("c"), snapshot: snapshot, now: .zero)
            ConfirmDialog(dialog: input.dialog!).render(into: &buffer, area: area, glyphs: glyphs)
        }),
    ]

    static let sizes: [String: [(Int, Int)]] = [
        "legs": [(100, 6), (60, 6)], "strategies": [(100, 5)], "header": [(80, 1), (120, 1)],
        "state": [(60, 10), (100, 10)], "dialog-close": [(80, 14)],
    ]

    static var cases: [(String, Int, Int)] { widgets.flatMap { name, _ in sizes[name]!.map { (name, $0.0, $0.1) } } }

    static func render(_ name: String, width: Int, height: Int) throws -> Buffer {
        let draw = try #require(widgets.first { $0.0 == name }?.1)
        var buffer = Buffer(width: width, height: height)
        draw(&buffer, buffer.area, .unicode)
        return buffer
    }

    @Test(arguments: cases)
    func staleLegMatchesItsExpectedText(name: String, width: Int, height: Int) throws {
        let actual = try Self.render(name, width: width, height: height).lines()
            .map { $0.replacingOccurrences(of: " +$", with: "", options: .regularExpression) }
        try GoldenText.check(actual, against: "stale-\(name)-\(width)x\(height).txt")
    }

    /// The roles of the cells where `word` is drawn, every occurrence.
    static func roles(of word: String, in buffer: Buffer) -> [ThemeRole] {
        var roles: [ThemeRole] = []
        for (y, line) in buffer.lines().enumerated() {
            let characters = Array(line)
            for x in characters.indices where String(characters[x...].prefix(word.count)) == word {
                roles.append(buffer[x, y].style.role)
            }
        }
        return roles
    }

    @Test("stale is drawn in the warning colour on the legs row, the strategies row, the header and the state panel",
          arguments: [("legs", 100, 6), ("strategies", 100, 5), ("header", 120, 1), ("state", 100, 10), ("dialog-close", 80, 14)])
    func staleIsAWarning(name: String, width: Int, height: Int) throws {
        let buffer = try Self.render(name, width: width, height: height)
        let roles = Self.roles(of: "stale", in: buffer) + Self.roles(of: "Stale", in: buffer)
        #expect(!roles.isEmpty, "\(name): no stale marker\n\(buffer.lines().joined(separator: "\n"))")
        #expect(roles.allSatisfy { $0 == .warning }, "\(name): \(roles)")
    }

    @Test("with both legs fresh nothing says stale, and the close dialog has no warning")
    func freshLegsSayNothing() throws {
        var input = ScreenInput()
        _ = input.handle(.character("c"), snapshot: SnapshotFixture.snapshot, now: .zero)
        let dialog = try #require(input.dialog)
        #expect(dialog.warnings.isEmpty)
        var buffer = Buffer(width: 120, height: 1)
        HeaderBar(snapshot: SnapshotFixture.snapshot, selected: 0).render(into: &buffer, area: buffer.area, glyphs: .unicode)
        #expect(!buffer.lines()[0].contains("stale"))
    }

    @Test("the close dialog on a stale leg still closes, and says the leg is stale")
    func closeDialogWarns() throws {
        var input = ScreenInput()
        _ = input.handle(.character("c"), snapshot: Self.snapshot, now: .zero)
        let dialog = try #require(input.dialog)
        #expect(dialog.purpose == .close(strategy: "cal-btc"))
        #expect(dialog.warnings.first == "Stale: leg B BTCUSDT_241227: no market data for 45s (limit 3s);")
        let actions = input.handle(.character("y"), snapshot: Self.snapshot, now: .zero)
        #expect(actions.contains(.send(.close, strategy: "cal-btc")), "\(actions)")
    }
}
