import Testing
@testable import HedgeCore

@Suite("State machine restored after a restart")
struct HedgingStateMachineRecoveryTests {
    /// Positions as a journal would rebuild them: `a` and `b` signed, at 60000.
    func positions(_ config: StrategyConfig, a: String, b: String) -> PerLeg<Position> {
        var legs = config.legs.map { Position(spec: $0) }
        for (leg, quantity) in [(Leg.a, dec(a)), (.b, dec(b))] where !quantity.isZero {
            try! legs[leg].apply(Fill(orderID: OrderID("old-\(leg)"), side: quantity.isPositive ? .buy : .sell, price: "60000",
                                      quantity: quantity.magnitude, fee: .zero, liquidity: .taker, time: Desk.start))
        }
        return legs
    }

    func restore(a: String, b: String, opened: Bool = false, policy: HalfOpenPolicy = .flatten, config: StrategyConfig = Desk.config()) -> Desk {
        var desk = Desk(config)
        let recovered = RecoveredStrategy(positions: positions(config, a: a, b: b), openedAt: opened ? Desk.start : nil,
                                          entrySpreadBps: opened ? "10" : nil, lastOrderNumber: 41, completedCycles: 3)
        let (machine, actions) = HedgingStateMachine.restored(config: config, from: recovered, policy: policy, at: Desk.start)
        desk.machine = machine
        desk.history = actions
        return desk
    }

    @Test("flat with no open cycle: SCANNING, nothing sent")
    func flatScans() {
        let desk = restore(a: "0", b: "0")
        #expect(desk.state == .scanning)
        #expect(desk.history.orders.isEmpty)
        #expect(desk.machine.completedCycles == 3)
    }

    @Test("with positions it waits in UNWINDING, sending nothing until both legs have prices")
    func waitsForPrices() {
        var desk = restore(a: "-0.1", b: "0.1", opened: true)
        #expect(desk.state == .unwinding)
        #expect(desk.history.orders.isEmpty)
        #expect(desk.quote(.a, "60000").orders.isEmpty)
        #expect(desk.state == .unwinding)
    }

    @Test("a hedged spread goes back to MONITORING with its open cycle once priced")
    func hedgedMonitors() {
        var desk = restore(a: "-0.1", b: "0.1", opened: true)
        desk.quote(.a, "60000")
        let actions = desk.quote(.b, "60000")
        #expect(actions.path == [.monitoring])
        #expect(actions.orders.isEmpty)
        #expect(desk.machine.openCycle?.entrySpreadBps == "10")
    }

    @Test("a lone leg under policy flatten is closed reduce-only; new order ids follow the old ones")
    func loneLegFlattened() {
        var desk = restore(a: "0", b: "0.1", policy: .flatten)
        desk.quote(.a, "60000")
        let order = desk.quote(.b, "60000").firstOrder()
        #expect(order.leg == .b && order.side == .sell && order.quantity == "0.1" && order.reduceOnly)
        #expect(order.id == "S-42")
        desk.fill(order)
        #expect(desk.state == .completed)
        #expect(!desk.machine.hasPosition)
    }

    @Test("a lone leg under policy hedge gets its missing leg, then MONITORING")
    func loneLegHedged() {
        var desk = restore(a: "0", b: "0.1", policy: .hedge)
        desk.quote(.a, "60000")
        let order = desk.quote(.b, "60000").firstOrder()
        #expect(order.leg == .a && order.side == .sell && order.quantity == "0.1" && order.purpose == .hedge)
        let after = desk.fill(order)
        #expect(after.path.last == .monitoring)
        #expect(desk.machine.openCycle != nil)
    }

    @Test("flat with an open cycle completes that cycle once priced")
    func flatOpenCycleCompletes() {
        var desk = restore(a: "0", b: "0", opened: true)
        #expect(desk.state == .unwinding)
        desk.quote(.a, "60000")
        let actions = desk.quote(.b, "60000")
        #expect(actions.path.contains(.completed))
        #expect(actions.cycleEvents.count == 1)
    }
}

extension HedgingStateMachineRecoveryTests {
    @Test("a restored spread remembers which leg was rich from its positions", arguments: [
        ("-0.1", "0.1", 1),   // A sold: A was rich
        ("0.1", "-0.1", -1),  // A bought: B was rich
    ])
    func restoredEntrySide(a: String, b: String, sign: Int) {
        let desk = restore(a: a, b: b, opened: true)
        #expect(desk.machine.cycle?.entryDeviationSign == sign)
    }
}

extension HedgingStateMachineRecoveryTests {
    /// Inverse legs of 100 USD: the opening hedges 503 of the dearer leg with 500 of the other.
    static let inverseConfig = Desk.config(a: TestContracts.inverse("va"), b: TestContracts.inverse("vb"))

    @Test("inverse legs hedged at the opening's ratio (503 against 500, within a lot at today's prices) go back to MONITORING",
          arguments: [("60300", "60000"), ("60420", "60000"), ("60240", "60000")])
    func hedgedAtRatioMonitors(priceA: String, priceB: String) {
        var desk = restore(a: "-503", b: "500", opened: true, config: Self.inverseConfig)
        desk.quote(.a, priceA)
        let actions = desk.quote(.b, priceB)
        #expect(actions.path == [.monitoring])
        #expect(actions.orders.isEmpty)
    }

    @Test("legs further apart than a lot of the hedge, or pointing the same way, are half-open and flattened by policy",
          arguments: [("-503", "300"), ("-503", "497"), ("-503", "-500")])
    func unequalLegsHalfOpen(a: String, b: String) {
        var desk = restore(a: a, b: b, opened: true, config: Self.inverseConfig)
        desk.quote(.a, "60300")
        let actions = desk.quote(.b, "60000")
        #expect(desk.state == .unwinding)
        #expect(actions.orders.contains { $0.reduceOnly })
    }
}
