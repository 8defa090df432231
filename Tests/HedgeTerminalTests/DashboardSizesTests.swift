import Foundation
@testable import HedgeCore
@testable import HedgeEngine
import Testing
@testable import HedgeTerminal

/// Issue 18 item 7: every size is laid out on purpose. Empty panels shrink, the charts and the
/// log take the room, columns are as wide as their contents, the hedged line and the PnL sum are
/// always in sight, and the desk line's strip is kept free under the header.
@Suite struct DashboardSizesTests {
    static let sizes = [(80, 24), (100, 30), (120, 40), (160, 50), (200, 60)]

    /// Four strategies of three kinds, the second selected, flat and with no working orders.
    static var several: EngineSnapshot {
        var snapshot = SnapshotFixture.snapshot
        let base = SnapshotFixture.strategy
        func named(_ name: String, _ kind: StrategyKind, _ state: StrategyStateName) -> StrategySnapshot {
            var strategy = base
            strategy.name = name
            strategy.kind = kind
            strategy.state = state
            return strategy
        }
        var selected = named("btc-basis-quarterly", .basis, .scanning)
        selected.legs.a.quantity = .zero
        selected.legs.b.quantity = .zero
        selected.legs.a.unrealisedPnL = .zero
        selected.legs.b.unrealisedPnL = .zero
        selected.pnl = PnLSummary(realised: "-32.51", unrealised: .zero, fees: "40.34", funding: "1.20", net: "-71.65")
        snapshot.strategies = [named("cal-btc", .calendar, .monitoring), selected,
                               named("eth-cross-venues", .cross, .completed), named("sol-cal", .calendar, .error)]
        return snapshot
    }

    static var withOrder: EngineSnapshot {
        var snapshot = SnapshotFixture.snapshot
        snapshot.strategies[0] = WidgetGoldenTests.withOrder
        return snapshot
    }

    static func render(_ snapshot: EngineSnapshot, width: Int, height: Int, selected: Int = 0) -> Buffer {
        var input = ScreenInput()
        for _ in 0..<selected { _ = input.handle(.tab, snapshot: snapshot, now: .zero) }
        return Dashboard(glyphs: .unicode).render(snapshot, input: input, width: width, height: height)
    }

    static func body(width: Int, height: Int) -> Rect { Rect(x: 0, y: 1, width: width, height: height - 2) }

    @Test(arguments: sizes)
    func severalStrategiesMatchTheirExpectedText(width: Int, height: Int) throws {
        let actual = Self.render(Self.several, width: width, height: height, selected: 1).lines()
            .map { $0.replacingOccurrences(of: " +$", with: "", options: .regularExpression) }
        try GoldenText.check(actual, against: "dashboard-several-\(width)x\(height).txt")
    }

    @Test(arguments: sizes)
    func theHedgedLineAndTheWholePnLSumAreAlwaysInSight(width: Int, height: Int) {
        let text = Self.render(Self.withOrder, width: width, height: height).lines().joined(separator: "\n")
        #expect(text.contains("net 0.0000 BTC  hedged"))
        // net +9.55 = real +12.50 − fees 2.50 + fund 0.10 + unreal −0.55
        for term in ["net +9.55", "real +12.50", "fees -2.50", "fund +0.10", "unreal -0.55"] {
            #expect(text.contains(term), "\(width)×\(height): \(term) not shown")
        }
        // Wider figures: net -71.65 = real -32.51 − fees 40.34 + fund 1.20 + unreal 0.
        let wider = Self.render(Self.several, width: width, height: height, selected: 1).lines().joined(separator: "\n")
        for term in ["net -71.65", "real -32.51", "fees -40.34", "fund +1.20", "unreal 0.00"] {
            #expect(wider.contains(term), "\(width)×\(height): \(term) not shown")
        }
    }

    @Test(arguments: sizes)
    func aSumOfThreeRowsIsShownWhole(width: Int, height: Int) {
        // net +1,217.90 = real +1,390.97 − fees 262.27 + fund 0 + unreal +89.20: three rows at 80×24.
        var snapshot = Self.withOrder
        snapshot.strategies[0].pnl = PnLSummary(realised: "1390.97", unrealised: "89.20", fees: "262.27", funding: .zero, net: "1217.90")
        let text = Self.render(snapshot, width: width, height: height).lines().joined(separator: "\n")
        for term in ["net +1,217.90", "real +1,390.97", "fees -262.27", "fund 0.00", "unreal +89.20"] {
            #expect(text.contains(term), "\(width)×\(height): \(term) not shown")
        }
        #expect(text.contains("MONITORING_SPREAD for"), "\(width)×\(height): the state panel lost its state line")
    }

    @Test(arguments: sizes)
    func namesAreShownWhole(width: Int, height: Int) {
        let lines = Self.render(Self.several, width: width, height: height, selected: 1).lines()
        #expect(lines.contains { $0.contains("btc-basis-quarterly") }, "\(width)×\(height)")
        // No name, symbol or kind is cut, in the list or in a panel's title, nor a figure of the
        // spread's line (a long transition reason may be, in a narrow state panel).
        let list = Dashboard.Layout(body: Self.body(width: width, height: height), strategyCount: 4).strategies
        let titled = lines.filter { $0.contains("┌") }
        let figures = lines.filter { $0.contains("spread +44.5 bps") }
        for line in Array(lines[list.y..<list.maxY]) + titled + figures {
            #expect(!line.contains("…"), "\(width)×\(height): \(line)")
        }
    }

    @Test(arguments: sizes)
    func anEmptyOrdersListGivesItsRowsToTheChartsAndTheLog(width: Int, height: Int) {
        let body = Self.body(width: width, height: height)
        let empty = Dashboard.Layout(body: body, strategyCount: 1, orderCount: 0, legsWidth: 107)
        let working = Dashboard.Layout(body: body, strategyCount: 1, orderCount: 1, legsWidth: 107)
        // An empty orders box is drawn only where it costs no row (beside the legs).
        if let orders = empty.orders { #expect(orders.y == empty.legs.y && orders.height == empty.legs.height) }
        let room = { (layout: Dashboard.Layout) in layout.spread.height + layout.log.height + layout.state.height }
        #expect(room(empty) >= room(working))
        if let orders = working.orders, orders.y != working.legs.y {
            #expect(room(empty) > room(working), "\(width)×\(height): the orders' rows came from nowhere")
        }
    }

    @Test(arguments: sizes.map { $0 } + [(80, 39), (80, 40)])
    func theDeskStripIsKeptUnderTheHeader(width: Int, height: Int) {
        let layout = Dashboard.Layout(body: Self.body(width: width, height: height), strategyCount: 3, orderCount: 1, legsWidth: 107)
        #expect(layout.desk == Rect(x: 0, y: 1, width: width, height: height < 40 ? 1 : 2))
        let panels = [layout.strategies, layout.spread, layout.state, layout.pnl, layout.legs, layout.log]
            + [layout.orders, layout.risk].compactMap { $0 }
        // Every panel inside the body, below the desk, and no two overlapping.
        for (index, panel) in panels.enumerated() {
            #expect(panel.y >= layout.desk.maxY && panel.maxY <= height - 1 && panel.x >= 0 && panel.maxX <= width)
            for other in panels[(index + 1)...] {
                let apart = panel.maxX <= other.x || other.maxX <= panel.x || panel.maxY <= other.y || other.maxY <= panel.y
                #expect(apart, "\(width)×\(height): \(panel) overlaps \(other)")
            }
        }
        // The desk line is drawn there, and only there: its first row opens with the desk's totals.
        let lines = Self.render(Self.withOrder, width: width, height: height).lines()
        #expect(lines[layout.desk.y].hasPrefix(" desk today"))
    }

    @Test func theLogAndTheChartsGrowWithTheTerminal() {
        let layouts = Self.sizes.map { Dashboard.Layout(body: Self.body(width: $0.0, height: $0.1), strategyCount: 1, legsWidth: 107) }
        for (smaller, larger) in zip(layouts, layouts.dropFirst()) {
            #expect(larger.log.height >= smaller.log.height)
            #expect(larger.spread.height >= smaller.spread.height)
        }
        // 200×60 used to show nine log lines and a PnL chart of two rows at 120×40.
        #expect(layouts[4].log.height - 2 > 9)
        #expect(layouts[2].pnl.height - 3 >= 4)
    }

    @Test func atWideSizesTheLegsAreAsWideAsTheirColumnsAndTheOrdersSitBeside() {
        let legs = LegsTable(legs: SnapshotFixture.strategy.legs)
        let layout = Dashboard.Layout(body: Self.body(width: 200, height: 60), strategyCount: 1, orderCount: 0, legsWidth: legs.naturalWidth)
        #expect(layout.legs.width == legs.naturalWidth)
        #expect(layout.orders?.x == layout.legs.maxX)
        // Every column whole: the venue and symbol are as wide as their longest value.
        let header = Self.render(Self.withOrder, width: 200, height: 60).lines()[layout.legs.y + 1]
        #expect(header.contains("venue        symbol         side"))
    }

    @Test func twoInverseLegsOfOneVenueAreSummedInContracts() {
        var legs = SnapshotFixture.strategy.legs
        legs.a.margining = .inverse
        legs.b.margining = .inverse
        legs.a.quantity = "120"
        legs.b.quantity = "-119"
        #expect(RiskPanel.netExposure(legs)?.text == "net +1 ct  UNHEDGED")
        legs.b.quantity = "-120"
        #expect(RiskPanel.netExposure(legs)?.text == "net 0 ct  hedged")
        legs.b.margining = .linear
        #expect(RiskPanel.netExposure(legs) == nil)
    }

    @Test func inverseLegsOfDifferentCountsAreHedgedInCoins() {
        // The basis demo: 504 dated contracts against 500 perpetual are coin-neutral at their prices.
        var legs = SnapshotFixture.strategy.legs
        for leg in Leg.allCases {
            legs[leg].margining = .inverse
            legs[leg].settlementAsset = "BTC"
            legs[leg].baseAsset = "BTC"
        }
        legs.a.quantity = "-504"
        legs.a.baseExposure = "-0.8262"
        legs.b.quantity = "500"
        legs.b.baseExposure = "0.8263"
        #expect(RiskPanel.netExposure(legs)?.text == "net +0.0001 BTC  hedged")
        legs.b.quantity = "400"
        legs.b.baseExposure = "0.6610"
        #expect(RiskPanel.netExposure(legs)?.text == "net -0.1652 BTC  UNHEDGED")
    }

    @Test func aLinearLegAgainstAnInverseOneIsSummedInCoins() {
        var legs = SnapshotFixture.strategy.legs
        legs.a.baseAsset = "BTC"
        legs.b.baseAsset = "BTC"
        legs.a.margining = .inverse
        legs.a.settlementAsset = "BTC"
        legs.a.quantity = "31000"
        legs.a.baseExposure = "0.5003"
        legs.b.quantity = "-0.5"
        legs.b.baseExposure = "-0.5"
        // 3 in 10,000 is the inverse leg's contract rounding: hedged.
        #expect(RiskPanel.netExposure(legs)?.text == "net +0.0003 BTC  hedged")
        legs.b.quantity = "-0.4"
        legs.b.baseExposure = "-0.4"
        #expect(RiskPanel.netExposure(legs)?.text == "net +0.1003 BTC  UNHEDGED")
        // The inverse leg's row reads in coins too, with its notional at the mark.
        #expect(RiskPanel.row(.a, legs.a).exposure == "+0.5003 BTC")
        legs.a.baseExposure = nil
        #expect(RiskPanel.netExposure(legs) == nil)
        #expect(RiskPanel.row(.a, legs.a).exposure == "+31,000 ct")
    }
}
