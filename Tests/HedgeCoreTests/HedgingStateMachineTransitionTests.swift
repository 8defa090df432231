import Testing
@testable import HedgeCore

/// One row per arrow of the diagram in DESIGN.md §2: the events that take it, the states entered
/// by the last event, and words its reason must contain.
enum Arrow: String, CaseIterable, CustomTestStringConvertible {
    case scanningToDetectedToValidating
    case validatingToOpeningFirst
    case openingFirstToOpeningSecond
    case openingSecondToMonitoring
    case detectedToScanningMarginShort
    case detectedToScanningCannotSize
    case validatingToScanningGone
    case validatingToScanningSlippage
    case validatingToScanningTimeout
    case monitoringToAdjustingOnDrift
    case adjustingToMonitoring
    case monitoringToAdjustingOnRebalance
    case openingSecondToUnwindingOnReject
    case closingToUnwindingOnRejectedLeg
    case unwindingToMonitoringWhenRehedged
    case completedToScanningAfterCooldown
    case scanningToErrorOnBadData
    case scanningToErrorOnMarginCall
    case openingFirstToErrorAfterConsecutiveFailures
    case scanningToErrorOnKill
    case errorToScanningOnResume

    var testDescription: String { rawValue }

    /// Linear A, inverse B (BTCUSD_PERP) for the rows about drift.
    static let mixed = Desk.config(a: TestContracts.linear("va"), b: TestContracts.inverse("vb"))

    /// Runs the row; returns the actions of the event that takes the arrow, and the expected path and reason.
    func run() -> (actions: [StrategyAction], path: [StrategyStateName], reason: String, desk: Desk) {
        var desk = Desk()
        switch self {
        case .scanningToDetectedToValidating:
            let actions = desk.detect()
            return (actions, [.spreadDetected, .validating], "awaiting fresh quotes", desk)
        case .validatingToOpeningFirst:
            desk.detect()
            // A rich: the first leg (A, thinner or equal book) sells, so the state is OPENING_SHORT_LEG.
            let actions = desk.quote(.b, "60000")
            return (actions, [.openingShort], "validated", desk)
        case .openingFirstToOpeningSecond:
            desk.detect()
            let first = desk.validate()
            return (desk.fill(first), [.openingLong], "hedging", desk)
        case .openingSecondToMonitoring:
            desk.detect()
            let first = desk.validate()
            let second = desk.fill(first).firstOrder()
            return (desk.fill(second), [.monitoring], "both legs hedged", desk)
        case .detectedToScanningMarginShort:
            desk.margin(.a, available: "1")   // 0.1 BTC × 60000 × 5 % = 300 USDT needed
            desk.margin(.b)
            desk.quote(.b, "60000")
            let actions = desk.quote(.a, "60060")
            return (actions, [.spreadDetected, .scanning], "insufficient margin", desk)
        case .detectedToScanningCannotSize:
            desk = Desk(Desk.config { $0.targetNotional = "30" })   // 0.0005 BTC: below the lot step
            desk.marginOK()
            desk.quote(.b, "60000")
            let actions = desk.quote(.a, "60060")
            return (actions, [.spreadDetected, .scanning], "cannot size", desk)
        case .validatingToScanningGone:
            desk.detect()
            return (desk.quote(.a, "60000"), [.scanning], "gone", desk)
        case .validatingToScanningSlippage:
            desk = Desk(Desk.config { $0.maxSlippageBps = "0.0001" })
            desk.detect()
            // 0.1 wanted, 0.05 shown: 0.05 one tick worse → 0.005 / 60000 × 10⁴ = 0.00083 bps > 0.0001
            return (desk.quote(.b, "60000", bidSize: "0.05", askSize: "0.05"), [.scanning], "slippage", desk)
        case .validatingToScanningTimeout:
            desk.detect()
            return (desk.send(.timer(.validationTimeout), after: .seconds(5)), [.scanning], "no fresh quotes", desk)
        case .monitoringToAdjustingOnDrift:
            desk = Desk(Self.mixed)
            desk.open()
            // B (inverse, 60 contracts) is worth 6000/50000 = 0.12 BTC at 50000; A is short 0.1: drift 16.7 %
            desk.quote(.a, "50050")   // linear A: its exposure does not move with the price
            return (desk.quote(.b, "50000"), [.adjusting], "drifted", desk)
        case .adjustingToMonitoring:
            desk = Desk(Self.mixed)
            desk.open()
            desk.quote(.a, "50050")
            let adjust = desk.quote(.b, "50000").firstOrder()
            // sell 0.02 more A: −0.12 BTC against B's 60 × 100 / 50000 = 0.12 BTC
            #expect(adjust.leg == .a && adjust.side == .sell && adjust.quantity == "0.02" && adjust.purpose == .adjust)
            return (desk.fill(adjust), [.monitoring], "adjusted", desk)
        case .monitoringToAdjustingOnRebalance:
            desk = Desk(Self.mixed)
            desk.open()
            desk.send(.mark(.b, "50000"))   // marks do not run the exit rules; the drift waits for a command
            return (desk.command(.rebalance), [.adjusting], "manual rebalance", desk)
        case .openingSecondToUnwindingOnReject:
            desk.detect()
            let first = desk.validate()
            let second = desk.fill(first).firstOrder()
            return (desk.reject(second), [.unwinding], "rejected", desk)
        case .closingToUnwindingOnRejectedLeg:
            desk.open()
            let closes = desk.command(.close).orders
            guard closes.count == 2 else { Issue.record("no closes"); return ([], [], "", desk) }
            desk.reject(closes.first!)
            return (desk.fill(closes.last!), [.unwinding], "close incomplete", desk)
        case .unwindingToMonitoringWhenRehedged:
            desk.detect()
            let first = desk.validate()
            let second = desk.fill(first).firstOrder()
            let hedge = desk.reject(second).firstOrder()
            return (desk.fill(hedge), [.monitoring], "re-hedged", desk)
        case .completedToScanningAfterCooldown:
            desk.open()
            _ = desk.fillCloses(desk.command(.close))
            return (desk.send(.timer(.cooldown), after: .seconds(10)), [.scanning], "cooldown", desk)
        case .scanningToErrorOnBadData:
            desk = Desk(Desk.config { $0.badQuoteLimit = 3 })
            let bad = Quote(bid: .zero, bidSize: "1", ask: "60000", askSize: "1", time: Desk.start)
            desk.send(.quote(.a, bad))
            desk.send(.quote(.a, bad))
            return (desk.send(.quote(.a, bad)), [.error], "bad market data", desk)
        case .scanningToErrorOnMarginCall:
            return (desk.margin(.b, ratio: 1.0), [.error], "margin call", desk)
        case .openingFirstToErrorAfterConsecutiveFailures:
            var last: [StrategyAction] = []
            for attempt in 1...3 {
                desk.detect(aMid: attempt % 2 == 1 ? "60060" : "60061")
                last = desk.reject(desk.validate())
            }
            #expect(desk.machine.haltReason?.contains("3 failed attempts in a row") == true)
            return (last, [.error], "did not fill", desk)
        case .scanningToErrorOnKill:
            return (desk.command(.kill), [.error], "kill switch", desk)
        case .errorToScanningOnResume:
            desk.command(.kill)
            return (desk.command(.resume), [.scanning], "manual resume", desk)
        }
    }
}

@Suite("Hedging state machine: every arrow of the diagram")
struct HedgingStateMachineTransitionTests {
    @Test("the arrow is taken with a reason", arguments: Arrow.allCases)
    func arrow(_ arrow: Arrow) {
        let (actions, path, reason, desk) = arrow.run()
        #expect(actions.path == path, "\(actions.rendered)")
        #expect(desk.state == path.last)
        #expect(actions.transitions.last?.reason.contains(reason) == true, "\(actions.transitions.map(\.reason))")
        // Each recorded transition starts where the previous one ended.
        let all = desk.history.transitions
        for (previous, next) in zip(all, all.dropFirst()) {
            #expect(previous.to == next.from, "\(previous.to) then \(next.from)")
        }
    }

    /// An exit rule, with what makes it hold once the spread is open (A sold at 60059.99, B bought at 60000.01).
    enum Exit: String, CaseIterable, CustomTestStringConvertible {
        case profitTarget, stopLoss, spreadStop, maxHoldingTime, convergence, volatilityStop, expiryGuard, marginGuard, manualClose, killSwitch
        var testDescription: String { rawValue }

        var reason: String {
            switch self {
            case .profitTarget: "profit target"
            case .stopLoss: "stop loss"
            case .spreadStop: "spread stop"
            case .maxHoldingTime: "max holding time"
            case .convergence: "converged"
            case .volatilityStop: "volatility stop"
            case .expiryGuard: "expiry guard"
            case .marginGuard: "margin guard"
            case .manualClose: "manual close"
            case .killSwitch: "kill switch"
            }
        }

        var config: StrategyConfig {
            switch self {
            case .profitTarget: Desk.config { $0.profitTargetBps = "5" }       // 3 USD of 6000
            case .stopLoss: Desk.config { $0.stopLossBps = "50" }              // −30 USD
            case .spreadStop: Desk.config { $0.spreadStopBps = "20" }
            case .maxHoldingTime: Desk.config { $0.maxHolding = .seconds(60) }
            case .volatilityStop: Desk.config { $0.volatilityStopMultiple = 2; $0.exit = .bps("0.5") }
            case .expiryGuard: Desk.config(b: TestContracts.linear("vb", kind: .dated(expiry: Desk.start + .seconds(7200))))
            case .convergence, .marginGuard, .manualClose, .killSwitch: Desk.config()
            }
        }

        /// Events after MONITORING that make the rule hold; returns the actions of the last one.
        func trigger(_ desk: inout Desk) -> [StrategyAction] {
            switch self {
            case .profitTarget:
                // A 60020: 0.1 × (60059.99 − 60020) = 3.999; B mid 60000: −0.001 → 3.998 USD = 6.66 bps ≥ 5
                return desk.quote(.a, "60020")
            case .stopLoss:
                // A 60400: 0.1 × (60059.99 − 60400) = −34.001 USD = −56.7 bps ≤ −50
                return desk.quote(.a, "60400")
            case .spreadStop:
                // spread 200/60000 = 33.3 bps vs 10 at entry: 23.3 bps against us ≥ 20
                return desk.quote(.a, "60200")
            case .maxHoldingTime:
                return desk.quote(.a, "60060", after: .seconds(61))
            case .convergence:
                return desk.quote(.a, "60003")   // 0.5 bps ≤ 1
            case .volatilityStop:
                // σ at entry comes from calm samples; then the spread swings ±50 bps once a second.
                var last: [StrategyAction] = []
                for i in 0..<6 where desk.state == .monitoring {
                    last = desk.quote(.a, i % 2 == 0 ? "60300" : "59700", after: .seconds(1))
                }
                return last
            case .expiryGuard:
                return desk.quote(.a, "60060", after: .seconds(3600))   // expiry 2 h after start, guard 1 h
            case .marginGuard:
                return desk.margin(.b, ratio: 0.85)
            case .manualClose:
                return desk.command(.close)
            case .killSwitch:
                return desk.command(.kill)
            }
        }
    }

    @Test("MONITORING → CLOSING → COMPLETED for each exit rule, flat at the end", arguments: Exit.allCases)
    func exitRule(_ exit: Exit) throws {
        var desk = Desk(exit.config)
        if exit == .volatilityStop {
            // Calm samples one second apart (0 and 1 bp) so σ at entry is about 0.5 bp.
            desk.marginOK()
            desk.quote(.b, "60000")
            for i in 0..<10 { desk.quote(.a, i % 2 == 0 ? "60000" : "60006", after: .seconds(1)) }
            desk.quote(.a, "60060", after: .seconds(1))
            let first = desk.validate()
            desk.fill(desk.fill(first).firstOrder())
        } else {
            desk.open()
        }
        try #require(desk.state == .monitoring)
        let closing = exit.trigger(&desk)
        #expect(closing.path.first == .closing, "\(closing.rendered)")
        let reason = try #require(closing.transitions.first?.reason)
        #expect(reason.contains(exit.reason), "\(reason)")
        // Both legs close together, reduce-only, opposite to what was opened, for the whole position.
        let closes = closing.orders
        #expect(closes.count == 2)
        #expect(closes.allSatisfy { $0.reduceOnly && $0.purpose == .close })
        #expect(closes.first { $0.leg == .a }?.side == .buy)
        #expect(closes.first { $0.leg == .b }?.side == .sell)
        #expect(closes.allSatisfy { $0.quantity == "0.1" })

        let done = desk.fillCloses(closing)
        #expect(!desk.machine.hasPosition)
        #expect(done.path.first == .completed, "\(done.rendered)")
        #expect(done.cycleEvents.contains { if case .closed(_, _, let r, _) = $0 { r.contains(exit.reason) } else { false } })
        if exit == .killSwitch {
            #expect(done.path == [.completed, .error])
            #expect(!done.contains { if case .scheduleTimer(.cooldown, _) = $0 { true } else { false } })
        } else {
            #expect(done.path == [.completed])
            #expect(done.contains(.scheduleTimer(.cooldown, at: desk.now + .seconds(10))))
        }
    }

    @Test("ERROR is left only by a manual resume")
    func errorLeftOnlyByResume() {
        var desk = Desk()
        desk.margin(.a, ratio: 1.2)
        #expect(desk.state == .error)
        desk.margin(.a)
        desk.margin(.b)
        desk.quote(.b, "60000")
        #expect(desk.quote(.a, "60100").transitions.isEmpty)          // a spread worth trading: still halted
        #expect(desk.send(.timer(.cooldown), after: .seconds(60)).transitions.isEmpty)
        #expect(desk.send(.timer(.validationTimeout)).transitions.isEmpty)
        for command in [StrategyCommand.close, .rebalance] {
            let actions = desk.command(command)
            #expect(actions.transitions.isEmpty)
            #expect(actions.commandResults.first?.1 == false)
        }
        #expect(desk.state == .error)
        let resumed = desk.command(.resume)
        #expect(resumed.path == [.scanning])
        #expect(resumed.commandResults.first?.1 == true)
        // And it trades again.
        desk.quote(.a, "60000")
        #expect(desk.quote(.a, "60060").path == [.spreadDetected, .validating])
    }
}
