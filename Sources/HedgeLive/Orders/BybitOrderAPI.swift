import HedgeCore

/// Bybit v5's order endpoints: `POST /v5/order/create` and `/v5/order/cancel` with a JSON body,
/// `GET /v5/order/realtime` with a query string; the signed payload is that body or query
/// exactly as sent. Refusals come with HTTP 200 and a non-zero `retCode`.
struct BybitOrderAPI: VenueOrderAPI {
    let venue: LiveVenueKind
    let signer: BybitSigner
    let recvWindowMillis: Int

    private var category: String { venue == .bybitSpot ? "spot" : "linear" }

    var timeRequest: VenueHTTPRequest { VenueHTTPRequest(method: .get, path: "/v5/market/time") }

    func serverTime(from response: VenueHTTPResponse) throws(LiveOrderFailure) -> Int64 {
        let object = try VenueJSON.object(response.body, venue: venue)
        // The endpoint's own answer is result.timeNano; the envelope's `time` is the fallback.
        let nanos = (object["result"] as? [String: Any]).flatMap { VenueJSON.integer($0, "timeNano") }
        guard response.status == 200, let time = nanos.map({ $0 / 1_000_000 }) ?? VenueJSON.integer(object, "time") else {
            throw .malformedAnswer("\(venue.rawValue): no time in the server time answer (HTTP \(response.status))")
        }
        return time
    }

    func place(_ order: LiveOrder, timestamp: Int64) throws(LiveOrderFailure) -> VenueHTTPRequest {
        try OrderText.checkClientOrderID(order.clientOrderID)
        try OrderText.checkSymbol(order.symbol)
        try OrderText.checkQuantity(order.quantity)
        var fields: [(String, String)] = [("category", quoted(category)), ("symbol", quoted(order.symbol)),
                                          ("side", quoted(order.side == .buy ? "Buy" : "Sell"))]
        switch order.kind {
        case .market:
            fields.append(("orderType", quoted("Market")))
        case .limit(let price, let timeInForce):
            guard price.isPositive else { throw .invalidOrder("limit price \(price) must be positive") }
            let code = switch timeInForce {
            case .ioc: "IOC"
            case .gtc: "GTC"
            case .postOnly: "PostOnly"
            }
            fields += [("orderType", quoted("Limit")), ("price", quoted(price.description)), ("timeInForce", quoted(code))]
        }
        fields.append(("qty", quoted(order.quantity.description)))
        if venue == .bybitSpot, order.kind == .market {
            // A spot market order's qty is in the quote coin unless told otherwise.
            fields.append(("marketUnit", quoted("baseCoin")))
        }
        if order.reduceOnly {
            guard venue != .bybitSpot else { throw .invalidOrder("reduce-only does not exist on Bybit spot") }
            fields.append(("reduceOnly", "true"))
        }
        fields.append(("orderLinkId", quoted(order.clientOrderID.rawValue)))
        return post("/v5/order/create", fields, timestamp: timestamp)
    }

    func cancel(symbol: String, clientOrderID: OrderID, timestamp: Int64) throws(LiveOrderFailure) -> VenueHTTPRequest {
        try OrderText.checkSymbol(symbol)
        try OrderText.checkClientOrderID(clientOrderID)
        return post("/v5/order/cancel", [("category", quoted(category)), ("symbol", quoted(symbol)), ("orderLinkId", quoted(clientOrderID.rawValue))],
                    timestamp: timestamp)
    }

    func query(symbol: String, clientOrderID: OrderID, timestamp: Int64) throws(LiveOrderFailure) -> VenueHTTPRequest {
        try OrderText.checkSymbol(symbol)
        try OrderText.checkClientOrderID(clientOrderID)
        let query = "category=\(category)&symbol=\(symbol)&orderLinkId=\(clientOrderID.rawValue)"
        return VenueHTTPRequest(method: .get, path: "/v5/order/realtime", query: query,
                                headers: headers(timestamp: timestamp, payload: query))
    }

    /// The body's fields in a fixed order, values already JSON (the checks above keep strings
    /// free of quotes and backslashes).
    private func post(_ path: String, _ fields: [(String, String)], timestamp: Int64) -> VenueHTTPRequest {
        let body = "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
        return VenueHTTPRequest(method: .post, path: path, headers: headers(timestamp: timestamp, payload: body), body: body)
    }

    private func headers(timestamp: Int64, payload: String) -> [String: String] {
        Dictionary(signer.headers(timestampMillis: timestamp, recvWindowMillis: recvWindowMillis, payload: payload).map { ($0.name, $0.value) },
                   uniquingKeysWith: { $1 })
    }

    private func quoted(_ text: String) -> String { "\"" + text + "\"" }

    func venueCode(of response: VenueHTTPResponse) -> Int? {
        guard let object = try? VenueJSON.object(response.body, venue: venue), let code = VenueJSON.integer(object, "retCode"), code != 0 else { return nil }
        return Int(code)
    }

    func orderState(from response: VenueHTTPResponse, clientOrderID: OrderID) throws(LiveOrderFailure) -> LiveOrderState {
        guard response.status == 200 else {
            throw .rejected(VenueRejection(venue: venue, httpStatus: response.status, code: 0,
                                           message: "HTTP \(response.status): \(String(decoding: response.body.prefix(200), as: UTF8.self))"))
        }
        let object = try VenueJSON.object(response.body, venue: venue)
        guard let code = VenueJSON.integer(object, "retCode") else { throw .malformedAnswer("\(venue.rawValue): no retCode") }
        guard code == 0 else {
            throw .rejected(VenueRejection(venue: venue, httpStatus: response.status, code: Int(code), message: VenueJSON.string(object, "retMsg") ?? ""))
        }
        guard let result = object["result"] as? [String: Any] else { throw .malformedAnswer("\(venue.rawValue): no result") }
        guard let list = result["list"] as? [[String: Any]] else {
            // create and cancel answer with ids only.
            guard let venueOrderID = VenueJSON.string(result, "orderId") else { throw .malformedAnswer("\(venue.rawValue): no orderId") }
            return LiveOrderState(clientOrderID: clientOrderID, venueOrderID: venueOrderID, status: .acknowledged, executedQuantity: .zero, averagePrice: nil)
        }
        guard let order = list.first(where: { VenueJSON.string($0, "orderLinkId") == clientOrderID.rawValue }) else {
            // The realtime query answers an unknown orderLinkId with an empty list.
            throw .rejected(VenueRejection(venue: venue, httpStatus: 200, code: 110001, message: "no order with orderLinkId \(clientOrderID)"))
        }
        guard let venueOrderID = VenueJSON.string(order, "orderId"), let statusText = VenueJSON.string(order, "orderStatus") else {
            throw .malformedAnswer("\(venue.rawValue): order without orderId or orderStatus")
        }
        guard let status = Self.status(statusText) else { throw .malformedAnswer("\(venue.rawValue): unknown orderStatus \(statusText)") }
        let executed = try VenueJSON.decimal(order, "cumExecQty", venue: venue)
        var average: FixedDecimal?
        if executed.isPositive { average = try VenueJSON.decimal(order, "avgPrice", venue: venue) }
        return LiveOrderState(clientOrderID: clientOrderID, venueOrderID: venueOrderID, status: status, executedQuantity: executed, averagePrice: average)
    }

    static func status(_ text: String) -> LiveOrderStatus? {
        switch text {
        case "New", "Untriggered", "Triggered": .new
        case "PartiallyFilled": .partiallyFilled
        case "Filled": .filled
        case "Cancelled", "PartiallyFilledCanceled", "Deactivated": .canceled
        case "Rejected": .rejected
        default: nil
        }
    }
}
