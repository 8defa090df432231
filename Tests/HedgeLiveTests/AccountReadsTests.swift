import HedgeCore
import Testing
@testable import HedgeLive

/// The account reads of the order client against a scripted venue: the same gates as orders
/// (an unknown order resolved first, a rate-limit hold sends nothing), trades paged and windowed
/// as each venue requires, Binance fills given their client ids.
@Suite struct AccountReadsTests {
    static let start = LiveOrderClientTests.start
    static let day: Int64 = 24 * 3_600_000

    func makeClient(_ script: [ScriptedOrderTransport.Step], venue: LiveVenueKind = .binanceUSDM) -> (LiveOrderClient, ScriptedOrderTransport) {
        let (client, transport, _) = LiveOrderClientTests().makeClient(script, venue: venue)
        return (client, transport)
    }

    /// A query string's value of `name`.
    func parameter(_ name: String, _ request: VenueHTTPRequest) -> String? {
        request.query.split(separator: "&").first { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) }
    }

    static func binanceTrade(_ id: Int64, order: Int64 = 9, time: Int64) -> String {
        #"{"buyer":true,"commission":"0.01","commissionAsset":"USDT","id":\#(id),"maker":false,"orderId":\#(order),"price":"60000","qty":"0.001","quoteQty":"60","realizedPnl":"0","side":"BUY","positionSide":"BOTH","symbol":"BTCUSDT","time":\#(time)}"#
    }

    static func ok(_ text: String) -> ScriptedOrderTransport.Step { .answer(VenueHTTPResponse(status: 200, text: text)) }

    @Test("an account read first queries an order whose answer was lost, as an order would")
    func unknownOrderFirst() async throws {
        let (client, transport) = makeClient([.loseAnswer, .answer(LiveOrderClientTests.filled), Self.ok("[]")])
        await #expect(throws: LiveOrderFailure.answerLost("S1-1", "scripted: no answer in time")) { try await client.place(LiveOrderClientTests.market) }
        #expect(try await client.openOrders(symbol: "BTCUSDT").isEmpty)
        #expect(transport.sent.map(\.path) == ["/fapi/v1/order", "/fapi/v1/order", "/fapi/v1/openOrders"])
        #expect(transport.sent[1].method == .get && parameter("origClientOrderId", transport.sent[1]) == "S1-1")
        #expect(await client.unknownOrders.isEmpty)
    }

    @Test("a rate-limit hold refuses account reads without sending them")
    func heldReadsSendNothing() async throws {
        let (client, transport) = makeClient([.answer(VenueHTTPResponse(status: 429, headers: ["Retry-After": "30"], text: #"{"code":-1003,"msg":"Too many requests."}"#))])
        await #expect(throws: LiveOrderFailure.held(.rateLimited, until: Self.start + 30_000)) { try await client.balances() }
        await #expect(throws: LiveOrderFailure.held(.rateLimited, until: Self.start + 30_000)) { try await client.fills(symbol: "BTCUSDT", since: Self.start - 1000) }
        await #expect(throws: LiveOrderFailure.held(.rateLimited, until: Self.start + 30_000)) { try await client.accountState(symbols: ["BTCUSDT"], fillsSince: 0) }
        #expect(transport.sent.count == 1)
    }

    @Test("Binance: fills since 10 days ago take two windows of at most 7 days, both by startTime and endTime")
    func binanceWindows() async throws {
        let (client, transport) = makeClient([Self.ok("[\(Self.binanceTrade(1, time: Self.start - 9 * Self.day))]"), Self.ok("[\(Self.binanceTrade(2, time: Self.start - 2 * Self.day))]")])
        let fills = try await client.fills(symbol: "BTCUSDT", since: Self.start - 10 * Self.day)
        #expect(fills.map(\.tradeID) == ["1", "2"], "oldest first")
        let windows = transport.sent.map { (parameter("startTime", $0).flatMap { Int64($0) }, parameter("endTime", $0).flatMap { Int64($0) }) }
        #expect(windows.count == 2)
        #expect(windows[0].0 == Self.start - 10 * Self.day && windows[0].1 == Self.start - 3 * Self.day - 1)
        #expect(windows[1].0 == Self.start - 3 * Self.day && windows[1].1 == Self.start + LiveOrderClient.fillWindowMargin)
    }

    @Test("Binance: a full page of 1000 goes on by fromId alone; trades past the window's end wait for the next window")
    func binanceFromID() async throws {
        let page = (1...1000).map { Self.binanceTrade(Int64($0), time: Self.start - 500) }.joined(separator: ",")
        let (client, transport) = makeClient([Self.ok("[\(page)]"), Self.ok("[\(Self.binanceTrade(1001, time: Self.start)),\(Self.binanceTrade(1002, time: Self.start + LiveOrderClient.fillWindowMargin + 1))]")])
        let fills = try await client.fills(symbol: "BTCUSDT", since: Self.start - 1000)
        #expect(fills.count == 1001 && fills.last?.tradeID == "1001")
        #expect(parameter("fromId", transport.sent[1]) == "1001" && parameter("startTime", transport.sent[1]) == nil)
        #expect(parameter("limit", transport.sent[0]) == "1000")
    }

    @Test("Binance: a fill's client id comes from the open orders, the ids the caller knows, or a query of its order")
    func binanceClientIDs() async throws {
        let open = #"[{"orderId":7,"symbol":"BTCUSDT","status":"PARTIALLY_FILLED","clientOrderId":"open-7","price":"59000","avgPrice":"59000","origQty":"0.002","executedQty":"0.001","side":"BUY"}]"#
        let trades = "[\(Self.binanceTrade(1, order: 7, time: Self.start - 30)),\(Self.binanceTrade(2, order: 8, time: Self.start - 20)),\(Self.binanceTrade(3, order: 9, time: Self.start - 10))]"
        let queried = #"{"orderId":9,"symbol":"BTCUSDT","status":"FILLED","clientOrderId":"gone-9","price":"0","avgPrice":"60000","origQty":"0.001","executedQty":"0.001","side":"BUY"}"#
        let position = #"[{"symbol":"BTCUSDT","positionSide":"BOTH","positionAmt":"0.003","entryPrice":"60000"}]"#
        let balance = #"[{"asset":"USDT","balance":"999.5","availableBalance":"900"}]"#
        let (client, transport) = makeClient([Self.ok(open), Self.ok(position), Self.ok(trades), Self.ok(balance), Self.ok(queried)])
        let state = try await client.accountState(symbols: ["BTCUSDT"], fillsSince: Self.start - 1000, knownOrders: ["8": "known-8"])
        #expect(state.fills.map(\.clientOrderID) == ["open-7", "known-8", "gone-9"])
        #expect(transport.sent.map(\.path) == ["/fapi/v1/openOrders", "/fapi/v3/positionRisk", "/fapi/v1/userTrades", "/fapi/v3/balance", "/fapi/v1/order"])
        #expect(parameter("orderId", transport.sent[4]) == "9")
        #expect(state.openOrders == [VenueOpenOrder(symbol: "BTCUSDT", side: .buy, quantity: "0.002", price: "59000",
                                                    state: LiveOrderState(clientOrderID: "open-7", venueOrderID: "7", status: .partiallyFilled, executedQuantity: "0.001", averagePrice: "59000"))])
        #expect(state.positions["BTCUSDT"] == VenuePosition(symbol: "BTCUSDT", quantity: "0.003", entryPrice: "60000"))
        #expect(state.balances["USDT"] == VenueBalance(asset: "USDT", wallet: "999.5", available: "900"))
    }

    @Test("Bybit: pages follow nextPageCursor in the same window; funding entries are not fills; a short position is negative")
    func bybitPages() async throws {
        func execution(_ id: String, type: String = "Trade", time: Int64) -> String {
            #"{"symbol":"BTCUSDT","orderId":"o-\#(id)","orderLinkId":"L-\#(id)","side":"Sell","execPrice":"60000","execQty":"0.01","execFee":"0.33","feeCurrency":"USDT","execType":"\#(type)","execTime":"\#(time)","isMaker":true,"execId":"\#(id)"}"#
        }
        func page(_ items: [String], cursor: String) -> ScriptedOrderTransport.Step {
            Self.ok(#"{"retCode":0,"retMsg":"OK","result":{"category":"linear","nextPageCursor":"\#(cursor)","list":[\#(items.joined(separator: ","))]}}"#)
        }
        let (client, transport) = makeClient([
            page([execution("e3", time: Self.start - 10), execution("f1", type: "Funding", time: Self.start - 15)], cursor: "p%3A2"),
            page([execution("e2", time: Self.start - 20)], cursor: ""),
            Self.ok(#"{"retCode":0,"retMsg":"OK","result":{"category":"linear","list":[{"symbol":"BTCUSDT","side":"Sell","size":"0.02","avgPrice":"60000"}]}}"#),
        ], venue: .bybitLinear)
        let fills = try await client.fills(symbol: "BTCUSDT", since: Self.start - 1000)
        #expect(fills.map(\.tradeID) == ["e2", "e3"] && fills.map(\.clientOrderID) == ["L-e2", "L-e3"])
        #expect(fills.allSatisfy { $0.side == .sell && $0.isMaker && $0.fee == "0.33" })
        #expect(parameter("cursor", transport.sent[1]) == "p%3A2" && parameter("startTime", transport.sent[1]) == parameter("startTime", transport.sent[0]))
        #expect(try await client.position(symbol: "BTCUSDT")?.quantity == "-0.02")
    }

    @Test("Bybit: an execution without orderLinkId keeps no client id and costs no order query")
    func bybitWithoutLinkID() async throws {
        let envelope = { (result: String) in Self.ok(#"{"retCode":0,"retMsg":"OK","result":\#(result)}"#) }
        let (client, transport) = makeClient([
            envelope(#"{"category":"linear","list":[]}"#),
            envelope(#"{"category":"linear","list":[]}"#),
            envelope(#"{"category":"linear","nextPageCursor":"","list":[{"symbol":"BTCUSDT","orderId":"o-1","orderLinkId":"","side":"Buy","execPrice":"60000","execQty":"0.01","execFee":"0.33","feeCurrency":"USDT","execType":"Trade","execTime":"\#(Self.start - 10)","isMaker":false,"execId":"e1"}]}"#),
            envelope(#"{"list":[{"accountType":"UNIFIED","coin":[{"coin":"USDT","walletBalance":"100","availableToWithdraw":""}]}]}"#),
        ], venue: .bybitLinear)
        let state = try await client.accountState(symbols: ["BTCUSDT"], fillsSince: Self.start - 1000)
        #expect(state.fills.map(\.tradeID) == ["e1"] && state.fills.first?.clientOrderID == nil)
        #expect(transport.sent.map(\.path) == ["/v5/order/realtime", "/v5/position/list", "/v5/execution/list", "/v5/account/wallet-balance"])
        #expect(state.balances["USDT"] == VenueBalance(asset: "USDT", wallet: "100", available: "100"), "an empty availableToWithdraw: the wallet")
    }

    @Test("a read refused for its timestamp re-measures the clock and is sent once more; refused again, the refusal comes back")
    func refusedTimestampRetriedOnce() async throws {
        let refusal = VenueHTTPResponse(status: 400, text: #"{"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."}"#)
        let time = Self.ok(#"{"serverTime":\#(Self.start + 7000)}"#)
        let (client, transport) = makeClient([.answer(refusal), time, time, time, Self.ok("[]"), .answer(refusal), time, time, time, .answer(refusal)])
        #expect(try await client.openOrders(symbol: "BTCUSDT").isEmpty)
        #expect(transport.sent.map(\.path) == ["/fapi/v1/openOrders"] + Array(repeating: "/fapi/v1/time", count: 3) + ["/fapi/v1/openOrders"])
        #expect(parameter("timestamp", transport.sent[4]) == String(Self.start + 7000))
        await #expect(throws: LiveOrderFailure.self) { try await client.balances() }
        #expect(transport.sent.count == 10, "one retry, not more")
    }

    @Test("a venue refusal of a read comes back typed: Bybit's retCode with HTTP 200")
    func refusalTyped() async throws {
        let (client, _) = makeClient([Self.ok(#"{"retCode":10001,"retMsg":"params error: symbol invalid","result":{}}"#)], venue: .bybitLinear)
        await #expect(throws: LiveOrderFailure.rejected(VenueRejection(venue: .bybitLinear, httpStatus: 200, code: 10001, message: "params error: symbol invalid"))) {
            try await client.openOrders(symbol: "NOPEUSDT")
        }
    }
}
