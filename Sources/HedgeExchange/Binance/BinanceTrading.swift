import Foundation
import HedgeCore
import HedgeVenues

/// Binance USD-M's signed trading endpoints, against the local desk: `POST/GET/DELETE
/// /fapi/v1/order`, `GET /fapi/v1/openOrders`, `GET /fapi/v2|v3/positionRisk`,
/// `GET /fapi/v2|v3/balance`, `GET /fapi/v1/userTrades`, with the venue's parameters, answer fields (numbers as strings)
/// and error codes. One-way position mode (`positionSide` BOTH), cross margin.
struct BinanceTrading: Sendable {
    let desk: TradingDesk

    /// The answer for a private path; nil: not one (market data or 404 decide).
    func answer(_ request: VenueRequest) -> VenueAnswer? {
        let route = request.route
        let handler: ((BinanceSignedRequest) throws(BinanceError) -> VenueAnswer)?
        switch (request.method, route) {
        case ("POST", "/fapi/v1/order"): handler = newOrder
        case ("GET", "/fapi/v1/order"): handler = queryOrder
        case ("DELETE", "/fapi/v1/order"): handler = cancelOrder
        case ("GET", "/fapi/v1/openOrders"): handler = openOrders
        case ("GET", "/fapi/v1/userTrades"): handler = userTrades
        case ("GET", "/fapi/v2/positionRisk"): handler = { signed throws(BinanceError) in positionRisk(signed, version: 2) }
        case ("GET", "/fapi/v3/positionRisk"): handler = { signed throws(BinanceError) in positionRisk(signed, version: 3) }
        case ("GET", "/fapi/v2/balance"), ("GET", "/fapi/v3/balance"): handler = { signed throws(BinanceError) in balance(signed) }
        case ("GET", "/fapi/v1/leverageBracket"): handler = { signed throws(BinanceError) in leverageBrackets(signed) }
        default: handler = nil
        }
        guard let handler else { return nil }
        let faults = desk.market.orderFaults
        switch faults.rateLimit() {
        case .tooManyRequests(let seconds)?:
            return VenueAnswer(status: 429, body: #"{"code":-1003,"msg":"Too many requests; current limit of IP(127.0.0.1) is 2400 requests per minute. Please use the websocket for live updates to avoid polling the API."}"#,
                               headers: ["Retry-After": "\(seconds)"])
        case .banned(let seconds)?:
            let until = desk.now + Int64(seconds) * 1000
            return VenueAnswer(status: 418, body: #"{"code":-1003,"msg":"Way too many requests; IP(127.0.0.1) banned until \#(until). Please use the websocket for live updates to avoid bans."}"#,
                               headers: ["Retry-After": "\(seconds)"])
        default: break
        }
        do throws(BinanceError) {
            let signed = try BinanceSignedRequest.verify(request, secrets: desk.secrets, serverTime: desk.now)
            return try handler(signed)
        } catch {
            return error.answer
        }
    }

    // MARK: - Orders

    func newOrder(_ signed: BinanceSignedRequest) throws(BinanceError) -> VenueAnswer {
        let request = try orderRequest(signed.parameters)
        switch desk.market.orderFaults.nextOrder() {
        case .reject?: throw BinanceError(status: 400, code: -2010, message: "New order rejected by the local exchange (fault).")
        case .fail?: throw BinanceError(status: 503, code: -1001, message: "Internal error; unable to process your request. Please try again.")
        case .drop?:
            _ = try? place(request, signed: signed)
            return .dropped
        default: break
        }
        let order = try place(request, signed: signed)
        // ACK (the default on futures) answers before matching: the order as accepted, NEW.
        if signed.parameters["newOrderRespType"] != "RESULT" {
            var acknowledged = order
            acknowledged.status = .new
            acknowledged.executed = .zero
            acknowledged.executedQuote = .zero
            acknowledged.updatedAt = order.createdAt
            return VenueAnswer(status: 200, body: json(acknowledged, withTime: false))
        }
        return VenueAnswer(status: 200, body: json(order, withTime: false))
    }

    private func place(_ request: OrderTicket, signed: BinanceSignedRequest) throws(BinanceError) -> ExchangeOrder {
        do throws(OrderRefusal) {
            return try desk.place(request, apiKey: signed.apiKey) { "local-\($0)" }
        } catch {
            throw Self.error(for: error, cancelling: false)
        }
    }

    func queryOrder(_ signed: BinanceSignedRequest) throws(BinanceError) -> VenueAnswer {
        let (symbol, id, clientID) = try orderKeys(signed.parameters)
        let order = try? desk.withLedger(signed.apiKey) { ledger, _, _ throws(OrderRefusal) -> ExchangeOrder in
            guard let order = id.flatMap({ ledger.orders[$0] }) ?? clientID.flatMap(ledger.order(clientID:)),
                  order.request.symbol == symbol else { throw .orderNotFound }
            return order
        }
        guard let order else { throw BinanceError(status: 400, code: -2013, message: "Order does not exist.") }
        return VenueAnswer(status: 200, body: json(order, withTime: true))
    }

    func cancelOrder(_ signed: BinanceSignedRequest) throws(BinanceError) -> VenueAnswer {
        let (symbol, id, clientID) = try orderKeys(signed.parameters)
        do throws(OrderRefusal) {
            let order = try desk.withLedger(signed.apiKey) { ledger, now, _ throws(OrderRefusal) -> ExchangeOrder in
                guard let order = id.flatMap({ ledger.orders[$0] }) ?? clientID.flatMap(ledger.order(clientID:)),
                      order.request.symbol == symbol else { throw .orderNotFound }
                return try ledger.cancel(order.id, now: now)
            }
            return VenueAnswer(status: 200, body: json(order, withTime: false))
        } catch {
            throw Self.error(for: error, cancelling: true)
        }
    }

    func openOrders(_ signed: BinanceSignedRequest) throws(BinanceError) -> VenueAnswer {
        let symbol = signed.parameters["symbol"]
        if let symbol, !desk.isListed(symbol) { throw BinanceError(status: 400, code: -1121, message: "Invalid symbol.") }
        let orders = (try? desk.withLedger(signed.apiKey) { ledger, _, _ in ledger.openOrders }) ?? []
        let entries = orders.filter { symbol == nil || $0.request.symbol == symbol }.map { json($0, withTime: true) }
        return VenueAnswer(status: 200, body: "[" + entries.joined(separator: ",") + "]")
    }

    /// The account's fills of one symbol, ascending by id, as Binance documents the endpoint:
    /// `fromId` gives trades from that id on and cannot be sent with a time; `startTime` and
    /// `endTime` at most 7 days apart (one alone: the 7 days after or before it; neither: the
    /// last 7 days); `limit` 500 by default, at most 1000; a window gives its first trades from
    /// `startTime`, else its most recent ones.
    func userTrades(_ signed: BinanceSignedRequest) throws(BinanceError) -> VenueAnswer {
        let parameters = signed.parameters
        guard let symbol = parameters["symbol"], !symbol.isEmpty else { throw .mandatory("symbol") }
        guard desk.isListed(symbol) else { throw BinanceError(status: 400, code: -1121, message: "Invalid symbol.") }
        func number(_ name: String) throws(BinanceError) -> Int64? {
            guard let text = parameters[name] else { return nil }
            guard let value = Int64(text) else { throw BinanceError(status: 400, code: -1100, message: "Illegal characters found in parameter '\(name)'; legal range is '^[0-9]{1,20}$'.") }
            return value
        }
        let orderID = try number("orderId")
        let fromID = try number("fromId")
        let start = try number("startTime")
        let end = try number("endTime")
        let limit = Int(try number("limit") ?? 500)
        guard (1...1000).contains(limit) else { throw BinanceError(status: 400, code: -1130, message: "Data sent for parameter 'limit' is not valid.") }
        if fromID != nil && (start != nil || end != nil) {
            throw BinanceError(status: 400, code: -1128, message: "Combination of optional parameters invalid.")
        }
        let week: Int64 = 7 * 24 * 3_600_000
        let ledger = try? desk.withLedger(signed.apiKey) { ledger, _, _ in ledger }
        var trades = (ledger?.trades ?? []).filter { $0.symbol == symbol && (orderID == nil || $0.orderID == orderID) }
        if let fromID {
            trades = Array(trades.filter { $0.id >= fromID }.prefix(limit))
        } else {
            let window: ClosedRange<Int64>
            switch (start, end) {
            case let (start?, end?):
                guard start <= end, end - start <= week else {
                    throw BinanceError(status: 400, code: -1127, message: "More than 7 days between startTime and endTime.")
                }
                window = start...end
            case let (start?, nil): window = start...(start + week)
            case let (nil, end?): window = (end - week)...end
            case (nil, nil): window = (desk.now - week)...desk.now
            }
            trades = trades.filter { window.contains($0.time) }
            trades = start != nil ? Array(trades.prefix(limit)) : Array(trades.suffix(limit))
        }
        let entries = trades.map { trade in
            #"{"buyer":\#(trade.side == .buy),"commission":"\#(trade.fee)","commissionAsset":"\#(trade.feeAsset)","id":\#(trade.id),"maker":\#(trade.isMaker),"orderId":\#(trade.orderID),"price":"\#(trade.price)","qty":"\#(trade.quantity)","quoteQty":"\#(trade.quote)","realizedPnl":"\#(trade.realizedPnL)","side":"\#(trade.side == .buy ? "BUY" : "SELL")","positionSide":"BOTH","symbol":"\#(trade.symbol)","time":\#(trade.time)}"#
        }
        return VenueAnswer(status: 200, body: "[" + entries.joined(separator: ",") + "]")
    }

    // MARK: - Account

    func positionRisk(_ signed: BinanceSignedRequest, version: Int) -> VenueAnswer {
        let ledger = try? desk.withLedger(signed.apiKey) { ledger, _, _ in ledger }
        let asked = signed.parameters["symbol"]
        var symbols = Set(ledger?.positions.keys.map { $0 } ?? [])
        // v2 lists every symbol; v3 only those with a position.
        if version == 2 { symbols.formUnion(desk.market.tape.symbols) }
        let entries = symbols.sorted().filter { asked == nil || $0 == asked }.compactMap { symbol -> String? in
            let position = ledger?.positions[symbol] ?? PositionState()
            if version == 3 && position.quantity.isZero { return nil }
            let mark = desk.book(of: symbol)?.mid ?? position.entryPrice
            let unrealized = (try? (mark - position.entryPrice).multiplied(by: position.quantity)) ?? .zero
            let notional = (try? mark.multiplied(by: position.quantity)) ?? .zero
            let terms = desk.terms(of: symbol)
            let margin = (try? notional.magnitude.divided(by: FixedDecimal(terms.leverage))) ?? .zero
            let common = #""symbol":"\#(symbol)","positionSide":"BOTH","positionAmt":"\#(position.quantity)","entryPrice":"\#(position.entryPrice)","breakEvenPrice":"\#(position.entryPrice)","markPrice":"\#(mark)","unRealizedProfit":"\#(unrealized)","liquidationPrice":"0","notional":"\#(notional)","isolatedMargin":"0","isolatedWallet":"0","updateTime":\#(position.updatedAt)"#
            if version == 2 {
                return #"{\#(common),"leverage":"\#(terms.leverage)","maxNotionalValue":"1000000","marginType":"cross","isAutoAddMargin":"false"}"#
            }
            return #"{\#(common),"marginAsset":"\#(terms.settlementAsset)","initialMargin":"\#(margin)","maintMargin":"0","positionInitialMargin":"\#(margin)","openOrderInitialMargin":"0","adl":0,"bidNotional":"0","askNotional":"0"}"#
        }
        return VenueAnswer(status: 200, body: "[" + entries.joined(separator: ",") + "]")
    }

    /// One bracket per symbol: the desk's leverage at any notional, no maintenance tiers.
    func leverageBrackets(_ signed: BinanceSignedRequest) -> VenueAnswer {
        let asked = signed.parameters["symbol"]
        let entries = desk.market.tape.symbols.sorted().filter { asked == nil || $0 == asked }.map { symbol in
            #"{"symbol":"\#(symbol)","notionalCoef":1.0,"brackets":[{"bracket":1,"initialLeverage":\#(desk.leverage),"notionalCap":1000000000,"notionalFloor":0,"maintMarginRatio":0.004,"cum":0.0}]}"#
        }
        return VenueAnswer(status: 200, body: "[" + entries.joined(separator: ",") + "]")
    }

    func balance(_ signed: BinanceSignedRequest) -> VenueAnswer {
        let ledger = try? desk.withLedger(signed.apiKey) { ledger, _, _ in ledger }
        let now = desk.now
        let entries = (ledger?.balances ?? [:]).sorted { $0.key < $1.key }.map { asset, wallet in
            var unrealized = FixedDecimal.zero
            for (symbol, position) in ledger?.positions ?? [:] where desk.terms(of: symbol).settlementAsset == asset && !position.quantity.isZero {
                let mark = desk.book(of: symbol)?.mid ?? position.entryPrice
                unrealized = (try? unrealized + (mark - position.entryPrice).multiplied(by: position.quantity)) ?? unrealized
            }
            let available = ledger?.available(asset, termsOf: desk.terms(of:)) ?? .zero
            return #"{"accountAlias":"local","asset":"\#(asset)","balance":"\#(wallet)","crossWalletBalance":"\#(wallet)","crossUnPnl":"\#(unrealized)","availableBalance":"\#(available)","maxWithdrawAmount":"\#(available)","marginAvailable":true,"updateTime":\#(now)}"#
        }
        return VenueAnswer(status: 200, body: "[" + entries.joined(separator: ",") + "]")
    }

    // MARK: - Reading and writing

    /// symbol and orderId or origClientOrderId, as GET and DELETE /fapi/v1/order take them.
    private func orderKeys(_ parameters: [String: String]) throws(BinanceError) -> (String, Int64?, String?) {
        guard let symbol = parameters["symbol"], !symbol.isEmpty else { throw .mandatory("symbol") }
        guard desk.isListed(symbol) else { throw BinanceError(status: 400, code: -1121, message: "Invalid symbol.") }
        let id = parameters["orderId"].flatMap { Int64($0) }
        let clientID = parameters["origClientOrderId"].flatMap { $0.isEmpty ? nil : $0 }
        guard id != nil || clientID != nil else {
            throw BinanceError(status: 400, code: -1102, message: "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!")
        }
        return (symbol, id, clientID)
    }

    /// The order POST /fapi/v1/order asks for, its parameters checked as Binance checks them.
    private func orderRequest(_ parameters: [String: String]) throws(BinanceError) -> OrderTicket {
        guard let symbol = parameters["symbol"], !symbol.isEmpty else { throw .mandatory("symbol") }
        guard desk.isListed(symbol) else { throw BinanceError(status: 400, code: -1121, message: "Invalid symbol.") }
        guard let sideText = parameters["side"] else { throw .mandatory("side") }
        let side: OrderSide
        switch sideText {
        case "BUY": side = .buy
        case "SELL": side = .sell
        default: throw BinanceError(status: 400, code: -1117, message: "Invalid side.")
        }
        guard let typeText = parameters["type"] else { throw .mandatory("type") }
        let kind: OrderKind
        switch typeText {
        case "MARKET": kind = .market
        case "LIMIT": kind = .limit
        default: throw BinanceError(status: 400, code: -1116, message: "Invalid orderType.")
        }
        if let positionSide = parameters["positionSide"], positionSide != "BOTH" {
            throw BinanceError(status: 400, code: -4061, message: "Order's position side does not match user's setting.")
        }
        guard let quantityText = parameters["quantity"], let quantity = FixedDecimal(quantityText) else { throw .mandatory("quantity") }
        guard quantity.isPositive else { throw BinanceError(status: 400, code: -4003, message: "Quantity less than or equal to zero.") }
        let spec = try? ContractCatalog.builtIn.spec(venue: desk.market.venue.rawValue, symbol: symbol)
        if let spec, !quantity.isMultiple(of: spec.lotStep) {
            throw BinanceError(status: 400, code: -1111, message: "Precision is over the maximum defined for this asset.")
        }
        var price: FixedDecimal?
        var timeInForce = TimeInForce.goodTillCancel
        if kind == .limit {
            guard let priceText = parameters["price"], let value = FixedDecimal(priceText) else { throw .mandatory("price") }
            guard value.isPositive else { throw BinanceError(status: 400, code: -4001, message: "Price less than 0.") }
            if let spec, !value.isMultiple(of: spec.tickSize) {
                throw BinanceError(status: 400, code: -4014, message: "Price not increased by tick size.")
            }
            price = value
            guard let text = parameters["timeInForce"] else { throw .mandatory("timeInForce") }
            switch text {
            case "GTC": timeInForce = .goodTillCancel
            case "IOC": timeInForce = .immediateOrCancel
            case "FOK": timeInForce = .fillOrKill
            case "GTX": timeInForce = .postOnly
            default: throw BinanceError(status: 400, code: -1115, message: "Invalid timeInForce.")
            }
        } else if parameters["price"] != nil {
            throw BinanceError(status: 400, code: -1106, message: "Parameter 'price' sent when not required.")
        }
        let reduceOnly: Bool
        switch parameters["reduceOnly"] {
        case nil, "false": reduceOnly = false
        case "true": reduceOnly = true
        default: throw BinanceError(status: 400, code: -1130, message: "Data sent for parameter 'reduceOnly' is not valid.")
        }
        let clientID = parameters["newClientOrderId"].flatMap { $0.isEmpty ? nil : $0 }
        if let clientID, clientID.count > 36 || !clientID.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".:/_-".contains($0)) }) {
            throw BinanceError(status: 400, code: -4015, message: "Client order id is not valid.")
        }
        return OrderTicket(symbol: symbol, side: side, kind: kind, quantity: quantity, price: price,
                            timeInForce: timeInForce, reduceOnly: reduceOnly, clientID: clientID)
    }

    /// The venue's code for a refusal of the desk.
    static func error(for refusal: OrderRefusal, cancelling: Bool) -> BinanceError {
        switch refusal {
        case .unknownSymbol: BinanceError(status: 400, code: -1121, message: "Invalid symbol.")
        case .invalidQuantity: BinanceError(status: 400, code: -4003, message: "Quantity less than or equal to zero.")
        case .missingPrice: .mandatory("price")
        case .duplicateClientID: BinanceError(status: 400, code: -4116, message: "ClientOrderId is duplicated.")
        case .insufficientMargin: BinanceError(status: 400, code: -2019, message: "Margin is insufficient.")
        case .reduceOnlyRejected: BinanceError(status: 400, code: -2022, message: "ReduceOnly Order is rejected.")
        case .postOnlyWouldTake: BinanceError(status: 400, code: -5022, message: "Due to the order could not be executed as maker, the Post Only order will be rejected. The order will not be recorded in the order history")
        case .noBook: BinanceError(status: 503, code: -1008, message: "Server is currently overloaded with other requests. Please try again in a few minutes.")
        case .orderNotFound: cancelling
            ? BinanceError(status: 400, code: -2011, message: "Unknown order sent.")
            : BinanceError(status: 400, code: -2013, message: "Order does not exist.")
        }
    }

    static func status(_ status: OrderStatus) -> String {
        switch status {
        case .new: "NEW"
        case .partiallyFilled: "PARTIALLY_FILLED"
        case .filled: "FILLED"
        case .canceled: "CANCELED"
        case .expired: "EXPIRED"
        }
    }

    /// A time in force as Binance names it (post-only is futures' `GTX`).
    static func name(of timeInForce: TimeInForce) -> String {
        switch timeInForce {
        case .goodTillCancel: "GTC"
        case .immediateOrCancel: "IOC"
        case .fillOrKill: "FOK"
        case .postOnly: "GTX"
        }
    }

    /// The order as Binance prints it (`time` on queries only).
    func json(_ order: ExchangeOrder, withTime: Bool) -> String {
        let request = order.request
        let type = request.kind == .market ? "MARKET" : "LIMIT"
        let timeInForce = Self.name(of: request.timeInForce)
        let time = withTime ? #""time":\#(order.createdAt),"# : ""
        return #"{"orderId":\#(order.id),"symbol":"\#(request.symbol)","status":"\#(Self.status(order.status))","clientOrderId":"\#(order.clientID)","price":"\#(request.price ?? .zero)","avgPrice":"\#(order.averagePrice)","origQty":"\#(request.quantity)","executedQty":"\#(order.executed)","cumQty":"\#(order.executed)","cumQuote":"\#(order.executedQuote)","timeInForce":"\#(timeInForce)","type":"\#(type)","reduceOnly":\#(request.reduceOnly),"closePosition":false,"side":"\#(request.side == .buy ? "BUY" : "SELL")","positionSide":"BOTH","stopPrice":"0","workingType":"CONTRACT_PRICE","priceProtect":false,"origType":"\#(type)","priceMatch":"NONE","selfTradePreventionMode":"EXPIRE_MAKER","goodTillDate":0,\#(time)"updateTime":\#(order.updatedAt)}"#
    }
}
