import Testing
@testable import HedgeCore

/// A state the machine can be driven to, for checking every command in every state.
enum ReachableState: String, CaseIterable, CustomTestStringConvertible {
    case scanning, validating, openingFirst, openingSecond, monitoring, adjusting, closing, unwinding, completed, errorFlat, errorWithPosition
    var testDescription: String { rawValue }

    var name: StrategyStateName {
        switch self {
        case .scanning: .scanning
        case .validating: .validating
        case .openingFirst: .openingShort   // A rich: A is sold first
        case .openingSecond: .openingLong
        case .monitoring: .monitoring
        case .adjusting: .adjusting
        case .closing: .closing
        case .unwinding: .unwinding
        case .completed: .completed
        case .errorFlat, .errorWithPosition: .error
        }
    }

    func reach() -> Desk {
        var desk = Desk(self == .adjusting ? Desk.config(b: TestContracts.inverse("vb")) : Desk.config())
        switch self {
        case .scanning:
            desk.marginOK()
        case .validating:
            desk.detect()
        case .openingFirst:
            desk.detect()
            _ = desk.validate()
        case .openingSecond:
            desk.detect()
            desk.fill(desk.validate())
        case .monitoring:
            desk.open()
        case .adjusting:
            desk.open()
            desk.send(.mark(.b, "50000"))
            desk.command(.rebalance)
        case .closing:
            desk.open()
            desk.command(.close)
        case .unwinding:
            desk.detect()
            desk.reject(desk.fill(desk.validate()).firstOrder())
        case .completed:
            desk.open()
            _ = desk.fillCloses(desk.command(.close))
        case .errorFlat:
            desk.command(.kill)
        case .errorWithPosition:
            desk.detect()
            var actions = desk.reject(desk.fill(desk.validate()).firstOrder())
            for _ in 0..<6 { actions = desk.reject(actions.firstOrder()) }
        }
        return desk
    }

    /// Whether each command is accepted here (everything else is refused with a reason).
    func accepts(_ command: StrategyCommand) -> Bool {
        switch command {
        case .close, .flatten: [.openingFirst, .openingSecond, .monitoring, .adjusting, .unwinding, .errorWithPosition].contains(self)
        case .rebalance: false   // the reachable MONITORING is balanced; see the drift rows
        case .resize: self == .monitoring
        case .setThresholds: true
        case .pause: self != .errorFlat   // the kill switch that halted it also paused it
        case .kill: true
        case .resume: [.errorFlat, .errorWithPosition].contains(self)
        }
    }
}

@Suite("Hedging state machine: commands")
struct HedgingStateMachineCommandTests {
    static let commands: [StrategyCommand] = [.close, .rebalance, .resize(percent: 50), .setThresholds(entry: .bps("8"), exit: .bps("2")),
                                              .pause, .resume, .kill, .flatten(reason: "stop after hangup (SIGHUP)")]

    @Test("a flatten closes as close does, under its own reason: the stop's, not the trader's close key")
    func flattenCarriesItsReason() {
        var desk = ReachableState.monitoring.reach()
        let actions = desk.command(.flatten(reason: "stop after hangup (SIGHUP)"))
        #expect(actions.commandResults.first?.1 == true)
        #expect(actions.transitions.map(\.to) == [.closing])
        #expect(actions.transitions.first?.reason == "stop after hangup (SIGHUP)", "\(actions.rendered)")
    }

    @Test("the harness reaches every state", arguments: ReachableState.allCases)
    func reachesState(_ state: ReachableState) {
        let desk = state.reach()
        #expect(desk.state == state.name)
        #expect(desk.machine.hasPosition == [.openingSecond, .monitoring, .adjusting, .closing, .unwinding, .errorWithPosition].contains(state))
    }

    @Test("every command in every state is answered, never silently", arguments: ReachableState.allCases, commands)
    func commandAnswered(_ state: ReachableState, _ command: StrategyCommand) {
        var desk = state.reach()
        let actions = desk.command(command)
        let results = actions.commandResults
        #expect(results.count == 1, "\(actions.rendered)")
        guard let (answered, accepted, message) = results.first else { return }
        #expect(answered == command)
        #expect(accepted == state.accepts(command), "\(message)")
        if accepted {
            #expect(message.hasPrefix("\(command) accepted: "))
        } else {
            #expect(message.hasPrefix("\(command) refused: "))
            #expect(message.count > "\(command) refused: ".count)
            #expect(actions.transitions.isEmpty, "a refused command changed the state: \(actions.rendered)")
            #expect(actions.orders.isEmpty)
        }
    }

    @Test("a close asked for while the first leg works is forgotten when nothing opened")
    func closeRequestForgottenWhenNothingOpened() {
        var desk = Desk()
        desk.detect()
        let open = desk.validate()
        #expect(desk.command(.close).commandResults.first?.1 == true)
        desk.reject(open)
        #expect(desk.state == .scanning)
        // The next spread opens and is monitored, not closed at once by the stale request.
        desk.open()
        #expect(desk.state == .monitoring)
    }

    @Test("a close asked for while opening closes as soon as both legs are hedged")
    func closeDuringOpeningClosesAfterHedge() {
        var desk = Desk()
        desk.detect()
        let open = desk.validate()
        desk.command(.close)
        let hedge = desk.fill(open).firstOrder()
        let actions = desk.fill(hedge)
        #expect(actions.path == [.closing])
        _ = desk.fillCloses(actions)
        #expect(desk.state == .completed)
        #expect(!desk.machine.hasPosition)
    }

    @Test("closing from ERROR flattens and stays halted until a manual resume")
    func closeFromErrorStaysHalted() {
        var desk = ReachableState.errorWithPosition.reach()
        let closing = desk.command(.close)
        #expect(closing.path == [.closing])
        let done = desk.fillCloses(closing)
        #expect(!desk.machine.hasPosition)
        #expect(done.path.last == .error, "\(done.rendered)")
        #expect(!done.contains { if case .scheduleTimer(.cooldown, _) = $0 { true } else { false } })
        #expect(desk.command(.resume).path == [.scanning])
    }

    @Test("kill while opening flattens what filled, then halts")
    func killWhileOpeningFlattens() {
        var desk = Desk()
        desk.detect()
        let open = desk.validate()
        #expect(desk.command(.kill).commandResults.first?.1 == true)
        let flatten = desk.fill(open).firstOrder()
        #expect(flatten.leg == .a && flatten.reduceOnly)
        let done = desk.fill(flatten)
        #expect(done.path == [.completed, .error])
        #expect(!desk.machine.hasPosition)
    }

    @Test("paused: no new spread is entered; resume scans again")
    func pauseStopsEntries() {
        var desk = Desk()
        desk.command(.pause)
        desk.marginOK()
        desk.quote(.b, "60000")
        #expect(desk.quote(.a, "60060").transitions.isEmpty)
        #expect(desk.command(.resume).commandResults.first?.1 == true)
        #expect(desk.quote(.a, "60061").path == [.spreadDetected, .validating])
    }

    @Test("rebalance is refused when the legs are balanced within a lot")
    func rebalanceRefusedWhenBalanced() {
        var desk = Desk()
        desk.open()
        let actions = desk.command(.rebalance)
        #expect(actions.commandResults.first?.1 == false)
        #expect(actions.commandResults.first?.2.contains("balanced") == true)
    }
}

extension HedgingStateMachineCommandTests {
    @Test("a close asked for after the kill switch while opening does not soften the kill")
    func closeAfterKillKeepsTheKill() {
        var desk = Desk()
        desk.detect()
        let open = desk.validate()
        desk.command(.kill)
        #expect(desk.command(.close).commandResults.first?.1 == true)
        let flatten = desk.fill(open).firstOrder()
        #expect(flatten.leg == .a && flatten.reduceOnly)
        let done = desk.fill(flatten)
        #expect(done.path == [.completed, .error])
        #expect(desk.machine.haltReason == "halted by kill switch; flat")
    }

    @Test("the kill switch during a close from ERROR halts as killed once flat, not with the old reason")
    func killDuringCloseFromError() {
        var desk = ReachableState.errorWithPosition.reach()
        let closing = desk.command(.close)
        #expect(desk.command(.kill).commandResults.first?.1 == true)
        let done = desk.fillCloses(closing)
        #expect(done.path == [.completed, .error])
        #expect(desk.machine.haltReason == "halted by kill switch; flat")
    }
}

extension HedgingStateMachineCommandTests {
    /// The close lives in the state that carries it out; a resume into SCANNING starts afresh.
    @Test("a close still pending when the flatten failed into ERROR does not close the spread opened after a resume")
    func pendingCloseForgottenAfterResume() throws {
        var desk = Desk()
        desk.detect()
        var actions = desk.reject(desk.fill(desk.validate()).firstOrder())
        #expect(desk.state == .unwinding)
        #expect(desk.command(.close).commandResults.first?.1 == true)
        for _ in 0..<8 where desk.state == .unwinding { actions = desk.reject(actions.firstOrder()) }
        try #require(desk.state == .error)
        // The venue closes what is left while halted; then the trader resumes.
        let held = desk.machine.positions.a.quantity
        let closing = Fill(orderID: "liquidation-A-1", side: held.isPositive ? .sell : .buy, price: "60000", quantity: held.magnitude,
                           fee: .zero, liquidity: .taker, time: desk.now, tradeID: 7)
        desk.send(.positionClosed(.a, closing, reason: .liquidation))
        #expect(!desk.machine.hasPosition)
        #expect(desk.command(.resume).path == [.scanning])
        desk.open()
        #expect(desk.state == .monitoring)
    }
}
