import Foundation
@testable import HedgeCore
@testable import HedgeEngine
import Testing
@testable import HedgeTerminal

/// The rebalance dialog is offered only when the engine would act on it: something held, the
/// legs a lot or more off the hedge ratio, MONITORING.
@Suite struct RebalanceOfferTests {
    static var balanced: EngineSnapshot {
        var snapshot = ScreenInputTests.open
        snapshot.strategies[0].rebalanceNeeded = false
        return snapshot
    }

    @Test func rOnBalancedLegsOffersNoDialogAndSaysWhy() {
        var input = ScreenInput()
        #expect(input.handle(.character("r"), snapshot: Self.balanced, now: .zero) == [.redraw])
        #expect(input.dialog == nil)
        #expect(input.status?.text == "nothing to rebalance: cal-btc's legs are balanced within one lot")
    }

    @Test func rWhileClosingOffersNoDialogEither() {
        var input = ScreenInput()
        var closing = Self.balanced
        closing.strategies[0].state = .closing
        _ = input.handle(.character("r"), snapshot: closing, now: .zero)
        #expect(input.dialog == nil)
        #expect(input.status?.text == "no rebalance while cal-btc is CLOSING_SPREAD")
    }

    @Test func rOnLegsOffTheRatioOffersTheDialog() throws {
        var input = ScreenInput()
        _ = input.handle(.character("r"), snapshot: ScreenInputTests.open, now: .zero)
        #expect(try #require(input.dialog).lines.last == "The legs will be brought back to the hedge ratio.")
    }

    @Test func legsThatBalanceBehindTheDialogMakeYSendNothing() throws {
        var input = ScreenInput()
        _ = input.handle(.character("r"), snapshot: ScreenInputTests.open, now: .zero)
        input.snapshotArrived(Self.balanced, now: .seconds(1))
        #expect(try #require(input.dialog).lines.last == "The legs are balanced within one lot: y sends nothing.")
        #expect(input.handle(.character("y"), snapshot: Self.balanced, now: .seconds(1)) == [.redraw])
        #expect(input.status?.text == "nothing to rebalance: cal-btc's legs are balanced within one lot; nothing sent")
    }

    @Test func rebalanceNeededTravelsToWatchers() throws {
        var strategy = ScreenInputTests.open.strategies[0]
        strategy.haltedByKillSwitch = true
        let decoded = try JSONDecoder().decode(StrategySnapshot.self, from: JSONEncoder().encode(strategy))
        #expect(decoded.rebalanceNeeded)
        #expect(decoded.haltedByKillSwitch)
    }
}
