import HedgeCore
import Testing
@testable import HedgeLive

/// The order requests each venue gets, byte for byte, and their answers read into typed states
/// and typed refusals.
@Suite struct OrderAPITests {
    static let t: Int64 = 1_700_000_000_000
    static func binance(_ venue: LiveVenueKind) -> BinanceOrderAPI {
        BinanceOrderAPI(venue: venue, signer: BinanceSigner(credentials: RequestSigningTests.binance), recvWindowMillis: 5000)
    }
    static func bybit(_ venue: LiveVenueKind) -> BybitOrderAPI {
        BybitOrderAPI(venue: venue, signer: BybitSigner(credentials: RequestSigningTests.bybit), recvWindowMillis: 5000)
    }

    @Test("Binance USD-M market order: POST /fapi/v1/order, signed query, key header (signature from openssl)")
    func binanceMarket() throws {
        let request = try Self.binance(.binanceUSDM).place(
            LiveOrder(clientOrderID: "S1-7", symbol: "BTCUSDT", side: .buy, quantity: "0.001", kind: .market), timestamp: Self.t)
        #expect(request.method == .post)
        #expect(request.path == "/fapi/v1/order")
        #expect(request.body == nil)
        #expect(request.headers == ["X-MBX-APIKEY": RequestSigningTests.binance.apiKey])
        #expect(request.query == "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.001&newClientOrderId=S1-7&newOrderRespType=RESULT&recvWindow=5000&timestamp=1700000000000"
            + "&signature=a64dd674d564b923d934cc220352980e2a580804c9bfff84d44fa4d28d19acea")
    }

    @Test("Binance limit orders per venue and time in force: GTX on futures, LIMIT_MAKER on spot",
          arguments: [
              (LiveVenueKind.binanceUSDM, LiveTimeInForce.postOnly, "/fapi/v1/order", "type=LIMIT&timeInForce=GTX&price=61800.5"),
              (.binanceCOINM, .postOnly, "/dapi/v1/order", "type=LIMIT&timeInForce=GTX&price=61800.5"),
              (.binanceSpot, .postOnly, "/api/v3/order", "type=LIMIT_MAKER&price=61800.5"),
              (.binanceUSDM, .ioc, "/fapi/v1/order", "type=LIMIT&timeInForce=IOC&price=61800.5"),
              (.binanceSpot, .gtc, "/api/v3/order", "type=LIMIT&timeInForce=GTC&price=61800.5"),
          ] as [(LiveVenueKind, LiveTimeInForce, String, String)])
    func binanceLimit(venue: LiveVenueKind, timeInForce: LiveTimeInForce, path: String, expected: String) throws {
        let request = try Self.binance(venue).place(
            LiveOrder(clientOrderID: "S1-8", symbol: "BTCUSDT", side: .sell, quantity: "2", kind: .limit(price: "61800.50", timeInForce: timeInForce)),
            timestamp: Self.t)
        #expect(request.path == path)
        #expect(request.query.hasPrefix("symbol=BTCUSDT&side=SELL&\(expected)&quantity=2&newClientOrderId=S1-8&"), "\(request.query)")
    }

    @Test("Binance reduce-only on futures; refused before sending on spot")
    func binanceReduceOnly() throws {
        let order = LiveOrder(clientOrderID: "S1-9", symbol: "BTCUSD_PERP", side: .sell, quantity: "3", kind: .market, reduceOnly: true)
        #expect(try Self.binance(.binanceCOINM).place(order, timestamp: Self.t).query.contains("&quantity=3&reduceOnly=true&"))
        #expect(throws: LiveOrderFailure.invalidOrder("reduce-only does not exist on Binance spot")) {
            try Self.binance(.binanceSpot).place(order, timestamp: Self.t)
        }
    }

    @Test("Binance cancel and query by origClientOrderId")
    func binanceCancelAndQuery() throws {
        let api = Self.binance(.binanceUSDM)
        let cancel = try api.cancel(symbol: "BTCUSDT", clientOrderID: "S1-7", timestamp: Self.t)
        #expect(cancel.method == .delete)
        #expect(cancel.query.hasPrefix("symbol=BTCUSDT&origClientOrderId=S1-7&recvWindow=5000&timestamp=1700000000000&signature="))
        let query = try api.query(symbol: "BTCUSDT", clientOrderID: "S1-7", timestamp: Self.t)
        #expect(query.method == .get)
        #expect(query.path == "/fapi/v1/order")
    }

    @Test("A client order id the venues cannot carry is refused before signing")
    func badClientOrderID() {
        let order = LiveOrder(clientOrderID: "S1 7", symbol: "BTCUSDT", side: .buy, quantity: "1", kind: .market)
        #expect(throws: LiveOrderFailure.self) { try Self.binance(.binanceUSDM).place(order, timestamp: Self.t) }
        #expect(throws: LiveOrderFailure.self) { try Self.bybit(.bybitLinear).place(order, timestamp: Self.t) }
        let long = LiveOrder(clientOrderID: OrderID(String(repeating: "a", count: 37)), symbol: "BTCUSDT", side: .buy, quantity: "1", kind: .market)
        #expect(throws: LiveOrderFailure.self) { try Self.bybit(.bybitLinear).place(long, timestamp: Self.t) }
    }

    @Test("Binance futures answer: status, executed quantity and average price exact")
    func binanceFuturesAnswer() throws {
        let body = #"{"orderId":22542179,"symbol":"BTCUSDT","status":"PARTIALLY_FILLED","clientOrderId":"S1-7","price":"61900","avgPrice":"61800.20","origQty":"0.010","executedQty":"0.004","cumQuote":"247.2008","timeInForce":"GTC","type":"LIMIT","reduceOnly":false,"side":"BUY","updateTime":1700000000001}"#
        let state = try Self.binance(.binanceUSDM).orderState(from: VenueHTTPResponse(status: 200, text: body), clientOrderID: "S1-7")
        #expect(state == LiveOrderState(clientOrderID: "S1-7", venueOrderID: "22542179", status: .partiallyFilled, executedQuantity: "0.004", averagePrice: "61800.2"))
    }

    @Test("Binance spot answer: the average is quote spent ÷ quantity")
    func binanceSpotAnswer() throws {
        // 15000.25 / 0.5 = 30000.5
        let body = #"{"symbol":"BTCUSDT","orderId":28,"clientOrderId":"S1-7","price":"0.00000000","origQty":"0.50000000","executedQty":"0.50000000","cummulativeQuoteQty":"15000.25000000","status":"FILLED","type":"MARKET","side":"BUY"}"#
        let state = try Self.binance(.binanceSpot).orderState(from: VenueHTTPResponse(status: 200, text: body), clientOrderID: "S1-7")
        #expect(state.status == .filled)
        #expect(state.executedQuantity == "0.5")
        #expect(state.averagePrice == "30000.5")
    }

    @Test("A Binance order with nothing filled has no average price")
    func binanceNothingFilled() throws {
        let body = #"{"orderId":5,"status":"NEW","executedQty":"0","avgPrice":"0.00"}"#
        let state = try Self.binance(.binanceUSDM).orderState(from: VenueHTTPResponse(status: 200, text: body), clientOrderID: "S1-7")
        #expect(state.status == .new && state.executedQuantity == .zero && state.averagePrice == nil)
    }

    @Test("Binance refusals keep code and message and name the known codes",
          arguments: [
              (400, -1022, "Signature for this request is not valid.", VenueRejection.Reason.badSignature),
              (400, -1021, "Timestamp for this request is outside of the recvWindow.", .timestampOutsideWindow),
              (401, -2015, "Invalid API-key, IP, or permissions for action.", .badKey),
              (400, -2019, "Margin is insufficient.", .insufficientFunds),
              (400, -2010, "Account has insufficient balance for requested action.", .insufficientFunds),
              (400, -1121, "Invalid symbol.", .invalidSymbol),
              (400, -2013, "Order does not exist.", .noSuchOrder),
          ] as [(Int, Int, String, VenueRejection.Reason)])
    func binanceRefusals(status: Int, code: Int, message: String, reason: VenueRejection.Reason) {
        let body = #"{"code":\#(code),"msg":"\#(message)"}"#
        #expect(throws: LiveOrderFailure.rejected(VenueRejection(venue: .binanceUSDM, httpStatus: status, code: code, message: message))) {
            try Self.binance(.binanceUSDM).orderState(from: VenueHTTPResponse(status: status, text: body), clientOrderID: "S1-7")
        }
        #expect(VenueRejection(venue: .binanceUSDM, httpStatus: status, code: code, message: message).reason == reason)
    }

    @Test("An unnamed code is kept as it came, without a reason; -2010 for another cause is not 'insufficient'")
    func unnamedCodes() {
        #expect(VenueRejection(venue: .binanceUSDM, httpStatus: 400, code: -4164, message: "Order's notional must be no smaller than 100").reason == nil)
        #expect(VenueRejection(venue: .binanceSpot, httpStatus: 400, code: -2010, message: "Order would immediately match and take.").reason == nil)
        #expect(VenueRejection(venue: .bybitLinear, httpStatus: 200, code: 110017, message: "reduce-only rule not satisfied").reason == nil)
    }

    @Test("HTTP 408 and 5xx leave an order's execution unknown, except a 503 that says it was not processed",
          arguments: [
              (LiveVenueKind.binanceUSDM, 504, 0, "HTTP 504: <html>Gateway Time-out</html>", VenueRejection.Reason?.some(.executionUnknown)),
              (.binanceUSDM, 503, -1000, "Unknown error, please check your request or try again later.", .executionUnknown),
              (.binanceSpot, 408, -1007, "Timeout waiting for response from backend server. Send status unknown; execution status unknown.", .executionUnknown),
              (.binanceUSDM, 503, -1001, "Internal error; unable to process your request. Please try again.", nil),
              (.binanceUSDM, 503, 0, "HTTP 503: Service Unavailable.", nil),
              (.bybitLinear, 502, 0, "HTTP 502: Bad Gateway", .executionUnknown),
          ] as [(LiveVenueKind, Int, Int, String, VenueRejection.Reason?)])
    func executionUnknownStatuses(venue: LiveVenueKind, status: Int, code: Int, message: String, reason: VenueRejection.Reason?) {
        #expect(VenueRejection(venue: venue, httpStatus: status, code: code, message: message).reason == reason)
    }

    @Test("Bybit linear post-only reduce-only limit: JSON body and X-BAPI headers signed over it (openssl)")
    func bybitLimit() throws {
        let request = try Self.bybit(.bybitLinear).place(
            LiveOrder(clientOrderID: "S2-1", symbol: "BTCUSDT", side: .sell, quantity: "0.010", kind: .limit(price: "61800.5", timeInForce: .postOnly), reduceOnly: true),
            timestamp: Self.t)
        #expect(request.method == .post)
        #expect(request.path == "/v5/order/create")
        #expect(request.body == #"{"category":"linear","symbol":"BTCUSDT","side":"Sell","orderType":"Limit","price":"61800.5","timeInForce":"PostOnly","qty":"0.01","reduceOnly":true,"orderLinkId":"S2-1"}"#)
        #expect(request.headers == ["X-BAPI-API-KEY": "XXXXXXXXXX", "X-BAPI-TIMESTAMP": "1700000000000", "X-BAPI-RECV-WINDOW": "5000",
                                    "X-BAPI-SIGN": "e08b7a04c7901891744e02ab76323a81075ed4c401fd3be50dc5d9af3cbb6ec9"])
    }

    @Test("Bybit spot market order counts its qty in the base coin; reduce-only is refused on spot")
    func bybitSpot() throws {
        let api = Self.bybit(.bybitSpot)
        let request = try api.place(LiveOrder(clientOrderID: "S2-2", symbol: "BTCUSDT", side: .buy, quantity: "0.5", kind: .market), timestamp: Self.t)
        #expect(request.body == #"{"category":"spot","symbol":"BTCUSDT","side":"Buy","orderType":"Market","qty":"0.5","marketUnit":"baseCoin","orderLinkId":"S2-2"}"#)
        #expect(throws: LiveOrderFailure.invalidOrder("reduce-only does not exist on Bybit spot")) {
            try api.place(LiveOrder(clientOrderID: "S2-3", symbol: "BTCUSDT", side: .sell, quantity: "0.5", kind: .market, reduceOnly: true), timestamp: Self.t)
        }
    }

    @Test("Bybit IOC and GTC limits name their time in force", arguments: [(LiveTimeInForce.ioc, "IOC"), (.gtc, "GTC")] as [(LiveTimeInForce, String)])
    func bybitTimeInForce(timeInForce: LiveTimeInForce, code: String) throws {
        let request = try Self.bybit(.bybitLinear).place(
            LiveOrder(clientOrderID: "S2-4", symbol: "ETHUSDT", side: .buy, quantity: "1", kind: .limit(price: "3000", timeInForce: timeInForce)), timestamp: Self.t)
        #expect(request.body?.contains(#""orderType":"Limit","price":"3000","timeInForce":"\#(code)""#) == true)
    }

    @Test("Bybit query: GET /v5/order/realtime by orderLinkId, signed over the query string (openssl); cancel posts the id")
    func bybitQueryAndCancel() throws {
        let api = Self.bybit(.bybitLinear)
        let query = try api.query(symbol: "BTCUSDT", clientOrderID: "S2-1", timestamp: Self.t)
        #expect(query.method == .get && query.path == "/v5/order/realtime")
        #expect(query.query == "category=linear&symbol=BTCUSDT&orderLinkId=S2-1")
        #expect(query.headers["X-BAPI-SIGN"] == "dc965737c19c8f7fe1c69f20f270970a3a92af1e426665a332e7f39b61a2a827")
        let cancel = try api.cancel(symbol: "BTCUSDT", clientOrderID: "S2-1", timestamp: Self.t)
        #expect(cancel.path == "/v5/order/cancel")
        #expect(cancel.body == #"{"category":"linear","symbol":"BTCUSDT","orderLinkId":"S2-1"}"#)
    }

    @Test("Bybit answers: create is acknowledged with the venue's id; the realtime query gives fills exactly")
    func bybitAnswers() throws {
        let api = Self.bybit(.bybitLinear)
        let created = try api.orderState(from: VenueHTTPResponse(status: 200, text: #"{"retCode":0,"retMsg":"OK","result":{"orderId":"1321003749386327552","orderLinkId":"S2-1"},"retExtInfo":{},"time":1700000000005}"#), clientOrderID: "S2-1")
        #expect(created == LiveOrderState(clientOrderID: "S2-1", venueOrderID: "1321003749386327552", status: .acknowledged, executedQuantity: .zero, averagePrice: nil))
        let queried = try api.orderState(from: VenueHTTPResponse(status: 200, text: #"{"retCode":0,"retMsg":"OK","result":{"list":[{"orderId":"1321003749386327552","orderLinkId":"S2-1","symbol":"BTCUSDT","orderStatus":"PartiallyFilledCanceled","cumExecQty":"0.004","avgPrice":"61800.5","qty":"0.01"}],"category":"linear"},"time":1700000000006}"#), clientOrderID: "S2-1")
        #expect(queried == LiveOrderState(clientOrderID: "S2-1", venueOrderID: "1321003749386327552", status: .canceled, executedQuantity: "0.004", averagePrice: "61800.5"))
    }

    @Test("Bybit refusals (HTTP 200, retCode) keep code and message and name the known codes",
          arguments: [
              (10004, "error sign! origin_string[...]", VenueRejection.Reason.badSignature),
              (10003, "API key is invalid.", .badKey),
              (10002, "invalid request, please check your server timestamp or recv_window param", .timestampOutsideWindow),
              (110007, "ab not enough for new order", .insufficientFunds),
              (110001, "order not exists or too late to cancel", .noSuchOrder),
          ] as [(Int, String, VenueRejection.Reason)])
    func bybitRefusals(code: Int, message: String, reason: VenueRejection.Reason) {
        let body = #"{"retCode":\#(code),"retMsg":"\#(message)","result":{},"retExtInfo":{},"time":1700000000000}"#
        let expected = VenueRejection(venue: .bybitLinear, httpStatus: 200, code: code, message: message)
        #expect(throws: LiveOrderFailure.rejected(expected)) {
            try Self.bybit(.bybitLinear).orderState(from: VenueHTTPResponse(status: 200, text: body), clientOrderID: "S2-1")
        }
        #expect(expected.reason == reason)
    }

    @Test("Bybit's realtime query without the order is 'no such order'")
    func bybitEmptyList() {
        #expect {
            try Self.bybit(.bybitLinear).orderState(from: VenueHTTPResponse(status: 200, text: #"{"retCode":0,"retMsg":"OK","result":{"list":[],"category":"linear"}}"#), clientOrderID: "S2-9")
        } throws: { error in
            if case .rejected(let rejection) = error as? LiveOrderFailure { return rejection.reason == .noSuchOrder }
            return false
        }
    }

    @Test("Server time answers: Binance serverTime, Bybit time")
    func serverTimes() throws {
        #expect(try Self.binance(.binanceCOINM).serverTime(from: VenueHTTPResponse(status: 200, text: #"{"serverTime":1499827319559}"#)) == 1_499_827_319_559)
        #expect(Self.binance(.binanceCOINM).timeRequest.path == "/dapi/v1/time")
        #expect(Self.binance(.binanceSpot).timeRequest.path == "/api/v3/time")
        #expect(try Self.bybit(.bybitSpot).serverTime(from: VenueHTTPResponse(status: 200, text: #"{"retCode":0,"retMsg":"OK","result":{"timeSecond":"1688639403","timeNano":"1688639403423213947"},"retExtInfo":{},"time":1688639403423}"#)) == 1_688_639_403_423)
        #expect(Self.bybit(.bybitSpot).timeRequest.path == "/v5/market/time")
    }
}
