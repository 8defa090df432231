import Testing
@testable import HedgeCore

@Suite("Hedging state machine: resizing and thresholds")
struct HedgingStateMachineAdjustTests {
    @Test("resize +50 %: leg A grows first, then leg B hedges it, back to MONITORING with both legs 1.5×")
    func resizeUp() throws {
        var desk = Desk()
        try #require(desk.open() != nil)
        // Opened: sell 0.1 A (rich), buy 0.1 B.
        #expect(desk.machine.positions.a.quantity == "-0.1")
        let first = desk.command(.resize(percent: 50))
        #expect(desk.state == .adjusting)
        let grow = first.firstOrder()
        #expect(grow.leg == .a && grow.side == .sell && grow.quantity == "0.05" && !grow.reduceOnly)
        let hedge = desk.fill(grow).firstOrder()
        #expect(hedge.leg == .b && hedge.side == .buy && hedge.quantity == "0.05")
        #expect(desk.state == .adjusting)
        desk.fill(hedge)
        #expect(desk.state == .monitoring)
        #expect(desk.machine.positions.a.quantity == "-0.15")
        #expect(desk.machine.positions.b.quantity == "0.15")
    }

    @Test("resize −50 % shrinks both legs with reduce-only orders")
    func resizeDown() throws {
        var desk = Desk()
        try #require(desk.open() != nil)
        let shrink = desk.command(.resize(percent: -50)).firstOrder()
        #expect(shrink.leg == .a && shrink.side == .buy && shrink.quantity == "0.05" && shrink.reduceOnly)
        let hedge = desk.fill(shrink).firstOrder()
        #expect(hedge.leg == .b && hedge.side == .sell && hedge.quantity == "0.05" && hedge.reduceOnly)
        desk.fill(hedge)
        #expect(desk.state == .monitoring)
        #expect(desk.machine.positions.a.quantity == "-0.05")
        #expect(desk.machine.positions.b.quantity == "0.05")
    }

    @Test("a resize smaller than one lot is refused with the reason")
    func resizeBelowOneLot() throws {
        var desk = Desk()
        try #require(desk.open() != nil)
        // 0.1 × 0.5 % = 0.0005 < lot 0.001
        let answer = try #require(desk.command(.resize(percent: 0)).commandResults.first)
        #expect(!answer.1)
        #expect(desk.state == .monitoring)
    }

    @Test("new thresholds take effect at once", arguments: [
        (Threshold.bps("20"), Threshold.bps("2"), true),
        (Threshold.z(2.5), Threshold.z(0.5), true),
        (Threshold.bps("2"), Threshold.bps("2"), false),   // exit must be inside entry
        (Threshold.bps("0"), Threshold.bps("0"), false),
        (Threshold.z(1), Threshold.z(-0.5), false),
    ])
    func thresholds(entry: Threshold, exit: Threshold, accepted: Bool) throws {
        var desk = Desk()
        let answer = try #require(desk.command(.setThresholds(entry: entry, exit: exit)).commandResults.first)
        #expect(answer.1 == accepted, "\(answer.2)")
        #expect(desk.machine.config.entry == (accepted ? entry : .bps("5")))
        #expect(desk.machine.config.exit == (accepted ? exit : .bps("1")))
    }

    @Test("a wider entry threshold stops an entry the old one would take")
    func widerEntryBlocks() {
        var desk = Desk()
        desk.command(.setThresholds(entry: .bps("50"), exit: nil))
        // A rich by 10 bps: enough for 5 bps, not for 50.
        desk.detect()
        #expect(desk.state == .scanning)
    }

    @Test("a blocked entry is not opened; unblocked, it is")
    func blockedEntries() {
        var desk = Desk()
        desk.machine.blockEntries("2 spreads open, the limit is 2")
        desk.detect()
        #expect(desk.state == .scanning)
        desk.machine.blockEntries(nil)
        desk.quote(.a, "60061")
        #expect(desk.state == .validating)
    }
}

@Suite("Hedging state machine: leg order policy")
struct LegOrderTests {
    @Test("the policy picks the first leg; thinner-first follows the book", arguments: [
        (LegOrder.thinnerFirst, Leg.b), (.aFirst, .a), (.bFirst, .b),
    ])
    func firstLeg(order: LegOrder, expected: Leg) {
        var desk = Desk(Desk.config { $0.legOrder = order })
        // B shows 0.05 BTC against 10 on A: B is the thinner book.
        desk.detect(bSize: "0.05")
        let first = desk.validate(bSize: "0.05")
        #expect(first.leg == expected)
    }
}
