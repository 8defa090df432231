import HedgeCore
import Testing
@testable import HedgeLive

/// The comparison at the heart of reconciliation, on hand-made states: fills applied exactly once
/// by trade id, orders adopted or finished, positions compared after the missed fills, and every
/// difference told in a line.
@Suite("Account reconciliation")
struct AccountReconciliationTests {
    static func fill(_ id: String, order: OrderID?, _ quantity: FixedDecimal, at time: Int64, side: Side = .buy, symbol: String = "BTCUSDT") -> VenueFill {
        VenueFill(tradeID: id, symbol: symbol, venueOrderID: "v-\(order?.rawValue ?? "x")", clientOrderID: order, side: side, price: "60000",
                  quantity: quantity, fee: "0.03", feeAsset: "USDT", isMaker: false, time: time)
    }

    static func open(_ id: OrderID, executed: FixedDecimal = .zero, quantity: FixedDecimal = "0.01") -> VenueOpenOrder {
        VenueOpenOrder(symbol: "BTCUSDT", side: .buy, quantity: quantity, price: "50000",
                       state: LiveOrderState(clientOrderID: id, venueOrderID: "v-\(id)", status: executed.isZero ? .new : .partiallyFilled,
                                             executedQuantity: executed, averagePrice: executed.isZero ? nil : "50000"))
    }

    static func venue(open: [VenueOpenOrder] = [], positions: [String: FixedDecimal] = [:], fills: [VenueFill] = []) -> VenueAccountState {
        VenueAccountState(venue: .binanceUSDM, readAt: 10_000, openOrders: open,
                          positions: positions.mapValues { VenuePosition(symbol: "BTCUSDT", quantity: $0, entryPrice: "60000") },
                          balances: [:], fills: fills)
    }

    @Test("a fill missed while disconnected is applied, and moves the expected position to the venue's")
    func missedFill() {
        let belief = AccountBelief(positions: ["BTCUSDT": "0.01"], appliedTradeIDs: ["1"])
        let venue = Self.venue(positions: ["BTCUSDT": "0.03"], fills: [Self.fill("1", order: "A", "0.01", at: 100), Self.fill("2", order: "B", "0.02", at: 200)])
        let result = AccountReconciliation(belief: belief, venue: venue)
        #expect(result.fillsToApply.map(\.tradeID) == ["2"])
        #expect(result.positionDifferences.isEmpty, "0.01 + 0.02 = 0.03, the venue's")
        #expect(result.differences == ["binance-usdm: missed fill 2 of order B: BTCUSDT buy 0.02 @ 60000, fee 0.03 USDT"])
    }

    @Test("fills already applied are not applied again, nor a trade id the venue lists twice")
    func exactlyOnce() {
        let fills = [Self.fill("7", order: "A", "0.01", at: 100), Self.fill("8", order: "A", "0.01", at: 101), Self.fill("8", order: "A", "0.01", at: 101)]
        let belief = AccountBelief(positions: ["BTCUSDT": "0.02"], appliedTradeIDs: ["7", "8"])
        let again = AccountReconciliation(belief: belief, venue: Self.venue(positions: ["BTCUSDT": "0.02"], fills: fills))
        #expect(again.fillsToApply.isEmpty && again.isInAgreement, "\(again.differences)")
        let fresh = AccountReconciliation(belief: AccountBelief(), venue: Self.venue(positions: ["BTCUSDT": "0.02"], fills: fills))
        #expect(fresh.fillsToApply.map(\.tradeID) == ["7", "8"] && fresh.positionDifferences.isEmpty)
    }

    @Test("fills come out oldest first, numeric trade ids in number order at the same time")
    func order() {
        let fills = [Self.fill("10", order: "A", "0.01", at: 100), Self.fill("9", order: "A", "0.01", at: 100), Self.fill("11", order: "A", "0.01", at: 50)]
        let result = AccountReconciliation(belief: AccountBelief(), venue: Self.venue(positions: ["BTCUSDT": "0.03"], fills: fills))
        #expect(result.fillsToApply.map(\.tradeID) == ["11", "9", "10"])
    }

    @Test("an order we think open that filled while away is finished as filled, its fills applied")
    func filledWhileAway() {
        let belief = AccountBelief(openOrders: ["A": .init(symbol: "BTCUSDT", side: .buy, quantity: "0.02", executedQuantity: "0.005")])
        let venue = Self.venue(positions: ["BTCUSDT": "0.015"], fills: [Self.fill("1", order: "A", "0.015", at: 100)])
        let result = AccountReconciliation(belief: belief, venue: venue)
        #expect(result.finishedOrders == [.init(clientOrderID: "A", symbol: "BTCUSDT", outcome: .filled)])
        #expect(result.fillsToApply.count == 1 && result.openOrders.isEmpty)
        #expect(result.differences.last == "binance-usdm: order A filled while away (BTCUSDT buy 0.02)")
    }

    @Test("an order we think open that the venue cancelled is finished with what it executed")
    func cancelledAtVenue() {
        let belief = AccountBelief(openOrders: ["A": .init(symbol: "BTCUSDT", side: .buy, quantity: "0.02")])
        let venue = Self.venue(positions: ["BTCUSDT": "0.005"], fills: [Self.fill("1", order: "A", "0.005", at: 100)])
        let result = AccountReconciliation(belief: belief, venue: venue)
        #expect(result.finishedOrders == [.init(clientOrderID: "A", symbol: "BTCUSDT", outcome: .ended(executed: "0.005"))])
        #expect(result.differences.contains("binance-usdm: order A is no longer open at the venue (cancelled or expired, 0.005 of 0.02 executed)"))
    }

    @Test("an open order the venue has and we do not is adopted; ours still open are kept with the venue's state")
    func unknownOrderAdopted() {
        let belief = AccountBelief(openOrders: ["A": .init(symbol: "BTCUSDT", side: .buy, quantity: "0.01")])
        let venue = Self.venue(open: [Self.open("A"), Self.open("manual-1")])
        let result = AccountReconciliation(belief: belief, venue: venue)
        #expect(result.ordersToAdopt.map(\.state.clientOrderID) == ["manual-1"])
        #expect(result.openOrders.map(\.state.clientOrderID) == ["A"] && result.finishedOrders.isEmpty)
        #expect(result.differences == ["binance-usdm: unknown open order manual-1 (venue v-manual-1): BTCUSDT buy 0.01 @ 50000, executed 0; adopted"])
    }

    @Test("an open order of ours that executed more at the venue than its fills explain is told")
    func executedDiffers() {
        let belief = AccountBelief(openOrders: ["A": .init(symbol: "BTCUSDT", side: .buy, quantity: "0.01")])
        let result = AccountReconciliation(belief: belief, venue: Self.venue(open: [Self.open("A", executed: "0.004")], positions: ["BTCUSDT": "0.004"]))
        #expect(result.differences.first == "binance-usdm: order A executed 0.004 at the venue, 0 here with the missed fills")
    }

    @Test("a position that differs after the missed fills is a difference; a venue position we did not have is one too")
    func positionDiffers() {
        let belief = AccountBelief(positions: ["BTCUSDT": "0.01"], appliedTradeIDs: [])
        let venue = VenueAccountState(venue: .bybitLinear, readAt: 0, openOrders: [],
                                      positions: ["BTCUSDT": VenuePosition(symbol: "BTCUSDT", quantity: "-0.01", entryPrice: "60000"),
                                                  "ETHUSDT": VenuePosition(symbol: "ETHUSDT", quantity: "0.5", entryPrice: "3000")],
                                      balances: [:], fills: [])
        let result = AccountReconciliation(belief: belief, venue: venue)
        #expect(result.positionDifferences == [.init(symbol: "BTCUSDT", expected: "0.01", venue: "-0.01"),
                                               .init(symbol: "ETHUSDT", expected: .zero, venue: "0.5")])
        #expect(result.differences == ["bybit-linear: position BTCUSDT is -0.01 at the venue, 0.01 here with the missed fills; the venue's is taken",
                                       "bybit-linear: position ETHUSDT is 0.5 at the venue, 0 here with the missed fills; the venue's is taken"])
    }
}
