import Foundation
import HedgeCore
@testable import HedgeExchange
import Testing
@testable import HedgeLive

/// Reconciliation's reads over real sockets against the local exchange, then the comparison from
/// an empty belief: the fills come out once with their trade ids and client ids, the resting order
/// is adopted, the positions agree with the exchange's own record; a second pass with those
/// applied finds nothing new.
@Suite("Reconciliation over the local exchange", .timeLimit(.minutes(3)))
struct ReconciliationOverLocalExchangeTests {
    /// What a run would believe after applying `result` on top of `belief`.
    static func applied(_ result: AccountReconciliation, to belief: AccountBelief, venue: VenueAccountState) -> AccountBelief {
        var next = belief
        next.appliedTradeIDs.formUnion(result.fillsToApply.map(\.tradeID))
        for order in result.ordersToAdopt {
            next.openOrders[order.state.clientOrderID] = .init(symbol: order.symbol, side: order.side, quantity: order.quantity,
                                                               executedQuantity: order.state.executedQuantity)
        }
        for order in result.finishedOrders { next.openOrders[order.clientOrderID] = nil }
        next.positions = venue.positions.mapValues(\.quantity)
        return next
    }

    @Test("Binance USD-M: a filled market order and a resting limit, read back and reconciled from nothing, then again with nothing new")
    func binance() async throws {
        let (exchange, transport, client) = try await OrderClientOverLocalExchangeTests.binanceDesk()
        defer { exchange.stop(); Task { await transport.shutdown() } }
        let offset = try await client.synchronizeTime()
        let since = offset.serverTime(atLocal: LiveOrderClient.systemMillis()) - 60_000
        let market = try await client.place(LiveOrder(clientOrderID: "R1-1", symbol: "BTCUSDT", side: .buy, quantity: "0.003", kind: .market))
        #expect(market.status == .filled)
        let resting = try await client.place(LiveOrder(clientOrderID: "R1-2", symbol: "BTCUSDT", side: .buy, quantity: "0.002",
                                                       kind: .limit(price: "20000", timeInForce: .gtc)))
        #expect(resting.status == .new)

        let state = try await client.accountState(symbols: ["BTCUSDT"], fillsSince: since)
        let result = AccountReconciliation(belief: AccountBelief(), venue: state)
        // userTrades gives orderId only: the client id came from a query of the filled order.
        #expect(!result.fillsToApply.isEmpty && result.fillsToApply.allSatisfy { $0.clientOrderID == "R1-1" && $0.venueOrderID == market.venueOrderID })
        #expect(Set(result.fillsToApply.map(\.tradeID)).count == result.fillsToApply.count)
        #expect(try result.fillsToApply.map(\.quantity).sum() == "0.003")
        #expect(result.ordersToAdopt.map(\.state.clientOrderID) == ["R1-2"] && result.ordersToAdopt.first?.price == "20000")
        #expect(result.positionDifferences.isEmpty, "\(result.differences)")
        let recorded = OrderClientOverLocalExchangeTests.account(exchange, key: RequestSigningTests.binance.apiKey, symbol: "BTCUSDT")
        #expect(state.positions["BTCUSDT"]?.quantity == FixedDecimal(recorded.position ?? ""), "\(exchange.exchange.statusJSON())")
        #expect(state.balances["USDT"].map { $0.wallet < "100000" } == true, "the taker fee came off")

        let belief = Self.applied(result, to: AccountBelief(), venue: state)
        let again = AccountReconciliation(belief: belief, venue: try await client.accountState(symbols: ["BTCUSDT"], fillsSince: since))
        #expect(again.isInAgreement, "\(again.differences)")
        #expect(again.openOrders.map(\.state.clientOrderID) == ["R1-2"])

        // A run that saw both orders accepted and nothing more: R1-1 filled while it was away.
        let away = AccountBelief(openOrders: ["R1-1": .init(symbol: "BTCUSDT", side: .buy, quantity: "0.003"),
                                              "R1-2": .init(symbol: "BTCUSDT", side: .buy, quantity: "0.002")])
        let back = AccountReconciliation(belief: away, venue: state)
        #expect(back.finishedOrders == [.init(clientOrderID: "R1-1", symbol: "BTCUSDT", outcome: .filled)])
        #expect(back.ordersToAdopt.isEmpty && back.openOrders.map(\.state.clientOrderID) == ["R1-2"])
        #expect(back.fillsToApply == result.fillsToApply && back.positionDifferences.isEmpty)
    }

    @Test("Bybit linear: the same, with execution ids and orderLinkIds straight from the execution list")
    func bybit() async throws {
        let (exchange, transport, client) = try await OrderClientOverLocalExchangeTests.bybitDesk()
        defer { exchange.stop(); Task { await transport.shutdown() } }
        let offset = try await client.synchronizeTime()
        let since = offset.serverTime(atLocal: LiveOrderClient.systemMillis()) - 60_000
        let symbol = try #require(exchange.exchange.markets[.bybitLinear]?.tape.symbols.sorted().first)
        _ = try await client.place(LiveOrder(clientOrderID: "R2-1", symbol: symbol, side: .sell, quantity: "0.01", kind: .market))
        _ = try await client.place(LiveOrder(clientOrderID: "R2-2", symbol: symbol, side: .sell, quantity: "0.01",
                                             kind: .limit(price: "500000", timeInForce: .gtc)))

        let state = try await client.accountState(symbols: [symbol], fillsSince: since)
        let result = AccountReconciliation(belief: AccountBelief(), venue: state)
        #expect(!result.fillsToApply.isEmpty && result.fillsToApply.allSatisfy { $0.clientOrderID == "R2-1" && $0.side == .sell })
        #expect(try result.fillsToApply.map(\.quantity).sum() == "0.01")
        #expect(result.ordersToAdopt.map(\.state.clientOrderID) == ["R2-2"])
        #expect(result.positionDifferences.isEmpty, "\(result.differences)")
        let recorded = OrderClientOverLocalExchangeTests.account(exchange, key: RequestSigningTests.bybit.apiKey, symbol: symbol)
        #expect(state.positions[symbol]?.quantity == FixedDecimal(recorded.position ?? ""), "\(exchange.exchange.statusJSON())")

        let belief = Self.applied(result, to: AccountBelief(), venue: state)
        let again = AccountReconciliation(belief: belief, venue: try await client.accountState(symbols: [symbol], fillsSince: since))
        #expect(again.isInAgreement, "\(again.differences)")
    }
}
