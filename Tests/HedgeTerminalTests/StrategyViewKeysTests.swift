@testable import HedgeCore
@testable import HedgeEngine
import Testing
@testable import HedgeTerminal

/// `s` sorts the strategies list and `o` filters it; tab walks the list as shown; both keys are
/// in the help and on the key bar.
@Suite struct StrategyViewKeysTests {
    static func strategy(_ name: String, state: StrategyStateName, net: FixedDecimal, holding: Bool) -> StrategySnapshot {
        var strategy = SnapshotFixture.strategy
        strategy.name = name
        strategy.state = state
        strategy.pnl.net = net
        if !holding {
            strategy.legs.a.quantity = .zero
            strategy.legs.b.quantity = .zero
        }
        return strategy
    }

    /// Four strategies in configured order: two open, one flat, one halted by an error.
    static var snapshot: EngineSnapshot {
        var snapshot = SnapshotFixture.snapshot
        snapshot.strategies = [
            strategy("cal-btc", state: .monitoring, net: "9.55", holding: true),
            strategy("alpha-eth", state: .scanning, net: "-3", holding: false),
            strategy("basis-btc", state: .monitoring, net: "-12.4", holding: true),
            strategy("zeta-sol", state: .error, net: "1", holding: false),
        ]
        return snapshot
    }

    static func names(_ input: ScreenInput) -> [String] { input.shownStrategies(in: snapshot).map(\.name) }

    @Test("s sorts by PnL worst first, then by state (troubled first), then by name, then as configured")
    func sortCycles() {
        var input = ScreenInput()
        #expect(Self.names(input) == ["cal-btc", "alpha-eth", "basis-btc", "zeta-sol"])
        _ = input.handle(.character("s"), snapshot: Self.snapshot, now: .zero)
        #expect(Self.names(input) == ["basis-btc", "alpha-eth", "zeta-sol", "cal-btc"])
        #expect(input.status?.text == "strategies by PnL, worst first")
        _ = input.handle(.character("s"), snapshot: Self.snapshot, now: .zero)
        #expect(Self.names(input) == ["zeta-sol", "cal-btc", "basis-btc", "alpha-eth"])
        _ = input.handle(.character("s"), snapshot: Self.snapshot, now: .zero)
        #expect(Self.names(input) == ["alpha-eth", "basis-btc", "cal-btc", "zeta-sol"])
        _ = input.handle(.character("s"), snapshot: Self.snapshot, now: .zero)
        #expect(Self.names(input) == ["cal-btc", "alpha-eth", "basis-btc", "zeta-sol"])
        #expect(input.status?.text == "strategies as configured")
    }

    @Test("o shows only open, then flat, then troubled strategies, then all again")
    func filterCycles() {
        var input = ScreenInput()
        _ = input.handle(.character("o"), snapshot: Self.snapshot, now: .zero)
        #expect(Self.names(input) == ["cal-btc", "basis-btc"])
        #expect(input.status?.text == "strategies: open only, 2 of 4")
        _ = input.handle(.character("o"), snapshot: Self.snapshot, now: .zero)
        #expect(Self.names(input) == ["alpha-eth", "zeta-sol"])
        _ = input.handle(.character("o"), snapshot: Self.snapshot, now: .zero)
        #expect(Self.names(input) == ["zeta-sol"])
        _ = input.handle(.character("o"), snapshot: Self.snapshot, now: .zero)
        #expect(Self.names(input).count == 4)
        #expect(input.status?.text == "strategies: all 4")
    }

    @Test("a filter that hides the selection moves it to the first strategy shown; tab walks only what is shown, in its order")
    func selectionFollowsTheList() {
        var input = ScreenInput()
        _ = input.handle(.tab, snapshot: Self.snapshot, now: .zero) // alpha-eth, flat
        #expect(Self.snapshot.strategies[input.selectedIndex(in: Self.snapshot)].name == "alpha-eth")
        _ = input.handle(.character("o"), snapshot: Self.snapshot, now: .zero) // open only
        #expect(Self.snapshot.strategies[input.selectedIndex(in: Self.snapshot)].name == "cal-btc")
        _ = input.handle(.character("s"), snapshot: Self.snapshot, now: .zero) // by PnL: basis-btc, cal-btc
        _ = input.handle(.tab, snapshot: Self.snapshot, now: .zero)
        #expect(Self.snapshot.strategies[input.selectedIndex(in: Self.snapshot)].name == "basis-btc")
        _ = input.handle(.tab, snapshot: Self.snapshot, now: .zero)
        #expect(Self.snapshot.strategies[input.selectedIndex(in: Self.snapshot)].name == "cal-btc")
    }

    @Test("sorting keeps the strategy in sight selected, wherever it lands")
    func sortKeepsTheSelection() {
        var input = ScreenInput()
        #expect(Self.snapshot.strategies[input.selectedIndex(in: Self.snapshot)].name == "cal-btc")
        _ = input.handle(.character("s"), snapshot: Self.snapshot, now: .zero) // by PnL: cal-btc is last
        #expect(Self.snapshot.strategies[input.selectedIndex(in: Self.snapshot)].name == "cal-btc")
        // Its PnL falling to the worst moves it to the top of the list, still selected.
        var later = Self.snapshot
        later.strategies[0].pnl.net = "-50"
        #expect(later.strategies[input.selectedIndex(in: later)].name == "cal-btc")
        #expect(input.shownStrategies(in: later).first?.name == "cal-btc")
    }

    @Test("with nothing to show, tab says which filter hides everything")
    func emptyFilter() {
        var snapshot = Self.snapshot
        snapshot.strategies = [Self.strategy("cal-btc", state: .monitoring, net: "1", holding: true)]
        var input = ScreenInput()
        _ = input.handle(.character("o"), snapshot: snapshot, now: .zero)
        _ = input.handle(.character("o"), snapshot: snapshot, now: .zero) // flat only: none
        _ = input.handle(.tab, snapshot: snapshot, now: .zero)
        #expect(input.status?.text == "no strategy is flat — o shows others")
        let screen = Dashboard(glyphs: .unicode).render(snapshot, input: input, width: 120, height: 40).lines().joined(separator: "\n")
        #expect(screen.contains("no strategy is flat (o: next filter)"))
        // No panel shows the strategy the list hides.
        #expect(screen.contains("the filter hides every strategy: o shows the next one"))
        #expect(!screen.contains("Spread · cal-btc") && !screen.contains("┤ Legs ├"))
    }

    @Test("under a filter that hides every strategy, c, r, a and p act on none: they say which filter hides them")
    func commandsNeedAShownStrategy() {
        var snapshot = Self.snapshot
        snapshot.strategies = [Self.strategy("cal-btc", state: .monitoring, net: "1", holding: true)]
        var input = ScreenInput()
        _ = input.handle(.character("o"), snapshot: snapshot, now: .zero)
        _ = input.handle(.character("o"), snapshot: snapshot, now: .zero) // flat only: none
        for key in ["c", "r", "a", "p"] {
            let actions = input.handle(.character(Character(key)), snapshot: snapshot, now: .zero)
            #expect(input.mode == .normal, "\(key) opened a dialog for a hidden strategy")
            #expect(!actions.contains { if case .send = $0 { true } else { false } }, "\(key) sent a command")
            #expect(input.status?.text == "no strategy is flat — o shows others")
        }
        // Shown again, the same keys act on it.
        _ = input.handle(.character("o"), snapshot: snapshot, now: .zero)
        _ = input.handle(.character("o"), snapshot: snapshot, now: .zero)
        _ = input.handle(.character("c"), snapshot: snapshot, now: .zero)
        #expect(input.mode == .confirm(.close(strategy: "cal-btc")))
    }

    @Test("the list's title says what is shown, how many of all, and the order")
    func titleSaysTheView() {
        var input = ScreenInput()
        _ = input.handle(.character("o"), snapshot: Self.snapshot, now: .zero)
        _ = input.handle(.character("s"), snapshot: Self.snapshot, now: .zero)
        let screen = Dashboard(glyphs: .unicode).render(Self.snapshot, input: input, width: 120, height: 40).lines().joined(separator: "\n")
        // The selection moved to cal-btc when the filter hid alpha-eth; by PnL it is second.
        #expect(screen.contains("Strategies 2/2 of 4 · open · by PnL"))
    }

    @Test("s and o are in the help overlay and s on the key bar, like every key")
    func keysListed() {
        var buffer = Buffer(width: 100, height: 30)
        HelpOverlay(keyMap: .standard).render(into: &buffer, area: buffer.area, glyphs: .unicode)
        let help = buffer.lines().joined(separator: "\n")
        #expect(help.contains("s o"))
        #expect(help.contains("sorts by PnL/state/name"))
        var bar = Buffer(width: 80, height: 1)
        KeyBar(keyMap: .standard, status: nil).render(into: &bar, area: bar.area, glyphs: .unicode)
        #expect(bar.lines()[0].contains("s o sort"))
        #expect(bar.lines()[0].contains("help"))
    }
}
