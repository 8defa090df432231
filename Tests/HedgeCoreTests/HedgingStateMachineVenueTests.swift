import Testing
@testable import HedgeCore

@Suite("State machine: fills reported twice and positions the venue closes")
struct HedgingStateMachineVenueTests {
    func tradeFill(_ order: OrderRequest, _ quantity: FixedDecimal, price: FixedDecimal, tradeID: UInt64) -> Fill {
        Fill(orderID: order.id, side: order.side, price: price, quantity: quantity, fee: .zero, liquidity: .taker,
             time: Desk.start, tradeID: tradeID)
    }

    @Test("a fill whose trade id was applied is not counted again (a late answer after the cancel told the truth)")
    func duplicateTradeCountedOnce() throws {
        var desk = Desk()
        guard let spread = desk.open() else { return }
        let before = desk.machine.positions[spread.first.leg].quantity
        // Timed out, cancelled, and the venue's final state brought fill 7; then the original arrives late.
        let late = tradeFill(spread.first, "0.01", price: "60000", tradeID: 7)
        desk.send(.order(spread.first.leg, .filled(late, remaining: .zero)))
        let afterFirst = desk.machine.positions[spread.first.leg].quantity
        desk.send(.order(spread.first.leg, .filled(late, remaining: .zero)))
        #expect(afterFirst != before)
        #expect(desk.machine.positions[spread.first.leg].quantity == afterFirst)
    }

    @Test("a working order's fill reported twice fills it once")
    func duplicateOnWorkingOrder() throws {
        var desk = Desk()
        desk.detect()
        let first = desk.validate()
        let half = try first.quantity.divided(by: 2)
        let fill = tradeFill(first, half, price: desk.machine.quotes[first.leg]!.price(toTake: first.side), tradeID: 1)
        desk.send(.order(first.leg, .filled(fill, remaining: half)))
        let twice = desk.send(.order(first.leg, .filled(fill, remaining: half)))
        #expect(desk.machine.positions[first.leg].quantity.magnitude == half)
        #expect(twice.orders.isEmpty)
        #expect(desk.machine.workingOrders.first?.filled == half)
    }

    @Test("a liquidated leg while monitoring flattens the other through UNWINDING, then completes")
    func liquidationUnwinds() throws {
        var desk = Desk()
        guard let spread = desk.open() else { return }
        #expect(desk.state == .monitoring)
        let leg = spread.first.leg
        let held = desk.machine.positions[leg].quantity
        let closing = Fill(orderID: "liquidation-X-1", side: held.isPositive ? .sell : .buy, price: "55000", quantity: held.magnitude,
                           fee: .zero, liquidity: .taker, time: desk.now, tradeID: 99)
        let actions = desk.send(.positionClosed(leg, closing, reason: .liquidation))
        #expect(desk.machine.positions[leg].isFlat)
        #expect(actions.alerts.contains { $0.0 == .critical && $0.1.contains("liquidated") })
        #expect(desk.state == .unwinding)
        let flatten = try #require(actions.orders.first)
        #expect(flatten.leg == leg.other && flatten.purpose == .flatten && flatten.reduceOnly)
        desk.fill(flatten)
        #expect(!desk.machine.hasPosition)
        #expect(desk.state == .completed)
    }

    @Test("settlement of the only open leg completes the cycle")
    func settlementOfLastLegCompletes() throws {
        var desk = Desk()
        guard let spread = desk.open() else { return }
        // Close leg B by an order, then the venue settles leg A.
        let b = desk.machine.positions[.b].quantity
        desk.send(.order(.b, .filled(Fill(orderID: "manual", side: b.isPositive ? .sell : .buy, price: "60000", quantity: b.magnitude,
                                          fee: .zero, liquidity: .taker, time: desk.now), remaining: .zero)))
        _ = spread
        let a = desk.machine.positions[.a].quantity
        let settle = Fill(orderID: "settlement-A-1", side: a.isPositive ? .sell : .buy, price: "60000", quantity: a.magnitude,
                          fee: .zero, liquidity: .taker, time: desk.now, tradeID: 5)
        desk.send(.positionClosed(.a, settle, reason: .settlement))
        #expect(!desk.machine.hasPosition)
        #expect(desk.state == .completed)
    }
}
