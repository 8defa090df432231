import HedgeCore
@testable import HedgeExchange
import Testing

/// The account arithmetic of the local exchange, exact to the unit: fills level by level, fees,
/// average entry, realized PnL, margin, and the order rules, against a book made by hand.
@Suite("Local exchange: account ledger")
struct AccountLedgerTests {
    static let terms = SymbolTerms(settlementAsset: "USDT", fees: FeeSchedule(maker: "0.0002", taker: "0.0005"), leverage: 10)
    static let book = BookSides(bids: [PriceLevel(price: "99", quantity: "3"), PriceLevel(price: "98", quantity: "10")],
                                asks: [PriceLevel(price: "100", quantity: "2"), PriceLevel(price: "101", quantity: "5")])

    static func order(_ side: OrderSide, _ quantity: FixedDecimal, limit: FixedDecimal? = nil, _ timeInForce: TimeInForce = .goodTillCancel,
                      reduceOnly: Bool = false, clientID: String? = nil) -> OrderTicket {
        OrderTicket(symbol: "BTCUSDT", side: side, kind: limit == nil ? .market : .limit, quantity: quantity, price: limit,
                     timeInForce: limit == nil ? .immediateOrCancel : timeInForce, reduceOnly: reduceOnly, clientID: clientID)
    }

    static func place(_ ledger: inout AccountLedger, _ request: OrderTicket, id: Int64, rules: VenueRules = .binance, book: BookSides = book) throws(OrderRefusal) -> ExchangeOrder {
        try ledger.place(request, id: id, clientID: request.clientID ?? "c\(id)", book: book, now: 1000 + id,
                         terms: terms, rules: rules, termsOf: { _ in terms })
    }

    @Test("a market buy walks the asks; selling it back realizes the loss; taker fees come off the wallet")
    func roundTrip() throws {
        var ledger = AccountLedger(balances: ["USDT": "10000"])
        let buy = try Self.place(&ledger, Self.order(.buy, "3"), id: 1)
        // 2 @ 100 + 1 @ 101 = 301; fee 301 × 0.0005 = 0.1505.
        #expect(buy.status == .filled && buy.executed == "3" && buy.executedQuote == "301" && buy.fee == "0.1505")
        #expect(buy.averagePrice == "100.33333333")   // 301 / 3, 8 places
        #expect(ledger.positions["BTCUSDT"]?.quantity == "3")
        #expect(ledger.positions["BTCUSDT"]?.entryPrice == "100.33333333")   // (2 × 100 + 101) / 3
        #expect(ledger.balances["USDT"] == "9999.8495")   // 10000 − 0.1505
        let sell = try Self.place(&ledger, Self.order(.sell, "3"), id: 2)
        // 3 @ 99 = 297; fee 0.1485; PnL 3 × (99 − 100.33333333) = −3.99999999.
        #expect(sell.executedQuote == "297" && sell.fee == "0.1485")
        #expect(ledger.positions["BTCUSDT"]?.quantity == .zero)
        #expect(ledger.positions["BTCUSDT"]?.realized == "-3.99999999")
        #expect(ledger.balances["USDT"] == "9995.70100001")   // 9999.8495 − 3.99999999 − 0.1485
    }

    @Test("a resting buy fills whole at its own price as maker once the asks reach it")
    func restingFill() throws {
        var ledger = AccountLedger(balances: ["USDT": "10000"])
        let order = try Self.place(&ledger, Self.order(.buy, "1", limit: "98.5"), id: 1)
        #expect(order.status == .new && order.executed == .zero)
        ledger.sweep(symbol: "BTCUSDT", book: Self.book, now: 2000, terms: Self.terms)
        #expect(ledger.orders[1]?.status == .new, "the asks start at 100")
        let lower = BookSides(bids: [PriceLevel(price: "97", quantity: "1")], asks: [PriceLevel(price: "98", quantity: "1")])
        ledger.sweep(symbol: "BTCUSDT", book: lower, now: 3000, terms: Self.terms)
        #expect(ledger.orders[1]?.status == .filled && ledger.orders[1]?.executedQuote == "98.5" && ledger.orders[1]?.updatedAt == 3000)
        #expect(ledger.balances["USDT"] == "9999.9803")   // fee 98.5 × 0.0002 = 0.0197
        #expect(ledger.positions["BTCUSDT"]?.entryPrice == "98.5")
    }

    @Test("every fill is kept as a trade with the next id: a taker fill per level, a resting fill as maker, realized PnL on the close")
    func tradesKept() throws {
        var ledger = AccountLedger(balances: ["USDT": "10000"])
        ledger.nextTradeID = 7
        _ = try Self.place(&ledger, Self.order(.buy, "3"), id: 1)
        _ = try Self.place(&ledger, Self.order(.sell, "2", limit: "100"), id: 2)
        ledger.sweep(symbol: "BTCUSDT", book: BookSides(bids: [PriceLevel(price: "100.5", quantity: "9")], asks: []), now: 5000, terms: Self.terms)
        #expect(ledger.trades.map(\.id) == [7, 8, 9] && ledger.nextTradeID == 10)
        #expect(ledger.trades.map(\.orderID) == [1, 1, 2])
        // 2 @ 100 then 1 @ 101 (taker); the sell rests at 100 until the bids reach it: 2 @ 100, maker.
        #expect(ledger.trades.map(\.price) == ["100", "101", "100"] && ledger.trades.map(\.quantity) == ["2", "1", "2"])
        #expect(ledger.trades.map(\.isMaker) == [false, false, true] && ledger.trades.map(\.leaves) == ["1", "0", "0"])
        // Entry 100.33333333: closing 2 at 100 realizes 2 × (100 − 100.33333333) = −0.66666666; fee 200 × 0.0002 = 0.04.
        #expect(ledger.trades[2].realizedPnL == "-0.66666666" && ledger.trades[2].closed == "2" && ledger.trades[2].fee == "0.04")
        #expect(ledger.trades[2].side == .sell && ledger.trades[2].clientID == "c2" && ledger.trades[2].time == 5000)
    }

    @Test("an order needing more margin than positions and open orders leave is refused")
    func margin() throws {
        var ledger = AccountLedger(balances: ["USDT": "10000"])
        // 1001 × 99 / 10 = 9909.9 of 10000: rests.
        _ = try Self.place(&ledger, Self.order(.buy, "1001", limit: "99"), id: 1)
        #expect(ledger.available("USDT", termsOf: { _ in Self.terms }) == "90.1")
        // 10 × 99 / 10 = 99 > 90.1.
        #expect(throws: OrderRefusal.insufficientMargin) { try Self.place(&ledger, Self.order(.buy, "10", limit: "99"), id: 2) }
    }

    @Test("reduce-only needs an opposite position and is cut to its size")
    func reduceOnly() throws {
        var ledger = AccountLedger(balances: ["USDT": "10000"])
        #expect(throws: OrderRefusal.reduceOnlyRejected) { try Self.place(&ledger, Self.order(.sell, "1", reduceOnly: true), id: 1) }
        _ = try Self.place(&ledger, Self.order(.buy, "1"), id: 2)
        #expect(throws: OrderRefusal.reduceOnlyRejected) { try Self.place(&ledger, Self.order(.buy, "1", reduceOnly: true), id: 3) }
        let closing = try Self.place(&ledger, Self.order(.sell, "5", reduceOnly: true), id: 4)
        #expect(closing.request.quantity == "1" && closing.status == .filled)
        #expect(ledger.positions["BTCUSDT"]?.quantity == .zero)
    }

    @Test("post-only that would take: Binance refuses it, Bybit cancels it")
    func postOnly() throws {
        var ledger = AccountLedger(balances: ["USDT": "10000"])
        #expect(throws: OrderRefusal.postOnlyWouldTake) { try Self.place(&ledger, Self.order(.buy, "1", limit: "100", .postOnly), id: 1) }
        #expect(ledger.orders.isEmpty, "not recorded")
        let cancelled = try Self.place(&ledger, Self.order(.buy, "1", limit: "100", .postOnly), id: 2, rules: .bybit)
        #expect(cancelled.status == .canceled && cancelled.executed == .zero)
        let resting = try Self.place(&ledger, Self.order(.buy, "1", limit: "99.5", .postOnly), id: 3)
        #expect(resting.status == .new)
    }

    @Test("IOC takes what is there and expires the rest; FOK short of depth fills nothing")
    func immediate() throws {
        var ledger = AccountLedger(balances: ["USDT": "10000"])
        // Up to 100: the 2 at 100 only.
        let ioc = try Self.place(&ledger, Self.order(.buy, "4", limit: "100", .immediateOrCancel), id: 1)
        #expect(ioc.status == .expired && ioc.executed == "2")
        // 8 wanted, 7 up to 101.
        let fok = try Self.place(&ledger, Self.order(.buy, "8", limit: "101", .fillOrKill), id: 2)
        #expect(fok.status == .expired && fok.executed == .zero)
        #expect(ledger.positions["BTCUSDT"]?.quantity == "2")
    }

    @Test("a client id: Binance refuses it while its order is open, Bybit forever")
    func clientIDs() throws {
        for rules in [VenueRules.binance, .bybit] {
            var ledger = AccountLedger(balances: ["USDT": "10000"])
            _ = try Self.place(&ledger, Self.order(.buy, "1", limit: "90", clientID: "mine"), id: 1, rules: rules)
            #expect(throws: OrderRefusal.duplicateClientID) { try Self.place(&ledger, Self.order(.buy, "1", limit: "90", clientID: "mine"), id: 2, rules: rules) }
            _ = try ledger.cancel(1, now: 5000)
            if rules.clientIDsUniqueForever {
                #expect(throws: OrderRefusal.duplicateClientID) { try Self.place(&ledger, Self.order(.buy, "1", limit: "90", clientID: "mine"), id: 3, rules: rules) }
            } else {
                #expect(try Self.place(&ledger, Self.order(.buy, "1", limit: "90", clientID: "mine"), id: 3, rules: rules).status == .new)
                #expect(ledger.order(clientID: "mine")?.id == 3, "the newest order of the id")
            }
        }
    }
}
