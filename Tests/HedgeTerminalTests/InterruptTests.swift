@testable import HedgeCore
@testable import HedgeEngine
import Testing
@testable import HedgeTerminal

/// Ctrl-C is answered like q: it asks while a spread is open, and a second one quits anyway.
@Suite struct InterruptTests {
    @Test func ctrlCWithASpreadOpenAsksLikeQ() throws {
        var input = ScreenInput()
        #expect(input.interrupted(snapshot: ScreenInputTests.open, now: .zero) == [.redraw])
        let dialog = try #require(input.dialog)
        #expect(dialog.purpose == .quit)
        #expect(dialog.lines.last == "Ctrl-C now quits at once, without asking again.")
    }

    @Test func aSecondCtrlCQuitsAnyway() {
        var input = ScreenInput()
        _ = input.interrupted(snapshot: ScreenInputTests.open, now: .zero)
        #expect(input.interrupted(snapshot: ScreenInputTests.open, now: .milliseconds(300)) == [.quit])
    }

    @Test func ctrlCAfterQQuitsAnyway() {
        var input = ScreenInput()
        _ = input.handle(.character("q"), snapshot: ScreenInputTests.open, now: .zero)
        #expect(input.interrupted(snapshot: ScreenInputTests.open, now: .zero) == [.quit])
    }

    @Test func ctrlCWhenFlatQuitsAtOnce() {
        var input = ScreenInput()
        #expect(input.interrupted(snapshot: ScreenInputTests.flat, now: .zero) == [.quit])
    }

    @Test func ctrlCAttachedDetachesAtOnce() {
        var input = ScreenInput(context: ScreenContextTests.steering)
        #expect(input.interrupted(snapshot: ScreenInputTests.open, now: .zero) == [.quit])
    }

    @Test func ctrlCOverAnotherDialogTurnsItIntoTheQuestionToQuit() {
        var input = ScreenInput()
        _ = input.handle(.character("c"), snapshot: ScreenInputTests.open, now: .zero)
        #expect(input.interrupted(snapshot: ScreenInputTests.open, now: .zero) == [.redraw])
        #expect(input.mode == .confirm(.quit))
        #expect(input.handle(.character("n"), snapshot: ScreenInputTests.open, now: .zero) == [.redraw])
        #expect(input.mode == .normal)
    }

    @Test func ctrlCBeforeAnySnapshotQuits() {
        var input = ScreenInput()
        #expect(input.interrupted(snapshot: nil, now: .zero) == [.quit])
    }
}
