import HedgeCore

/// Binance USD-M's account reads: `GET /fapi/v1/openOrders`, `/fapi/v1/order` by orderId,
/// `/fapi/v3/positionRisk`, `/fapi/v3/balance`, `/fapi/v1/userTrades`. userTrades carries no
/// client order id: `LiveOrderClient.accountState` finds it from the open orders, the ids the
/// caller knows, or a query of the order by its orderId.
extension BinanceOrderAPI {
    /// userTrades answers at most this many a page.
    static let tradesPageSize = 1000

    private func checkUSDM() throws(LiveOrderFailure) {
        guard venue == .binanceUSDM else { throw .invalidOrder("account reads are built for Binance USD-M only, not \(venue.rawValue)") }
    }

    private func signedGet(_ path: String, _ parameters: [(name: String, value: String)], timestamp: Int64) -> VenueHTTPRequest {
        VenueHTTPRequest(method: .get, path: path,
                         query: signer.signedQuery(parameters, timestampMillis: timestamp, recvWindowMillis: recvWindowMillis),
                         headers: [BinanceSigner.apiKeyHeader: signer.credentials.apiKey])
    }

    private func body(_ response: VenueHTTPResponse) throws(LiveOrderFailure) -> [UInt8] {
        guard response.status == 200 else { throw .rejected(rejection(response)) }
        return response.body
    }

    func openOrdersRequest(symbol: String, timestamp: Int64) throws(LiveOrderFailure) -> VenueHTTPRequest {
        try checkUSDM()
        try OrderText.checkSymbol(symbol)
        return signedGet("/fapi/v1/openOrders", [("symbol", symbol)], timestamp: timestamp)
    }

    func orderRequest(symbol: String, venueOrderID: String, timestamp: Int64) throws(LiveOrderFailure) -> VenueHTTPRequest {
        try checkUSDM()
        try OrderText.checkSymbol(symbol)
        guard Int64(venueOrderID) != nil else { throw .invalidOrder("Binance order id \(venueOrderID) is not a number") }
        return signedGet("/fapi/v1/order", [("symbol", symbol), ("orderId", venueOrderID)], timestamp: timestamp)
    }

    func openOrders(from response: VenueHTTPResponse) throws(LiveOrderFailure) -> [VenueOpenOrder] {
        let body = try body(response)
        // The listing is an array; a query by id answers one object.
        let objects = body.first == UInt8(ascii: "[") ? try VenueJSON.array(body, venue: venue) : [try VenueJSON.object(body, venue: venue)]
        var orders: [VenueOpenOrder] = []
        for object in objects {
            guard let clientText = VenueJSON.string(object, "clientOrderId"), let symbol = VenueJSON.string(object, "symbol") else {
                throw .malformedAnswer("\(venue.rawValue): order without clientOrderId or symbol")
            }
            let clientOrderID = OrderID(clientText)
            let state = try orderState(of: object, clientOrderID: clientOrderID)
            let price = try VenueJSON.decimal(object, "price", venue: venue)
            orders.append(VenueOpenOrder(symbol: symbol, side: try VenueJSON.side(object, "side", venue: venue),
                                         quantity: try VenueJSON.decimal(object, "origQty", venue: venue),
                                         price: price.isZero ? nil : price, state: state))
        }
        return orders
    }

    func positionsRequest(symbol: String, timestamp: Int64) throws(LiveOrderFailure) -> VenueHTTPRequest {
        try checkUSDM()
        try OrderText.checkSymbol(symbol)
        return signedGet("/fapi/v3/positionRisk", [("symbol", symbol)], timestamp: timestamp)
    }

    /// One-way mode's `BOTH` entries; a zero `positionAmt` is no position.
    func positions(from response: VenueHTTPResponse) throws(LiveOrderFailure) -> [VenuePosition] {
        var positions: [VenuePosition] = []
        for object in try VenueJSON.array(try body(response), venue: venue) {
            guard let symbol = VenueJSON.string(object, "symbol") else { throw .malformedAnswer("\(venue.rawValue): position without symbol") }
            let quantity = try VenueJSON.decimal(object, "positionAmt", venue: venue)
            guard !quantity.isZero else { continue }
            positions.append(VenuePosition(symbol: symbol, quantity: quantity, entryPrice: try VenueJSON.decimal(object, "entryPrice", venue: venue)))
        }
        return positions
    }

    func balancesRequest(timestamp: Int64) -> VenueHTTPRequest {
        signedGet("/fapi/v3/balance", [], timestamp: timestamp)
    }

    func balances(from response: VenueHTTPResponse) throws(LiveOrderFailure) -> [VenueBalance] {
        var balances: [VenueBalance] = []
        for object in try VenueJSON.array(try body(response), venue: venue) {
            guard let asset = VenueJSON.string(object, "asset") else { throw .malformedAnswer("\(venue.rawValue): balance without asset") }
            balances.append(VenueBalance(asset: asset, wallet: try VenueJSON.decimal(object, "balance", venue: venue),
                                         available: try VenueJSON.decimal(object, "availableBalance", venue: venue)))
        }
        return balances
    }

    /// A window by startTime and endTime; a full page goes on by `fromId` (which Binance takes
    /// without times), its trades past the window's end left for the next window.
    func tradesRequest(symbol: String, page: TradePage, timestamp: Int64) throws(LiveOrderFailure) -> VenueHTTPRequest {
        try checkUSDM()
        try OrderText.checkSymbol(symbol)
        var parameters: [(name: String, value: String)] = [("symbol", symbol)]
        if let fromID = page.cursor {
            parameters.append(("fromId", fromID))
        } else {
            parameters += [("startTime", String(page.startTime)), ("endTime", String(page.endTime))]
        }
        parameters.append(("limit", String(Self.tradesPageSize)))
        return signedGet("/fapi/v1/userTrades", parameters, timestamp: timestamp)
    }

    func trades(from response: VenueHTTPResponse, page: TradePage) throws(LiveOrderFailure) -> (fills: [VenueFill], next: TradePage?) {
        let objects = try VenueJSON.array(try body(response), venue: venue)
        var fills: [VenueFill] = []
        var lastID: Int64?
        for object in objects {
            guard let id = VenueJSON.integer(object, "id"), let orderID = VenueJSON.string(object, "orderId"),
                  let symbol = VenueJSON.string(object, "symbol"), let time = VenueJSON.integer(object, "time") else {
                throw .malformedAnswer("\(venue.rawValue): trade without id, orderId, symbol or time")
            }
            lastID = max(lastID ?? id, id)
            guard time <= page.endTime else { continue }
            fills.append(VenueFill(tradeID: String(id), symbol: symbol, venueOrderID: orderID, clientOrderID: nil,
                                   side: try VenueJSON.side(object, "side", venue: venue),
                                   price: try VenueJSON.decimal(object, "price", venue: venue),
                                   quantity: try VenueJSON.decimal(object, "qty", venue: venue),
                                   fee: try VenueJSON.decimal(object, "commission", venue: venue),
                                   feeAsset: VenueJSON.string(object, "commissionAsset") ?? "",
                                   isMaker: object["maker"] as? Bool ?? false, time: time))
        }
        // A full page, all inside the window: there may be more.
        guard objects.count >= Self.tradesPageSize, fills.count == objects.count, let lastID else { return (fills, nil) }
        return (fills, TradePage(startTime: page.startTime, endTime: page.endTime, cursor: String(lastID + 1)))
    }
}
