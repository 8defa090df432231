import Testing
@testable import HedgeCore

/// Opening a spread: direction, which leg goes first, hedging partial fills, and unwinding.
@Suite("Hedging state machine: opening and unwinding")
struct HedgingStateMachineOpeningTests {
    @Test("A rich: sell A, buy B")
    func richASellsA() {
        var desk = Desk()
        desk.detect(aMid: "60060")
        let open = desk.validate()
        let hedge = desk.fill(open).firstOrder()
        #expect(open.leg == .a && open.side == .sell && open.purpose == .open)
        #expect(hedge.leg == .b && hedge.side == .buy && hedge.purpose == .hedge)
    }

    @Test("A cheap: buy A, sell B")
    func cheapABuysA() {
        var desk = Desk()
        desk.detect(aMid: "59940")
        let open = desk.validate()
        let hedge = desk.fill(open).firstOrder()
        #expect(open.leg == .a && open.side == .buy)
        #expect(hedge.leg == .b && hedge.side == .sell)
        #expect(desk.state == .openingShort)
    }

    @Test("the thinner book goes first", arguments: [
        // displayed size on A, on B, the leg expected first
        ("0.2", "5", Leg.a),
        ("5", "0.2", Leg.b),
    ])
    func thinnerBookFirst(aSize: String, bSize: String, expected: Leg) {
        var desk = Desk()
        desk.detect(aMid: "60060", aSize: aSize, bSize: bSize)
        let open = desk.validate(bSize: bSize)
        #expect(open.leg == expected)
        #expect(open.quantity == "0.1")
    }

    @Test("a partial first fill is hedged exactly, linear against linear")
    func partialFirstFillLinear() {
        var desk = Desk()
        desk.detect()
        let open = desk.validate()
        desk.fill(open, "0.04", remaining: "0.06")
        let hedge = desk.send(.order(.a, .cancelled(open.id, filled: "0.04", reason: "IOC remainder"))).firstOrder()
        #expect(hedge.leg == .b && hedge.quantity == "0.04")
        desk.fill(hedge)
        #expect(desk.state == .monitoring)
        #expect(desk.machine.positions.a.quantity == "-0.04")
        #expect(desk.machine.positions.b.quantity == "0.04")
    }

    @Test("a partial first fill is hedged through base exposure, linear against inverse")
    func partialFirstFillLinearInverse() throws {
        // B is BTCUSD_PERP and the thinner book, so it goes first: 60 contracts wanted, 7 fill.
        var desk = Desk(Desk.config(a: TestContracts.linear("va"), b: TestContracts.inverse("vb")))
        desk.detect(aMid: "60060", aSize: "10", bSize: "1")
        let open = desk.validate(bSize: "1")
        #expect(open.leg == .b && open.side == .buy && open.quantity == "60")
        desk.fill(open, "7", price: "60000.1", remaining: "53")
        let hedge = desk.send(.order(.b, .cancelled(open.id, filled: "7", reason: "IOC remainder"))).firstOrder()
        // 7 × 100 / 60000.1 = 0.011666647… BTC → A's lot 0.001: 0.012 (half-even)
        #expect(hedge.leg == .a && hedge.side == .sell && hedge.quantity == "0.012")
        desk.fill(hedge)
        let exposureA = try desk.machine.positions.a.baseExposure(at: "60060")
        let exposureB = try desk.machine.positions.b.baseExposure(at: "60000.1")
        #expect(try (exposureA + exposureB).magnitude <= "0.001")   // within one lot of A
        #expect(desk.state == .monitoring)
    }

    @Test("a rejected second leg is re-hedged, then the lone leg is flattened reduce-only; nothing is left open")
    func rejectedSecondLegFlattens() throws {
        var desk = Desk()
        desk.detect()
        let open = desk.validate()
        let hedge = desk.fill(open).firstOrder()
        var actions = desk.reject(hedge)
        #expect(actions.path == [.unwinding])
        #expect(actions.alerts.contains { $0.0 == .warning && $0.1.contains("UNWINDING") })
        // maxHedgeAttempts = 3 re-hedges on B, each rejected.
        var rehedges: [OrderRequest] = []
        for _ in 0..<3 {
            let order = actions.firstOrder()
            rehedges.append(order)
            actions = desk.reject(order)
        }
        #expect(rehedges.allSatisfy { $0.leg == .b && $0.side == .buy && $0.quantity == "0.1" && $0.purpose == .hedge })
        // Then the lone leg A (short 0.1) is flattened with a reduce-only buy.
        let flatten = actions.firstOrder()
        #expect(flatten.leg == .a && flatten.side == .buy && flatten.quantity == "0.1")
        #expect(flatten.reduceOnly && flatten.purpose == .flatten)
        let done = desk.fill(flatten)
        #expect(done.path == [.completed])
        #expect(done.contains(.cancelTimer(.hedgeDeadline)))
        #expect(!desk.machine.hasPosition)
        #expect(desk.machine.workingOrders.isEmpty)
    }

    @Test("the hedge deadline stops re-hedging and flattens")
    func hedgeDeadlineFlattens() {
        var desk = Desk()
        desk.detect()
        let open = desk.validate()
        let hedge = desk.fill(open).firstOrder()
        let rehedge = desk.reject(hedge).firstOrder()
        // the re-hedge order stays unanswered; the deadline passes, then the venue rejects it late
        desk.send(.timer(.hedgeDeadline), after: .seconds(10))
        let flatten = desk.reject(rehedge).firstOrder()
        #expect(rehedge.purpose == .hedge)
        #expect(flatten.leg == .a && flatten.reduceOnly && flatten.purpose == .flatten)
        desk.fill(flatten)
        #expect(desk.state == .completed)
        #expect(!desk.machine.hasPosition)
    }

    @Test("a flatten that keeps failing halts in ERROR naming the unhedged leg")
    func flattenFailureHaltsUnhedged() {
        var desk = Desk()
        desk.detect()
        let open = desk.validate()
        var actions = desk.reject(desk.fill(open).firstOrder())
        for _ in 0..<6 { actions = desk.reject(actions.firstOrder()) }   // 3 re-hedges, 3 flattens
        #expect(actions.path == [.error])
        #expect(actions.alerts.contains { $0.0 == .critical && $0.1.contains("UNHEDGED") })
        #expect(desk.machine.haltReason?.contains("short 0.1") == true)
    }

    @Test("a first leg that does not fill leaves nothing open and goes back to scanning")
    func firstLegRejectedScans() {
        var desk = Desk()
        desk.detect()
        let actions = desk.reject(desk.validate())
        #expect(actions.path == [.scanning])
        #expect(!desk.machine.hasPosition)
    }

    @Test("an unanswered order is cancelled, then given up on")
    func orderTimeoutCancelsThenGivesUp() {
        var desk = Desk()
        desk.detect()
        let open = desk.validate()
        let first = desk.send(.timer(.orderTimeout(open.id)), after: .seconds(5))
        #expect(first.contains(.cancelOrder(open.id, .a)))
        let second = desk.send(.timer(.orderTimeout(open.id)), after: .seconds(5))
        #expect(second.alerts.contains { $0.0 == .critical })
        #expect(second.path == [.scanning])
    }
}

extension HedgingStateMachineOpeningTests {
    @Test("a failed open that is flattened reports its real loss in the cycle result")
    func failedOpenReportsLoss() {
        var desk = Desk()
        desk.detect()
        let open = desk.validate()                       // sell 0.1 A at 60059.99
        var actions = desk.reject(desk.fill(open).firstOrder())
        for _ in 0..<3 { actions = desk.reject(actions.firstOrder()) }
        desk.quote(.a, "60100")
        let done = desk.fill(actions.firstOrder())       // buy 0.1 A back at 60100.01
        // 0.1 × (60059.99 − 60100.01) = −4.002 USDT
        #expect(done.cycleEvents.contains { if case .closed(_, let net, _, _) = $0 { net == "-4.002" } else { false } })
    }
}

extension HedgingStateMachineOpeningTests {
    @Test("the profit target is judged at the prices closing would get, not at a stale mark")
    func profitTargetIgnoresStaleMark() throws {
        // Target 5 bps of 6000 USD = 3 USD. A is sold at 60059.99, B bought at 60000.01 (0.1 BTC each).
        var desk = Desk(Desk.config { $0.profitTargetBps = "5"; $0.exit = .bps("0.01") })
        try #require(desk.open() != nil)
        #expect(desk.state == .monitoring)
        // A stale mark on A far below: at the marks the spread would show +6 USD.
        desk.send(.mark(.a, "60000"))
        desk.send(.mark(.b, "60000"))
        // The books have not moved: closing now buys A at 60060.01 and sells B at 59999.99,
        // −0.002 − 0.002 = −0.004 USD, so no profit target.
        let actions = desk.quote(.b, "60000")
        #expect(!actions.path.contains(.closing), "\(actions.rendered)")
        #expect(desk.state == .monitoring)
    }
}
