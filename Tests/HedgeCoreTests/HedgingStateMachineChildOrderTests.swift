import Testing
@testable import HedgeCore

/// An order beyond the venue's maximum goes as legal child orders and is heard of once.
@Suite("Hedging state machine: orders beyond the venue's maximum")
struct HedgingStateMachineChildOrderTests {
    /// Leg A with a market maximum of 0.04 BTC (Bybit's maxMktOrderQty, scaled to the desk's 6000 USD).
    static func desk(maximum: FixedDecimal = "0.04") -> Desk {
        var a = TestContracts.linear("va")
        a.maxMarketQuantity = maximum
        return Desk(Desk.config(a: a) { $0.legOrder = .aFirst })
    }

    @Test("the first leg goes as children within the maximum; the hedge follows their sum")
    func firstLegSplit() throws {
        var desk = Self.desk()
        desk.detect()
        let actions = desk.quote(.b, "60000")
        let children = actions.orders
        // 0.1 BTC over 0.04 a market order: 0.034 + 0.033 + 0.033, numbered S-1, S-2, S-3.
        #expect(children.map(\.quantity) == ["0.034", "0.033", "0.033"])
        #expect(children.map(\.id) == ["S-1", "S-2", "S-3"])
        #expect(children.allSatisfy { $0.leg == .a && $0.side == .sell && $0.purpose == .open })
        #expect(actions.alerts.contains { $0.1.contains("sent as 3 orders") })
        #expect(desk.fill(children[0]).orders.isEmpty)
        #expect(desk.fill(children[2]).orders.isEmpty)
        let hedge = desk.fill(children[1]).firstOrder()
        #expect(hedge.leg == .b && hedge.quantity == "0.1" && hedge.id == "S-4")
        desk.fill(hedge)
        #expect(desk.state == .monitoring)
        #expect(desk.machine.positions.a.quantity == "-0.1")
    }

    @Test("a child that fails: the spread hedges what the others filled")
    func childRejected() {
        var desk = Self.desk()
        desk.detect()
        let children = desk.quote(.b, "60000").orders
        desk.fill(children[0])
        desk.reject(children[1], "-4005 Quantity greater than max quantity.")
        let hedge = desk.fill(children[2]).firstOrder()
        #expect(hedge.leg == .b && hedge.quantity == "0.067")
        #expect(desk.history.transitions.last?.reason.contains("filled 0.067 of 0.1 over its child orders") == true)
    }

    @Test("closing splits too, and every order sent is within the maximum")
    func closeSplit() {
        var desk = Self.desk()
        desk.detect()
        let children = desk.quote(.b, "60000").orders
        desk.fill(children[0])
        desk.fill(children[1])
        desk.fill(desk.fill(children[2]).firstOrder())
        #expect(desk.state == .monitoring)
        let close = desk.command(.close)
        let closes = close.orders.filter { $0.leg == .a }
        #expect(closes.map(\.quantity) == ["0.034", "0.033", "0.033"])
        #expect(closes.allSatisfy { $0.reduceOnly && $0.purpose == .close })
        _ = desk.fillCloses(close)
        #expect(desk.state == .completed)
        #expect(desk.history.orders.allSatisfy { $0.leg == .b || $0.quantity <= "0.04" })
    }

    @Test("a spread whose legs would need too many children is refused when sized, before anything is sent")
    func tooManyChildrenRefused() {
        var desk = Self.desk(maximum: "0.004")
        let actions = desk.detect()
        #expect(actions.orders.isEmpty)
        #expect(desk.state == .scanning)
        #expect(desk.history.transitions.contains { $0.reason.contains("cannot size: leg A") && $0.reason.contains("more than 20 is refused") })
    }
}
