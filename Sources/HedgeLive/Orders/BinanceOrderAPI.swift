import HedgeCore

/// Binance's order endpoints: USD-M `/fapi/v1/order`, COIN-M `/dapi/v1/order`, spot
/// `/api/v3/order`. Every parameter goes in the signed query string (Binance takes it for POST
/// and DELETE too), so the signed text is exactly what is sent.
struct BinanceOrderAPI: VenueOrderAPI {
    let venue: LiveVenueKind
    let signer: BinanceSigner
    let recvWindowMillis: Int

    private var isSpot: Bool { venue == .binanceSpot }
    private var orderPath: String { venue.binanceRESTPrefix + "/order" }

    var timeRequest: VenueHTTPRequest { VenueHTTPRequest(method: .get, path: venue.binanceRESTPrefix + "/time") }

    func serverTime(from response: VenueHTTPResponse) throws(LiveOrderFailure) -> Int64 {
        let object = try VenueJSON.object(response.body, venue: venue)
        guard response.status == 200, let time = VenueJSON.integer(object, "serverTime") else {
            throw .malformedAnswer("\(venue.rawValue): no serverTime in the time answer (HTTP \(response.status))")
        }
        return time
    }

    func place(_ order: LiveOrder, timestamp: Int64) throws(LiveOrderFailure) -> VenueHTTPRequest {
        try OrderText.checkClientOrderID(order.clientOrderID)
        try OrderText.checkSymbol(order.symbol)
        try OrderText.checkQuantity(order.quantity)
        var parameters: [(name: String, value: String)] = [("symbol", order.symbol), ("side", order.side == .buy ? "BUY" : "SELL")]
        switch order.kind {
        case .market:
            parameters.append(("type", "MARKET"))
        case .limit(let price, .postOnly) where isSpot:
            parameters += [("type", "LIMIT_MAKER"), ("price", price.description)]
        case .limit(let price, let timeInForce):
            let code = switch timeInForce {
            case .ioc: "IOC"
            case .gtc: "GTC"
            case .postOnly: "GTX"
            }
            parameters += [("type", "LIMIT"), ("timeInForce", code), ("price", price.description)]
        }
        if case .limit(let price, _) = order.kind, !price.isPositive {
            throw .invalidOrder("limit price \(price) must be positive")
        }
        parameters.append(("quantity", order.quantity.description))
        if order.reduceOnly {
            guard !isSpot else { throw .invalidOrder("reduce-only does not exist on Binance spot") }
            parameters.append(("reduceOnly", "true"))
        }
        parameters += [("newClientOrderId", order.clientOrderID.rawValue), ("newOrderRespType", "RESULT")]
        return signed(.post, parameters, timestamp: timestamp)
    }

    func cancel(symbol: String, clientOrderID: OrderID, timestamp: Int64) throws(LiveOrderFailure) -> VenueHTTPRequest {
        try OrderText.checkSymbol(symbol)
        try OrderText.checkClientOrderID(clientOrderID)
        return signed(.delete, [("symbol", symbol), ("origClientOrderId", clientOrderID.rawValue)], timestamp: timestamp)
    }

    func query(symbol: String, clientOrderID: OrderID, timestamp: Int64) throws(LiveOrderFailure) -> VenueHTTPRequest {
        try OrderText.checkSymbol(symbol)
        try OrderText.checkClientOrderID(clientOrderID)
        return signed(.get, [("symbol", symbol), ("origClientOrderId", clientOrderID.rawValue)], timestamp: timestamp)
    }

    private func signed(_ method: VenueHTTPRequest.Method, _ parameters: [(name: String, value: String)], timestamp: Int64) -> VenueHTTPRequest {
        VenueHTTPRequest(method: method, path: orderPath,
                         query: signer.signedQuery(parameters, timestampMillis: timestamp, recvWindowMillis: recvWindowMillis),
                         headers: [BinanceSigner.apiKeyHeader: signer.credentials.apiKey])
    }

    func venueCode(of response: VenueHTTPResponse) -> Int? {
        guard response.status != 200, let object = try? VenueJSON.object(response.body, venue: venue) else { return nil }
        return VenueJSON.integer(object, "code").map { Int($0) }
    }

    func orderState(from response: VenueHTTPResponse, clientOrderID: OrderID) throws(LiveOrderFailure) -> LiveOrderState {
        guard response.status == 200 else { throw .rejected(rejection(response)) }
        return try orderState(of: try VenueJSON.object(response.body, venue: venue), clientOrderID: clientOrderID)
    }

    /// One order object of an answer (alone, or an element of a listing).
    func orderState(of object: [String: Any], clientOrderID: OrderID) throws(LiveOrderFailure) -> LiveOrderState {
        guard let venueOrderID = VenueJSON.string(object, "orderId"), let statusText = VenueJSON.string(object, "status") else {
            throw .malformedAnswer("\(venue.rawValue): order answer without orderId or status")
        }
        guard let status = Self.status(statusText) else {
            throw .malformedAnswer("\(venue.rawValue): unknown order status \(statusText)")
        }
        let executed = try VenueJSON.decimal(object, "executedQty", venue: venue)
        var average: FixedDecimal?
        if executed.isPositive {
            if isSpot {
                // Spot gives the quote spent, not the average: quote ÷ quantity, to 8 places.
                let quote = try VenueJSON.decimal(object, "cummulativeQuoteQty", venue: venue)
                do { average = try quote.divided(by: executed) } catch { throw .malformedAnswer("\(venue.rawValue): \(error)") }
            } else {
                average = try VenueJSON.decimal(object, "avgPrice", venue: venue)
            }
        }
        return LiveOrderState(clientOrderID: clientOrderID, venueOrderID: venueOrderID, status: status, executedQuantity: executed, averagePrice: average)
    }

    /// `{"code":-2019,"msg":"Margin is insufficient."}`; a body without one keeps the HTTP status.
    func rejection(_ response: VenueHTTPResponse) -> VenueRejection {
        if let object = try? VenueJSON.object(response.body, venue: venue), let code = VenueJSON.integer(object, "code") {
            return VenueRejection(venue: venue, httpStatus: response.status, code: Int(code), message: VenueJSON.string(object, "msg") ?? "")
        }
        return VenueRejection(venue: venue, httpStatus: response.status, code: 0,
                              message: "HTTP \(response.status): \(String(decoding: response.body.prefix(200), as: UTF8.self))")
    }

    static func status(_ text: String) -> LiveOrderStatus? {
        switch text {
        case "NEW", "PENDING_NEW": .new
        case "PARTIALLY_FILLED": .partiallyFilled
        case "FILLED": .filled
        case "CANCELED", "PENDING_CANCEL": .canceled
        case "REJECTED": .rejected
        case "EXPIRED", "EXPIRED_IN_MATCH": .expired
        default: nil
        }
    }
}
