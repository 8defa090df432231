import HedgeCore
import HedgeEngine
import Testing
@testable import HedgeTerminal

@Suite struct KeyMapTests {
    @Test(arguments: [
        (KeyPress.character("q"), ScreenIntent.quit),
        (.character("c"), .closeSpread),
        (.character("p"), .togglePause),
        (.character("K"), .killSwitch),
        (.character("?"), .toggleHelp),
        (.tab, .nextStrategy),
        (.resize, .relayout),
        (.character("z"), .unknown(.character("z"))),
        (.other(999), .unknown(.other(999))),
    ])
    func mapsKeysToIntents(key: KeyPress, intent: ScreenIntent) {
        #expect(KeyMap.standard.intent(for: key) == intent)
    }

    @Test func quitReturnsQuit() {
        var input = ScreenInput()
        let result1 = input.handle(.character("q"), snapshot: nil, now: .zero)
        #expect(result1 == [.quit])
    }

    @Test func pauseSendsPauseThenResumeWhenPaused() {
        var input = ScreenInput()
        var snapshot = SnapshotFixture.snapshot
        let result2 = input.handle(.character("p"), snapshot: snapshot, now: .zero)
        #expect(result2.contains(.send(.pause, strategy: "cal-btc")))
        snapshot.strategies[0].paused = true
        let result3 = input.handle(.character("p"), snapshot: snapshot, now: .zero)
        #expect(result3.contains(.send(.resume, strategy: "cal-btc")))
    }

    @Test func closeSendsCloseAndShowsTheAcknowledgement() {
        var input = ScreenInput()
        var snapshot = SnapshotFixture.snapshot
        let result4 = input.handle(.character("c"), snapshot: snapshot, now: .zero)
        #expect(result4 == [.send(.close, strategy: "cal-btc"), .redraw])
        input.commandSent(id: 42, action: .close, strategy: "cal-btc", now: .zero)
        #expect(input.status?.text.contains("#42") == true)
        snapshot.acknowledgements = [CommandAcknowledgement(commandID: 42, accepted: true, message: "close accepted", time: SnapshotFixture.at(601))]
        let result5 = input.snapshotArrived(snapshot, now: .seconds(1))
        #expect(result5)
        #expect(input.status?.text == "close accepted")
        #expect(input.status?.role == .profit)
        let bar = Dashboard(glyphs: .unicode).render(snapshot, input: input, width: 120, height: 40).lines().last!
        #expect(bar.contains("close accepted"))
        // The same acknowledgement in the next snapshot is not news.
        let result6 = input.snapshotArrived(snapshot, now: .seconds(2))
        #expect(!result6)
    }

    @Test func unknownKeySaysSoBrieflyAndNeverCrashes() {
        var input = ScreenInput()
        let result7 = input.handle(.character("x"), snapshot: nil, now: .zero)
        #expect(result7 == [.redraw])
        #expect(input.status?.text == "unknown key x — press ? for help")
        let result8 = input.tick(now: .seconds(1))
        #expect(!result8)
        let result9 = input.tick(now: .seconds(5))
        #expect(result9)
        #expect(input.status == nil)
    }

    @Test func killNeedsASecondPress() {
        var input = ScreenInput()
        let result10 = input.handle(.character("K"), snapshot: SnapshotFixture.snapshot, now: .zero)
        #expect(result10 == [.redraw])
        #expect(input.killPending)
        let result11 = input.handle(.character("K"), snapshot: SnapshotFixture.snapshot, now: .zero)
        #expect(result11 == [.send(.kill, strategy: nil), .redraw])
        _ = input.handle(.character("K"), snapshot: SnapshotFixture.snapshot, now: .zero)
        let result12 = input.handle(.character("c"), snapshot: SnapshotFixture.snapshot, now: .zero)
        #expect(result12 == [.redraw])
        #expect(!input.killPending)
    }

    @Test func actionsWithoutAStrategyExplainThemselves() {
        var input = ScreenInput()
        let result13 = input.handle(.character("c"), snapshot: nil, now: .zero)
        #expect(result13 == [.redraw])
        #expect(input.status?.text == "no strategy to act on")
    }

    @Test func tabCyclesStrategies() {
        var input = ScreenInput()
        var snapshot = SnapshotFixture.snapshot
        var second = SnapshotFixture.strategy
        second.name = "basis-eth"
        snapshot.strategies.append(second)
        _ = input.handle(.tab, snapshot: snapshot, now: .zero)
        #expect(input.selectedIndex(in: snapshot) == 1)
        let result14 = input.handle(.character("c"), snapshot: snapshot, now: .zero)
        #expect(result14.contains(.send(.close, strategy: "basis-eth")))
        _ = input.handle(.tab, snapshot: snapshot, now: .zero)
        #expect(input.selectedIndex(in: snapshot) == 0)
    }

    @Test func backendDecodesControlKeys() {
        #expect(CursesTerminal.decode(character: 27) == .escape)
        #expect(CursesTerminal.decode(character: 9) == .tab)
        #expect(CursesTerminal.decode(character: UInt32(UInt8(ascii: "q"))) == .character("q"))
        #expect(CursesTerminal.decode(character: 0x7F) == .other(0x7F))
    }
}
