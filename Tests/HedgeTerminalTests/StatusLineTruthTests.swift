@testable import HedgeCore
@testable import HedgeEngine
import Testing
@testable import HedgeTerminal

/// The status line never shows an answer that is no longer true: an answer about a strategy
/// gives way to what is true now as soon as its state, pause or halt changes.
@Suite struct StatusLineTruthTests {
    static func answered(_ message: String, to command: StrategyCommand, in snapshot: EngineSnapshot) -> ScreenInput {
        var input = ScreenInput()
        input.commandSent(id: 9, action: command, strategy: "cal-btc", now: .zero)
        var answered = snapshot
        answered.acknowledgements = [CommandAcknowledgement(commandID: 9, strategy: "cal-btc", accepted: true, message: message, time: SnapshotFixture.at(600))]
        input.snapshotArrived(answered, now: .seconds(1))
        return input
    }

    @Test func anAnswerStaysWhileItIsTrue() {
        var input = Self.answered("close accepted: closing both legs", to: .close, in: ScreenInputTests.open)
        let changed = input.snapshotArrived(ScreenInputTests.open, now: .seconds(2))
        #expect(!changed)
        #expect(input.status?.text == "cal-btc: close accepted: closing both legs")
    }

    @Test func anAnswerGivesWayWhenTheStateChanges() {
        var input = Self.answered("close accepted: closing both legs", to: .close, in: ScreenInputTests.open)
        let changed = input.snapshotArrived(ScreenInputTests.flat, now: .seconds(2))
        #expect(changed)
        #expect(input.status?.text == "close accepted; cal-btc is now SCANNING_SPREADS")
        #expect(input.status?.role == .muted)
        // The next change is said the same way; what replaced it expires like any brief message.
        var validating = ScreenInputTests.flat
        validating.strategies[0].state = .validating
        input.snapshotArrived(validating, now: .seconds(2))
        #expect(input.status?.text == "close accepted; cal-btc is now VALIDATING_OPPORTUNITY")
        let expired = input.tick(now: .seconds(2) + ScreenInput.briefly)
        #expect(expired)
        #expect(input.status == nil)
    }

    @Test func aPauseAnswerGivesWayWhenThePauseIsLifted() {
        var paused = ScreenInputTests.open
        paused.strategies[0].paused = true
        var input = Self.answered("pause accepted: no new spreads", to: .pause, in: paused)
        input.snapshotArrived(ScreenInputTests.open, now: .seconds(2))
        #expect(input.status?.text == "pause accepted; cal-btc is now MONITORING_SPREAD")
    }

    @Test func anAnswerGivesWayWhenTheKillHalts() {
        var input = Self.answered("kill accepted: flattening both legs, then halting", to: .kill, in: ScreenInputTests.open)
        input.snapshotArrived(KillHaltResumeTests.halted, now: .seconds(2))
        #expect(input.status?.text == "kill accepted; cal-btc is now HALTED")
    }

    @Test func aRefusalThatNamesAStateGivesWayWhenItChanges() {
        var input = ScreenInput()
        _ = input.handle(.character("c"), snapshot: ScreenInputTests.flat, now: .zero)
        #expect(input.status?.text == "nothing to close: cal-btc is flat (SCANNING_SPREADS)")
        var validating = ScreenInputTests.flat
        validating.strategies[0].state = .validating
        input.snapshotArrived(validating, now: .seconds(1))
        #expect(input.status?.text == "cal-btc is now VALIDATING_OPPORTUNITY")
    }

    @Test func anAnswerAboutAnotherStrategyIsNotTouched() {
        var two = ScreenInputTests.open
        var other = ScreenInputTests.flat.strategies[0]
        other.name = "basis-eth"
        two.strategies.append(other)
        var input = Self.answered("close accepted: closing both legs", to: .close, in: two)
        var changed = two
        changed.strategies[1].state = .validating
        input.snapshotArrived(changed, now: .seconds(2))
        #expect(input.status?.text == "cal-btc: close accepted: closing both legs")
    }

    @Test func messagesThatNameNoStateStayTheirTime() {
        var input = ScreenInput()
        _ = input.handle(.character("+"), snapshot: ScreenInputTests.open, now: .zero)
        #expect(input.status?.text == "chart window 1m")
        input.snapshotArrived(ScreenInputTests.flat, now: .seconds(1))
        #expect(input.status?.text == "chart window 1m")
    }
}
