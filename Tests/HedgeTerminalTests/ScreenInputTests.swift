@testable import HedgeCore
@testable import HedgeEngine
import Testing
@testable import HedgeTerminal

/// The key handling state machine: every key in every mode and dialog.
@Suite struct ScreenInputTests {
    typealias Action = ScreenInput.Action

    /// The fixture holds an open spread (0.5 long / 0.5 short, MONITORING_SPREAD), its legs off
    /// the hedge ratio by a lot (the engine would act on a rebalance).
    static var open: EngineSnapshot {
        var snapshot = SnapshotFixture.snapshot
        snapshot.strategies[0].rebalanceNeeded = true
        return snapshot
    }

    /// The same strategy scanning with nothing held.
    static var flat: EngineSnapshot {
        var snapshot = SnapshotFixture.snapshot
        snapshot.strategies[0].state = .scanning
        snapshot.strategies[0].legs.a.quantity = .zero
        snapshot.strategies[0].legs.b.quantity = .zero
        return snapshot
    }

    /// Every key the map knows, plus one it does not and a resize.
    static let everyKey: [KeyPress] = KeyMap.standard.bindings.flatMap(\.keys) + [.character("x"), .other(999), .resize]

    enum Start: String, CaseIterable { case normal, help, close, rebalance, kill, quit }

    /// An input in mode `start`, reached by pressing keys as a trader would.
    static func input(in start: Start) -> ScreenInput {
        var input = ScreenInput()
        let key: Character? = switch start {
        case .normal: nil
        case .help: "?"
        case .close: "c"
        case .rebalance: "r"
        case .kill: "K"
        case .quit: "q"
        }
        if let key { _ = input.handle(.character(key), snapshot: open, now: .zero) }
        return input
    }

    // MARK: the key map

    @Test(arguments: [
        (KeyPress.character("q"), ScreenIntent.quit), (.character("c"), .closeSpread), (.character("r"), .rebalance),
        (.character("p"), .togglePause), (.character("K"), .killSwitch), (.character("t"), .nextTheme),
        (.character("?"), .toggleHelp), (.character("h"), .toggleHelp), (.escape, .dismiss),
        (.character("y"), .confirm), (.enter, .confirm), (.character("n"), .cancel),
        (.tab, .nextStrategy), (.down, .nextStrategy), (.right, .nextStrategy),
        (.backTab, .previousStrategy), (.up, .previousStrategy), (.left, .previousStrategy),
        (.character("+"), .zoomIn), (.character("-"), .zoomOut), (.resize, .relayout),
        (.character("z"), .unknown(.character("z"))), (.other(999), .unknown(.other(999))),
    ])
    func mapsKeysToIntents(key: KeyPress, intent: ScreenIntent) {
        #expect(KeyMap.standard.intent(for: key) == intent)
    }

    @Test func noKeyIsBoundTwice() {
        let keys = KeyMap.standard.bindings.flatMap(\.keys)
        #expect(Set(keys).count == keys.count)
    }

    // MARK: every key in every mode

    @Test(arguments: Start.allCases)
    func everyKeyInEveryModeNeverCrashesAndAlwaysAnswers(start: Start) {
        for key in Self.everyKey {
            var input = Self.input(in: start)
            let actions = input.handle(key, snapshot: Self.open, now: .seconds(1))
            #expect(!actions.isEmpty, "\(key.label) in \(start) did nothing visible")
        }
    }

    @Test(arguments: Start.allCases)
    func resizeRelayoutsAndKeepsTheMode(start: Start) {
        var input = Self.input(in: start)
        let before = input.mode
        let result1 = input.handle(.resize, snapshot: Self.open, now: .zero)
        #expect(result1 == [.relayout])
        #expect(input.mode == before)
    }

    @Test(arguments: [Start.help, .close, .rebalance, .kill, .quit])
    func escapeClosesAnyOverlayAtOnceAndSendsNothing(start: Start) {
        var input = Self.input(in: start)
        #expect(input.mode != .normal)
        let actions = input.handle(.escape, snapshot: Self.open, now: .zero)
        #expect(actions == [.redraw])
        #expect(input.mode == .normal)
    }

    @Test(arguments: [Start.close, .rebalance, .kill, .quit])
    func nCancelsADialog(start: Start) {
        var input = Self.input(in: start)
        let result2 = input.handle(.character("n"), snapshot: Self.open, now: .zero)
        #expect(result2 == [.redraw])
        #expect(input.mode == .normal)
        #expect(input.status?.text.hasSuffix("cancelled") == true)
    }

    @Test(arguments: [
        (Start.close, [Action.send(.close, strategy: "cal-btc"), .redraw]),
        (.rebalance, [.send(.rebalance, strategy: "cal-btc"), .redraw]),
        (.kill, [.send(.kill, strategy: nil), .redraw]),
        (.quit, [.quit]),
    ])
    func yAndEnterConfirmADialog(start: Start, expected: [Action]) {
        for key in [KeyPress.character("y"), .enter] {
            var input = Self.input(in: start)
            let result3 = input.handle(key, snapshot: Self.open, now: .zero)
            #expect(result3 == expected)
            #expect(input.mode == .normal)
        }
    }

    @Test(arguments: [Start.close, .rebalance, .kill, .quit])
    func otherKeysInADialogOnlyRemindAndSendNothing(start: Start) {
        for key in Self.everyKey where ![.confirm, .cancel, .dismiss, .relayout].contains(KeyMap.standard.intent(for: key)) {
            var input = Self.input(in: start)
            let before = input.mode
            let result4 = input.handle(key, snapshot: Self.open, now: .zero)
            #expect(result4 == [.redraw], "\(key.label)")
            #expect(input.mode == before)
            #expect(input.status?.text == "y or Enter confirms, n or Esc cancels")
        }
    }

    @Test func anyKeyClosesHelpAndDoesNothingElse() {
        for key in Self.everyKey where key != .resize {
            var input = Self.input(in: .help)
            let result5 = input.handle(key, snapshot: Self.open, now: .zero)
            #expect(result5 == [.redraw], "\(key.label)")
            #expect(input.mode == .normal)
        }
    }

    // MARK: normal mode, key by key

    @Test func quitIsImmediateWhenNothingIsOpen() {
        var input = ScreenInput()
        let result6 = input.handle(.character("q"), snapshot: Self.flat, now: .zero)
        #expect(result6 == [.quit])
        var none = ScreenInput()
        let result7 = none.handle(.character("q"), snapshot: nil, now: .zero)
        #expect(result7 == [.quit])
    }

    @Test func quitAsksWhileASpreadIsOpen() throws {
        var input = ScreenInput()
        let result8 = input.handle(.character("q"), snapshot: Self.open, now: .zero)
        #expect(result8 == [.redraw])
        let dialog = try #require(input.dialog)
        #expect(dialog.purpose == .quit)
        #expect(dialog.lines[0] == "cal-btc: MONITORING_SPREAD, A +0.5 / B -0.5")
    }

    @Test func closeDialogNamesTheStrategyAndItsLegs() throws {
        var input = ScreenInput()
        _ = input.handle(.character("c"), snapshot: Self.open, now: .zero)
        let dialog = try #require(input.dialog)
        #expect(dialog.title == "Close spread")
        #expect(dialog.lines == [
            "cal-btc (calendar), MONITORING_SPREAD",
            "leg A: BTCUSDT_240927 on binance-usdm, long 0.5",
            "leg B: BTCUSDT_241227 on binance-usdm, short 0.5",
            "Both legs will be closed at market.",
        ])
    }

    @Test func killDialogListsWhatWillBeFlattenedPerStrategyAndLeg() throws {
        var input = ScreenInput()
        var snapshot = Self.open
        var second = Self.flat.strategies[0]
        second.name = "basis-eth"
        snapshot.strategies.append(second)
        _ = input.handle(.character("K"), snapshot: snapshot, now: .zero)
        let dialog = try #require(input.dialog)
        #expect(dialog.danger)
        #expect(dialog.lines == [
            "cal-btc leg A: sell 0.5 BTCUSDT_240927 on binance-usdm",
            "cal-btc leg B: buy 0.5 BTCUSDT_241227 on binance-usdm",
            "basis-eth: nothing held (SCANNING_SPREADS)",
            // Issue 18: "halts until restarted" was wrong: the halt outlives a restart and p lifts it.
            "Then every strategy is HALTED: none opens anything, even after a",
            "restart, until each is resumed with p (which asks first).",
        ])
    }

    @Test func pauseSendsPauseThenResumeWhenPaused() {
        var input = ScreenInput()
        var snapshot = Self.open
        let result9 = input.handle(.character("p"), snapshot: snapshot, now: .zero)
        #expect(result9 == [.send(.pause, strategy: "cal-btc"), .redraw])
        snapshot.strategies[0].paused = true
        let result10 = input.handle(.character("p"), snapshot: snapshot, now: .zero)
        #expect(result10 == [.send(.resume, strategy: "cal-btc"), .redraw])
    }

    @Test func tAsksForTheNextTheme() {
        var input = ScreenInput()
        let result11 = input.handle(.character("t"), snapshot: nil, now: .zero)
        #expect(result11 == [.nextTheme, .redraw])
        input.themeChanged(to: "nord", problem: nil, now: .zero)
        #expect(input.status?.text == "theme nord")
    }

    @Test func aBrokenThemeShowsInTheStatusLineAndTheEventLog() {
        var input = ScreenInput()
        input.snapshotArrived(Self.open, now: .zero)
        input.themeChanged(to: "bad", problem: "theme bad.toml:3: colours.text: bad; using the default theme", now: .zero)
        #expect(input.status?.role == .danger)
        #expect(input.notes.last?.message.contains("bad.toml:3") == true)
        #expect(input.notes.last?.severity == .error)
    }

    @Test func plusAndMinusStepTheChartWindowAndStopAtTheEnds() {
        var input = ScreenInput()
        #expect(input.chartWindow == .fiveMinutes)
        for expected in [ChartWindow.fifteenMinutes, .oneHour, .all, .all] {
            _ = input.handle(.character("-"), snapshot: nil, now: .zero)
            #expect(input.chartWindow == expected)
        }
        #expect(input.status?.text == "already showing everything")
        for expected in [ChartWindow.oneHour, .fifteenMinutes, .fiveMinutes, .oneMinute, .oneMinute] {
            _ = input.handle(.character("+"), snapshot: nil, now: .zero)
            #expect(input.chartWindow == expected)
        }
        #expect(input.status?.text == "already the shortest window (1m)")
    }

    @Test func yAndNOutsideADialogSayThereIsNothingToConfirm() {
        for key in [KeyPress.character("y"), .enter, .character("n")] {
            var input = ScreenInput()
            let result12 = input.handle(key, snapshot: Self.open, now: .zero)
            #expect(result12 == [.redraw])
            #expect(input.status?.text == "nothing to confirm — press ? for help")
        }
    }

    @Test func escapeInNormalModeClearsTheStatusLine() {
        var input = ScreenInput()
        _ = input.handle(.character("x"), snapshot: nil, now: .zero)
        #expect(input.status != nil)
        _ = input.handle(.escape, snapshot: nil, now: .zero)
        #expect(input.status == nil)
    }

    @Test func unknownKeySaysSoBriefly() {
        var input = ScreenInput()
        let result13 = input.handle(.character("x"), snapshot: nil, now: .zero)
        #expect(result13 == [.redraw])
        #expect(input.status?.text == "unknown key x — press ? for help")
        let result14 = input.tick(now: .seconds(1))
        #expect(!result14)
        let result15 = input.tick(now: .seconds(5))
        #expect(result15)
        #expect(input.status == nil)
    }

    @Test(arguments: ["c", "r", "p"])
    func actionsWithoutAStrategyExplainThemselves(key: Character) {
        var input = ScreenInput()
        let result16 = input.handle(.character(key), snapshot: nil, now: .zero)
        #expect(result16 == [.redraw])
        #expect(input.status?.text == "no strategy to act on")
        #expect(input.mode == .normal)
    }

    @Test func arrowsAndTabCycleStrategiesBothWays() {
        var input = ScreenInput()
        var snapshot = Self.open
        var second = SnapshotFixture.strategy
        second.name = "basis-eth"
        snapshot.strategies.append(second)
        for (key, expected) in [(KeyPress.tab, 1), (.tab, 0), (.down, 1), (.up, 0), (.left, 1), (.right, 0), (.backTab, 1)] {
            _ = input.handle(key, snapshot: snapshot, now: .zero)
            #expect(input.selectedIndex(in: snapshot) == expected, "\(key.label)")
        }
        _ = input.handle(.character("c"), snapshot: snapshot, now: .zero)
        let result17 = input.handle(.character("y"), snapshot: snapshot, now: .zero)
        #expect(result17.contains(.send(.close, strategy: "basis-eth")))
    }

    // MARK: acknowledgements

    @Test func acceptedCommandShowsInStatusLineAndEventLog() {
        var input = ScreenInput()
        var snapshot = Self.open
        input.commandSent(id: 42, action: .close, strategy: "cal-btc", now: .zero)
        #expect(input.status?.text == "close cal-btc sent (#42), waiting for the engine")
        snapshot.acknowledgements = [CommandAcknowledgement(commandID: 42, accepted: true, message: "close accepted", time: SnapshotFixture.at(601))]
        let result18 = input.snapshotArrived(snapshot, now: .seconds(1))
        #expect(result18)
        #expect(input.status?.text == "close accepted")
        #expect(input.status?.role == .profit)
        #expect(input.notes.last?.message == "cal-btc close accepted")
        let text = Dashboard(glyphs: .unicode).render(snapshot, input: input, width: 120, height: 40).lines()
        #expect(text.last!.contains("close accepted"))
        #expect(text.contains { $0.contains("screen cal-btc close accepted") })
        // The same acknowledgement in the next snapshot is not news.
        let result19 = input.snapshotArrived(snapshot, now: .seconds(2))
        #expect(!result19)
        #expect(input.notes.count == 1)
    }

    @Test func refusedCommandSaysRefused() {
        var input = ScreenInput()
        var snapshot = Self.flat
        input.commandSent(id: 7, action: .close, strategy: "cal-btc", now: .zero)
        snapshot.acknowledgements = [CommandAcknowledgement(commandID: 7, accepted: false, message: "close refused: nothing open", time: SnapshotFixture.at(601))]
        input.snapshotArrived(snapshot, now: .seconds(1))
        #expect(input.status?.text == "refused: close refused: nothing open")
        #expect(input.status?.role == .danger)
        #expect(input.notes.last?.severity == .warning)
    }

    @Test func aSentCommandIsNamedOnTheStatusLineAsItAlwaysWas() {
        var input = ScreenInput()
        input.commandSent(id: 3, action: .setThresholds(entry: .z(2), exit: nil), strategy: "cal-btc", now: .zero)
        #expect(input.status?.text == "setThresholds(entry: Optional(2.0σ), exit: nil) cal-btc sent (#3), waiting for the engine")
        input.commandSent(id: 4, action: .resize(percent: -25), strategy: nil, now: .zero)
        #expect(input.status?.text == "resize(percent: -25) all sent (#4), waiting for the engine")
        input.commandSent(id: 5, action: .setThresholds(entry: .bps(12), exit: .z(0.5)), strategy: "cal-btc", now: .zero)
        #expect(input.status?.text == "setThresholds(entry: Optional(12 bps), exit: Optional(0.5σ)) cal-btc sent (#5), waiting for the engine")
    }

    @Test func anAnswerRefusedOnTheWayNamesTheCommandByItsScreenVerb() {
        let refusal = CommandAcknowledgement(commandID: 1, accepted: false, message: "read-only watcher: attached with --read-only",
                                             namesCommand: false, time: .zero)
        #expect(ScreenInput.logLine(for: refusal, action: .setThresholds(entry: .z(2), exit: nil), strategy: "cal-btc") == "cal-btc setThresholds refused: read-only watcher: attached with --read-only")
        #expect(ScreenInput.logLine(for: refusal, action: .resize(percent: 10), strategy: "cal-btc") == "cal-btc resize refused: read-only watcher: attached with --read-only")
    }

    @Test func backendDecodesControlKeys() {
        #expect(CursesTerminal.decode(character: 27) == .escape)
        #expect(CursesTerminal.decode(character: 9) == .tab)
        #expect(CursesTerminal.decode(character: 13) == .enter)
        #expect(CursesTerminal.decode(character: UInt32(UInt8(ascii: "q"))) == .character("q"))
        #expect(CursesTerminal.decode(character: 0x7F) == .other(0x7F))
    }
}
