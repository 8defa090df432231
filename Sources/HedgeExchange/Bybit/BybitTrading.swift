import Foundation
import HedgeCore
import HedgeVenues

/// Bybit v5's signed trading endpoints for the linear category, against the local desk:
/// `POST /v5/order/create`, `POST /v5/order/cancel`, `GET /v5/order/realtime`,
/// `GET /v5/execution/list`, `GET /v5/position/list`, `GET /v5/account/wallet-balance`, in Bybit's envelope with its
/// retCodes. One-way mode (`positionIdx` 0), a unified account.
struct BybitTrading: Sendable {
    let desk: TradingDesk
    /// The time `/v5/market/time` serves (linear and spot share the port and its clock).
    let serverTime: @Sendable () -> Int64

    func answer(_ request: VenueRequest) -> VenueAnswer? {
        let handler: ((BybitSignedRequest, [String: String]) throws(BybitError) -> VenueAnswer)?
        switch (request.method, request.route) {
        case ("POST", "/v5/order/create"): handler = create
        case ("POST", "/v5/order/cancel"): handler = cancel
        case ("GET", "/v5/order/realtime"): handler = realtime
        case ("GET", "/v5/execution/list"): handler = executions
        case ("GET", "/v5/position/list"): handler = positions
        case ("GET", "/v5/account/wallet-balance"): handler = walletBalance
        default: handler = nil
        }
        guard let handler else { return nil }
        switch desk.market.orderFaults.rateLimit() {
        case .tooManyRequests(let seconds)?:
            return VenueAnswer(status: 200, body: BybitREST.error(10006, "Too many visits!", time: serverTime()), headers: ["Retry-After": "\(seconds)"])
        case .banned(let seconds)?:
            return VenueAnswer(status: 403, body: #"{"retCode":10006,"retMsg":"access too frequent"}"#, headers: ["Retry-After": "\(seconds)"])
        default: break
        }
        do throws(BybitError) {
            let signed = try BybitSignedRequest.verify(request, secrets: desk.secrets, serverTime: serverTime())
            let parameters: [String: String]
            if request.method == "GET" {
                parameters = HTTPPath.split(request.path).query
            } else {
                guard let object = try? JSONSerialization.jsonObject(with: Data(request.body.utf8)) as? [String: Any] else {
                    throw BybitError.params("the body is not a JSON object")
                }
                parameters = object.compactMapValues { value in
                    if let text = value as? String { return text }
                    if let flag = value as? Bool { return flag ? "true" : "false" }
                    if let number = value as? NSNumber { return number.stringValue }
                    return nil
                }
            }
            return try handler(signed, parameters)
        } catch {
            return error.answer(time: serverTime())
        }
    }

    private func ok(_ result: String) -> VenueAnswer { VenueAnswer(status: 200, body: BybitREST.envelope(result, time: serverTime())) }

    /// Only the linear category trades here.
    private func checkCategory(_ parameters: [String: String]) throws(BybitError) {
        guard let category = parameters["category"] else { throw .params("category is required") }
        guard category == "linear" else { throw BybitError(code: 10001, message: "params error: category \(category) is not traded on the local exchange (linear only)") }
    }

    private func symbol(_ parameters: [String: String]) throws(BybitError) -> String {
        guard let symbol = parameters["symbol"], !symbol.isEmpty else { throw .params("symbol is required") }
        guard desk.isListed(symbol) else { throw BybitError(code: 10001, message: "params error: symbol invalid") }
        return symbol
    }

    // MARK: - Orders

    func create(_ signed: BybitSignedRequest, _ parameters: [String: String]) throws(BybitError) -> VenueAnswer {
        try checkCategory(parameters)
        let request = try orderRequest(parameters)
        switch desk.market.orderFaults.nextOrder() {
        case .reject?: throw BybitError(code: 10001, message: "params error: order rejected by the local exchange (fault)")
        case .fail?: throw BybitError(code: 10016, message: "Internal server error.", status: 503)
        case .drop?:
            _ = try? place(request, signed: signed)
            return .dropped
        default: break
        }
        let order = try place(request, signed: signed)
        return ok(#"{"orderId":"\#(Self.orderID(order.id))","orderLinkId":"\#(order.clientID)"}"#)
    }

    private func place(_ request: OrderTicket, signed: BybitSignedRequest) throws(BybitError) -> ExchangeOrder {
        do throws(OrderRefusal) {
            return try desk.place(request, apiKey: signed.apiKey) { _ in "" }
        } catch {
            throw Self.error(for: error)
        }
    }

    func cancel(_ signed: BybitSignedRequest, _ parameters: [String: String]) throws(BybitError) -> VenueAnswer {
        try checkCategory(parameters)
        let symbol = try symbol(parameters)
        let id = parameters["orderId"].flatMap(Self.orderNumber)
        let clientID = parameters["orderLinkId"].flatMap { $0.isEmpty ? nil : $0 }
        guard id != nil || clientID != nil else { throw .params("orderId or orderLinkId is required") }
        do throws(OrderRefusal) {
            let order = try desk.withLedger(signed.apiKey) { ledger, now, _ throws(OrderRefusal) -> ExchangeOrder in
                guard let order = id.flatMap({ ledger.orders[$0] }) ?? clientID.flatMap(ledger.order(clientID:)),
                      order.request.symbol == symbol else { throw .orderNotFound }
                return try ledger.cancel(order.id, now: now)
            }
            return ok(#"{"orderId":"\#(Self.orderID(order.id))","orderLinkId":"\#(order.clientID)"}"#)
        } catch {
            throw Self.error(for: error)
        }
    }

    /// Open orders, or the one named by orderId / orderLinkId whatever its status.
    func realtime(_ signed: BybitSignedRequest, _ parameters: [String: String]) throws(BybitError) -> VenueAnswer {
        try checkCategory(parameters)
        let symbol = parameters["symbol"].flatMap { $0.isEmpty ? nil : $0 }
        let id = parameters["orderId"].flatMap(Self.orderNumber)
        let clientID = parameters["orderLinkId"].flatMap { $0.isEmpty ? nil : $0 }
        let ledger = try? desk.withLedger(signed.apiKey) { ledger, _, _ in ledger }
        let orders: [ExchangeOrder]
        if id != nil || clientID != nil {
            orders = (ledger?.orders.values.map { $0 } ?? []).filter { order in
                (id == nil || order.id == id) && (clientID == nil || order.clientID == clientID)
            }
        } else {
            orders = ledger?.openOrders ?? []
        }
        let entries = orders.filter { symbol == nil || $0.request.symbol == symbol }.sorted { $0.id > $1.id }.map(json)
        return ok(#"{"list":[\#(entries.joined(separator: ","))],"nextPageCursor":"","category":"linear"}"#)
    }

    /// The account's fills, newest first (by execTime, then id), as Bybit documents the
    /// endpoint: orderId, else orderLinkId, else symbol narrows them; `startTime` and `endTime`
    /// at most 7 days apart (one alone: the 7 days after or before it; neither: the last 7 days);
    /// `limit` 1 to 100, 50 by default; `nextPageCursor` continues the same query.
    func executions(_ signed: BybitSignedRequest, _ parameters: [String: String]) throws(BybitError) -> VenueAnswer {
        try checkCategory(parameters)
        func number(_ name: String) throws(BybitError) -> Int64? {
            guard let text = parameters[name], !text.isEmpty else { return nil }
            guard let value = Int64(text) else { throw .params("\(name) invalid") }
            return value
        }
        let start = try number("startTime")
        let end = try number("endTime")
        let limit = Int(try number("limit") ?? 50)
        guard (1...100).contains(limit) else { throw .params("limit invalid") }
        let week: Int64 = 7 * 24 * 3_600_000
        let now = serverTime()
        let window: ClosedRange<Int64>
        switch (start, end) {
        case let (start?, end?):
            guard start <= end, end - start <= week else { throw .params("endTime - startTime must be at most 7 days") }
            window = start...end
        case let (start?, nil): window = start...(start + week)
        case let (nil, end?): window = (end - week)...end
        case (nil, nil): window = (now - week)...now
        }
        let orderID = parameters["orderId"].flatMap { $0.isEmpty ? nil : $0 }
        let clientID = parameters["orderLinkId"].flatMap { $0.isEmpty ? nil : $0 }
        let symbol = parameters["symbol"].flatMap { $0.isEmpty ? nil : $0 }
        let ledger = try? desk.withLedger(signed.apiKey) { ledger, _, _ in ledger }
        var trades = (ledger?.trades ?? []).filter { trade in
            if let orderID { return Self.orderID(trade.orderID) == orderID }
            if let clientID { return trade.clientID == clientID }
            return symbol == nil || trade.symbol == symbol
        }
        trades = trades.filter { window.contains($0.time) }.sorted { ($0.time, $0.id) > ($1.time, $1.id) }
        if let cursor = parameters["cursor"].flatMap({ $0.isEmpty ? nil : $0 }) {
            // Our cursor is the execId the next page starts at.
            guard let first = trades.firstIndex(where: { Self.executionID($0.id) == cursor }) else { throw .params("cursor invalid") }
            trades.removeFirst(first)
        }
        let page = trades.prefix(limit)
        let next = trades.count > limit ? Self.executionID(trades[limit].id) : ""
        let entries = page.map { trade -> String in
            let order = ledger?.orders[trade.orderID]
            let rate = trade.isMaker ? desk.fees.maker : desk.fees.taker
            let orderType = order?.request.kind == .market ? "Market" : "Limit"
            return #"{"symbol":"\#(trade.symbol)","orderId":"\#(Self.orderID(trade.orderID))","orderLinkId":"\#(trade.clientID)","side":"\#(trade.side == .buy ? "Buy" : "Sell")","orderPrice":"\#(order?.request.price ?? .zero)","orderQty":"\#(order?.request.quantity ?? .zero)","leavesQty":"\#(trade.leaves)","createType":"CreateByUser","orderType":"\#(orderType)","stopOrderType":"","execFee":"\#(trade.fee)","execId":"\#(Self.executionID(trade.id))","execPrice":"\#(trade.price)","execQty":"\#(trade.quantity)","execType":"Trade","execValue":"\#(trade.quote)","execTime":"\#(trade.time)","feeCurrency":"\#(trade.feeAsset)","isMaker":\#(trade.isMaker),"feeRate":"\#(rate)","tradeIv":"","markIv":"","markPrice":"\#(trade.price)","indexPrice":"","underlyingPrice":"","blockTradeId":"","closedSize":"\#(trade.closed)","seq":\#(trade.id),"extraFees":""}"#
        }
        return ok(#"{"nextPageCursor":"\#(next)","category":"linear","list":[\#(entries.joined(separator: ","))]}"#)
    }

    // MARK: - Account

    func positions(_ signed: BybitSignedRequest, _ parameters: [String: String]) throws(BybitError) -> VenueAnswer {
        try checkCategory(parameters)
        let asked = parameters["symbol"].flatMap { $0.isEmpty ? nil : $0 }
        if asked == nil && parameters["settleCoin"] == nil { throw .params("symbol or settleCoin is required") }
        if let asked, !desk.isListed(asked) { throw BybitError(code: 10001, message: "params error: symbol invalid") }
        let ledger = try? desk.withLedger(signed.apiKey) { ledger, _, _ in ledger }
        var symbols = Set(ledger?.positions.filter { !$0.value.quantity.isZero }.keys.map { $0 } ?? [])
        if let asked { symbols = [asked] }
        let entries = symbols.sorted().filter { symbol in
            parameters["settleCoin"].map { desk.terms(of: symbol).settlementAsset == $0 } ?? true
        }.map { symbol -> String in
            let position = ledger?.positions[symbol] ?? PositionState()
            let terms = desk.terms(of: symbol)
            let mark = desk.book(of: symbol)?.mid ?? position.entryPrice
            let unrealized = (try? (mark - position.entryPrice).multiplied(by: position.quantity)) ?? .zero
            let value = (try? position.entryPrice.multiplied(by: position.quantity.magnitude)) ?? .zero
            let margin = (try? value.divided(by: FixedDecimal(terms.leverage))) ?? .zero
            let side = position.quantity.isZero ? "" : position.quantity.isPositive ? "Buy" : "Sell"
            return #"{"positionIdx":0,"riskId":1,"riskLimitValue":"2000000","symbol":"\#(symbol)","side":"\#(side)","size":"\#(position.quantity.magnitude)","avgPrice":"\#(position.entryPrice)","positionValue":"\#(value)","tradeMode":0,"autoAddMargin":0,"positionStatus":"Normal","leverage":"\#(terms.leverage)","markPrice":"\#(mark)","liqPrice":"","bustPrice":"","positionIM":"\#(margin)","positionMM":"0","positionBalance":"0","tpslMode":"Full","takeProfit":"0","stopLoss":"0","trailingStop":"0","unrealisedPnl":"\#(unrealized)","curRealisedPnl":"\#(position.realized)","cumRealisedPnl":"\#(position.realized)","adlRankIndicator":0,"isReduceOnly":false,"createdTime":"\#(position.updatedAt)","updatedTime":"\#(position.updatedAt)","seq":0}"#
        }
        return ok(#"{"list":[\#(entries.joined(separator: ","))],"nextPageCursor":"","category":"linear"}"#)
    }

    func walletBalance(_ signed: BybitSignedRequest, _ parameters: [String: String]) throws(BybitError) -> VenueAnswer {
        guard let type = parameters["accountType"] else { throw .params("accountType is required") }
        guard type == "UNIFIED" || type == "CONTRACT" else { throw BybitError(code: 10001, message: "accountType only support UNIFIED.") }
        let ledger = try? desk.withLedger(signed.apiKey) { ledger, _, _ in ledger }
        let asked = parameters["coin"].map { Set($0.split(separator: ",").map(String.init)) }
        var total = FixedDecimal.zero
        let coins = (ledger?.balances ?? [:]).sorted { $0.key < $1.key }.filter { asked?.contains($0.key) ?? true }.map { coin, wallet -> String in
            var unrealized = FixedDecimal.zero
            for (symbol, position) in ledger?.positions ?? [:] where desk.terms(of: symbol).settlementAsset == coin && !position.quantity.isZero {
                let mark = desk.book(of: symbol)?.mid ?? position.entryPrice
                unrealized = (try? unrealized + (mark - position.entryPrice).multiplied(by: position.quantity)) ?? unrealized
            }
            let equity = (try? wallet + unrealized) ?? wallet
            // Totals count the USD stablecoins only: the exchange prices no other asset.
            if ["USDT", "USDC"].contains(coin) { total = (try? total + equity) ?? total }
            let available = ledger?.available(coin, termsOf: desk.terms(of:)) ?? .zero
            let held = (try? wallet - available) ?? .zero
            return #"{"coin":"\#(coin)","equity":"\#(equity)","usdValue":"\#(equity)","walletBalance":"\#(wallet)","free":"","locked":"0","spotHedgingQty":"0","borrowAmount":"0","availableToWithdraw":"\#(available)","accruedInterest":"0","totalOrderIM":"0","totalPositionIM":"\#(held)","totalPositionMM":"0","unrealisedPnl":"\#(unrealized)","cumRealisedPnl":"0","bonus":"0","marginCollateral":true,"collateralSwitch":true}"#
        }
        return ok(#"{"list":[{"accountType":"\#(type)","totalEquity":"\#(total)","totalWalletBalance":"\#(total)","totalMarginBalance":"\#(total)","totalAvailableBalance":"\#(total)","totalPerpUPL":"0","totalInitialMargin":"0","totalMaintenanceMargin":"0","accountIMRate":"0","accountMMRate":"0","accountLTV":"0","coin":[\#(coins.joined(separator: ","))]}]}"#)
    }

    // MARK: - Reading and writing

    private func orderRequest(_ parameters: [String: String]) throws(BybitError) -> OrderTicket {
        let symbol = try symbol(parameters)
        let side: OrderSide
        switch parameters["side"] {
        case "Buy": side = .buy
        case "Sell": side = .sell
        default: throw .params("side invalid")
        }
        let kind: OrderKind
        switch parameters["orderType"] {
        case "Market": kind = .market
        case "Limit": kind = .limit
        default: throw .params("orderType invalid")
        }
        guard let quantity = parameters["qty"].flatMap(FixedDecimal.init), quantity.isPositive else { throw .params("qty invalid") }
        let spec = try? ContractCatalog.builtIn.spec(venue: desk.market.venue.rawValue, symbol: symbol)
        if let spec, !quantity.isMultiple(of: spec.lotStep) { throw BybitError(code: 10001, message: "Qty invalid") }
        var price: FixedDecimal?
        if kind == .limit {
            guard let value = parameters["price"].flatMap(FixedDecimal.init), value.isPositive else { throw .params("price invalid") }
            if let spec, !value.isMultiple(of: spec.tickSize) { throw BybitError(code: 10001, message: "Price invalid") }
            price = value
        }
        let timeInForce: TimeInForce
        switch parameters["timeInForce"] ?? (kind == .market ? "IOC" : "GTC") {
        case "GTC": timeInForce = kind == .market ? .immediateOrCancel : .goodTillCancel
        case "IOC": timeInForce = .immediateOrCancel
        case "FOK": timeInForce = .fillOrKill
        case "PostOnly": timeInForce = kind == .limit ? .postOnly : .immediateOrCancel
        default: throw .params("timeInForce invalid")
        }
        let clientID = parameters["orderLinkId"].flatMap { $0.isEmpty ? nil : $0 }
        if let clientID, clientID.count > 36 { throw .params("orderLinkId is too long (at most 36 characters)") }
        return OrderTicket(symbol: symbol, side: side, kind: kind, quantity: quantity, price: price,
                            timeInForce: timeInForce, reduceOnly: parameters["reduceOnly"] == "true", clientID: clientID)
    }

    static func error(for refusal: OrderRefusal) -> BybitError {
        switch refusal {
        case .unknownSymbol: BybitError(code: 10001, message: "params error: symbol invalid")
        case .invalidQuantity: BybitError(code: 10001, message: "params error: qty invalid")
        case .missingPrice: BybitError(code: 10001, message: "params error: price invalid")
        case .duplicateClientID: BybitError(code: 110072, message: "OrderLinkedID is duplicate")
        case .insufficientMargin: BybitError(code: 110007, message: "ab not enough for new order")
        case .reduceOnlyRejected: BybitError(code: 110017, message: "current position is zero, cannot fix reduce-only order qty")
        case .postOnlyWouldTake: BybitError(code: 10001, message: "params error: PostOnly order would take liquidity")
        case .noBook: BybitError(code: 10016, message: "the local exchange has no book for this symbol yet: its recording has not reached a snapshot")
        case .orderNotFound: BybitError(code: 110001, message: "order not exists or too late to cancel")
        }
    }

    /// Bybit's ids are UUIDs; ours carry the desk's number in the last group.
    static func orderID(_ number: Int64) -> String {
        let hex = String(number, radix: 16)
        return "00000000-0000-4000-8000-" + String(repeating: "0", count: max(0, 12 - hex.count)) + hex
    }

    /// Execution ids are UUIDs too, in their own group.
    static func executionID(_ number: Int64) -> String {
        let hex = String(number, radix: 16)
        return "00000000-0000-4000-a000-" + String(repeating: "0", count: max(0, 12 - hex.count)) + hex
    }

    static func orderNumber(_ id: String) -> Int64? {
        guard id.hasPrefix("00000000-0000-4000-8000-") else { return nil }
        return Int64(id.dropFirst("00000000-0000-4000-8000-".count), radix: 16)
    }

    static func status(_ order: ExchangeOrder) -> String {
        switch order.status {
        case .new: "New"
        case .partiallyFilled: "PartiallyFilled"
        case .filled: "Filled"
        case .canceled, .expired: order.executed.isPositive ? "PartiallyFilledCanceled" : "Cancelled"
        }
    }

    func json(_ order: ExchangeOrder) -> String {
        let request = order.request
        let timeInForce = switch request.timeInForce {
        case .goodTillCancel: "GTC"
        case .immediateOrCancel: "IOC"
        case .fillOrKill: "FOK"
        case .postOnly: "PostOnly"
        }
        let remaining = order.status.isOpen ? order.remaining : .zero
        let leavesValue = (try? remaining.multiplied(by: request.price ?? .zero)) ?? .zero
        let cancelType = order.status == .canceled ? "CancelByUser" : order.status == .expired ? "CancelByIOC" : "UNKNOWN"
        let rejectReason = request.timeInForce == .postOnly && order.status == .canceled && order.executed.isZero && order.updatedAt == order.createdAt
            ? "EC_PostOnlyWillTakeLiquidity" : "EC_NoError"
        return #"{"orderId":"\#(Self.orderID(order.id))","orderLinkId":"\#(order.clientID)","blockTradeId":"","symbol":"\#(request.symbol)","price":"\#(request.price ?? .zero)","qty":"\#(request.quantity)","side":"\#(request.side == .buy ? "Buy" : "Sell")","isLeverage":"","positionIdx":0,"orderStatus":"\#(Self.status(order))","cancelType":"\#(cancelType)","rejectReason":"\#(rejectReason)","avgPrice":"\#(order.executed.isZero ? "" : order.averagePrice.description)","leavesQty":"\#(remaining)","leavesValue":"\#(leavesValue)","cumExecQty":"\#(order.executed)","cumExecValue":"\#(order.executedQuote)","cumExecFee":"\#(order.fee)","timeInForce":"\#(timeInForce)","orderType":"\#(request.kind == .market ? "Market" : "Limit")","stopOrderType":"","orderIv":"","triggerPrice":"","takeProfit":"","stopLoss":"","tpTriggerBy":"","slTriggerBy":"","triggerDirection":0,"triggerBy":"","lastPriceOnCreated":"","reduceOnly":\#(request.reduceOnly),"closeOnTrigger":false,"smpType":"None","smpGroup":0,"smpOrderId":"","tpslMode":"","tpLimitPrice":"","slLimitPrice":"","placeType":"","createdTime":"\#(order.createdAt)","updatedTime":"\#(order.updatedAt)"}"#
    }
}
