import Testing
@testable import HedgeCore

/// The facts the screen words its keys by: whether a halt is the kill switch's (HALTED, not a
/// fault) and whether a rebalance would be acted on (the dialog is offered only then).
@Suite("Hedging state machine: facts for the screen")
struct HedgingStateMachineScreenFactsTests {
    @Test("only the kill switch's halt is a kill halt", arguments: ReachableState.allCases)
    func haltedByKillSwitchOnlyAfterTheKill(state: ReachableState) {
        let desk = state.reach()
        // errorFlat is reached by the kill switch; errorWithPosition by failed hedges.
        #expect(desk.machine.haltedByKillSwitch == (state == .errorFlat))
    }

    @Test("a resume lifts the kill halt")
    func resumeLiftsTheKillHalt() {
        var desk = ReachableState.errorFlat.reach()
        #expect(desk.machine.haltedByKillSwitch)
        #expect(desk.command(.resume).commandResults.first?.1 == true)
        #expect(!desk.machine.haltedByKillSwitch)
    }

    @Test("killing a spread open halts as killed once flat")
    func killWhileMonitoringHaltsAsKilled() {
        var desk = ReachableState.monitoring.reach()
        let closing = desk.command(.kill)
        #expect(!desk.machine.haltedByKillSwitch)   // flattening first: not halted yet
        _ = desk.fillCloses(closing)
        #expect(desk.state == .error)
        #expect(desk.machine.haltedByKillSwitch)
    }

    @Test("rebalanceNeeded says what the rebalance command would do", arguments: ReachableState.allCases)
    func rebalanceNeededMatchesTheCommand(state: ReachableState) {
        var desk = state.reach()
        let needed = desk.machine.rebalanceNeeded
        let accepted = desk.command(.rebalance).commandResults.first?.1
        #expect(needed == accepted)
        #expect(!needed)   // every reachable state is balanced or not monitoring
    }

    @Test("legs off the hedge ratio by a lot or more need a rebalance, and the command acts")
    func driftNeedsARebalance() {
        // An inverse leg B: its base exposure moves with its price, so the hedge drifts.
        var desk = Desk(Desk.config(b: TestContracts.inverse("vb")))
        desk.open()
        #expect(!desk.machine.rebalanceNeeded)
        desk.send(.mark(.b, "50000"))
        #expect(desk.machine.rebalanceNeeded)
        #expect(desk.command(.rebalance).commandResults.first?.1 == true)
        #expect(!desk.machine.rebalanceNeeded)   // ADJUSTING now
    }
}
