import Foundation
@testable import HedgeCore
@testable import HedgeEngine
import Testing
@testable import HedgeTerminal

/// Every widget rendered into the grid at several sizes and compared line by line with a
/// checked-in file in Expected/. After a deliberate change, re-record with
/// `HEDGETOP_RECORD=1 swift test --filter WidgetGoldenTests` and read the diff.
@Suite struct WidgetGoldenTests {
    static let expectedDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Expected")

    static var withOrder: StrategySnapshot {
        var strategy = SnapshotFixture.strategy
        strategy.openOrders = [OrderSnapshot(id: "o-17", leg: .b, instrument: strategy.legs.b.instrument, side: .buy, quantity: "0.1",
                                             filled: "0.04", purpose: .adjust, sentAt: SnapshotFixture.at(595))]
        strategy.legs.b.liquidationPrice = "69223.0" // mark 62930.0: 6293 / 62930 = 10.0 % away
        return strategy
    }

    typealias Draw = @Sendable (inout Buffer, Rect, GlyphSet) -> Void

    static let widgets: [(String, Draw)] = [
        ("strategies", { buffer, area, glyphs in
            var second = SnapshotFixture.strategy
            second.name = "basis-eth"
            second.kind = .basis
            second.state = .scanning
            second.paused = true
            second.pnl = .zero
            StrategiesList(strategies: [SnapshotFixture.strategy, second], selected: 1, now: SnapshotFixture.at(600))
                .render(into: &buffer, area: area, glyphs: glyphs)
        }),
        ("orders", { buffer, area, glyphs in
            OrdersTable(orders: withOrder.openOrders, now: SnapshotFixture.at(600)).render(into: &buffer, area: area, glyphs: glyphs)
        }),
        ("risk", { buffer, area, glyphs in RiskPanel(strategy: withOrder, limits: PortfolioLimits(maxOpenSpreads: 2, maxTotalNotional: 200_000, maxMarginUtilisation: 0.5)).render(into: &buffer, area: area, glyphs: glyphs) }),
        ("state", { buffer, area, glyphs in
            StatePanel(strategy: SnapshotFixture.strategy, now: SnapshotFixture.at(600)).render(into: &buffer, area: area, glyphs: glyphs)
        }),
        ("spread", { buffer, area, glyphs in
            SpreadPanel(strategy: SnapshotFixture.strategy, position: (0, 1), window: .fiveMinutes).render(into: &buffer, area: area, glyphs: glyphs)
        }),
        ("pnl", { buffer, area, glyphs in
            PnLPanel(pnl: SnapshotFixture.strategy.pnl, series: SnapshotFixture.strategy.pnlSeries).render(into: &buffer, area: area, glyphs: glyphs)
        }),
        ("legs", { buffer, area, glyphs in LegsTable(legs: SnapshotFixture.strategy.legs).render(into: &buffer, area: area, glyphs: glyphs) }),
        ("events", { buffer, area, glyphs in
            EventLogView(entries: SnapshotFixture.snapshot.log,
                         notes: [ScreenNote(time: SnapshotFixture.at(450), severity: .notice, message: "#3 pause cal-btc: pause accepted")])
                .render(into: &buffer, area: area, glyphs: glyphs)
        }),
        ("header", { buffer, area, glyphs in HeaderBar(snapshot: SnapshotFixture.snapshot, selected: 0).render(into: &buffer, area: area, glyphs: glyphs) }),
        ("keybar", { buffer, area, glyphs in
            KeyBar(keyMap: .standard, status: StatusMessage(text: "close accepted", role: .profit, expires: nil))
                .render(into: &buffer, area: area, glyphs: glyphs)
        }),
        // A long answer takes the room it needs; keys give way whole, never cut mid-word.
        ("keybar-long", { buffer, area, glyphs in
            KeyBar(keyMap: .standard, status: StatusMessage(text: "btc-basis: pause accepted: no new spreads open until resumed", role: .profit, expires: nil))
                .render(into: &buffer, area: area, glyphs: glyphs)
        }),
        ("keybar-readonly", { buffer, area, glyphs in
            let context = ScreenContextTests.readOnly
            KeyBar(keyMap: .standard(for: context), status: StatusMessage(text: "chart window 1m", role: .muted, expires: nil),
                   refusal: context.keyBarRefusal)
                .render(into: &buffer, area: area, glyphs: glyphs)
        }),
        ("header-readonly", { buffer, area, glyphs in
            HeaderBar(snapshot: SnapshotFixture.snapshot, selected: 0, context: ScreenContextTests.readOnly).render(into: &buffer, area: area, glyphs: glyphs)
        }),
        ("header-reconnecting", { buffer, area, glyphs in
            var context = ScreenContextTests.steering
            context.connection = ScreenContextTests.cutOff
            HeaderBar(snapshot: SnapshotFixture.snapshot, selected: 0, context: context, dataAge: .seconds(14)).render(into: &buffer, area: area, glyphs: glyphs)
        }),
        ("help", { buffer, area, glyphs in HelpOverlay(keyMap: .standard).render(into: &buffer, area: area, glyphs: glyphs) }),
        ("help-readonly", { buffer, area, glyphs in
            let context = ScreenContextTests.readOnly
            HelpOverlay(keyMap: .standard(for: context), refusal: context.commandRefusal).render(into: &buffer, area: area, glyphs: glyphs)
        }),
        ("dialog-adjust", { buffer, area, glyphs in
            var input = ScreenInput()
            _ = input.handle(.character("a"), snapshot: SnapshotFixture.snapshot, now: .zero)
            _ = input.handle(.character("+"), snapshot: SnapshotFixture.snapshot, now: .zero)
            ConfirmDialog(dialog: input.dialog!).render(into: &buffer, area: area, glyphs: glyphs)
        }),
        ("dialog", { buffer, area, glyphs in
            var input = ScreenInput()
            _ = input.handle(.character("c"), snapshot: SnapshotFixture.snapshot, now: .zero)
            ConfirmDialog(dialog: input.dialog!).render(into: &buffer, area: area, glyphs: glyphs)
        }),
    ]

    static let sizes: [String: [(Int, Int)]] = [
        "header": [(80, 1), (120, 1)], "keybar": [(80, 1), (120, 1)],
        "help": [(80, 22), (100, 30)], "dialog": [(80, 22), (60, 12)],
        "keybar-long": [(80, 1), (120, 1)], "keybar-readonly": [(80, 1), (120, 1)],
        "header-readonly": [(80, 1), (120, 1)], "header-reconnecting": [(80, 1), (120, 1)],
        "help-readonly": [(80, 22)], "dialog-adjust": [(80, 22)],
    ]

    static var cases: [(String, Int, Int, Bool)] {
        widgets.flatMap { name, _ in
            (sizes[name] ?? [(40, 8), (60, 10), (100, 14)]).map { (name, $0.0, $0.1, true) }
        } + widgets.map { ($0.0, 60, 10, false) }
    }

    @Test(arguments: cases)
    func widgetMatchesItsExpectedText(name: String, width: Int, height: Int, unicode: Bool) throws {
        let draw = try #require(Self.widgets.first { $0.0 == name }?.1)
        var buffer = Buffer(width: width, height: height, asciiOnly: !unicode)
        let glyphs: GlyphSet = unicode ? .unicode : .ascii
        draw(&buffer, buffer.area, glyphs)
        if !unicode { buffer.replaceNonASCII() }
        let actual = buffer.lines().map { $0.replacingOccurrences(of: " +$", with: "", options: .regularExpression) }
        try GoldenText.check(actual, against: "\(name)-\(width)x\(height)\(unicode ? "" : "-ascii").txt")
    }

    @Test(arguments: DashboardSizesTests.sizes)
    func dashboardMatchesItsExpectedText(width: Int, height: Int) throws {
        let actual = Dashboard(glyphs: .unicode).render(DashboardSizesTests.withOrder, input: ScreenInput(), width: width, height: height).lines()
            .map { $0.replacingOccurrences(of: " +$", with: "", options: .regularExpression) }
        try GoldenText.check(actual, against: "dashboard-\(width)x\(height).txt")
    }
}
