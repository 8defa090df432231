import Foundation
import HedgeCore

/// Bybit v5's account reads (linear): `GET /v5/order/realtime` (open orders of a symbol, or one
/// by orderId), `/v5/position/list`, `/v5/account/wallet-balance` (UNIFIED), `/v5/execution/list`.
extension BybitOrderAPI {
    /// execution/list answers at most this many a page.
    static let tradesPageSize = 100

    private func checkLinear() throws(LiveOrderFailure) {
        guard venue == .bybitLinear else { throw .invalidOrder("account reads are built for Bybit linear only, not \(venue.rawValue)") }
    }

    private func signedGet(_ path: String, _ query: String, timestamp: Int64) -> VenueHTTPRequest {
        let headers = Dictionary(signer.headers(timestampMillis: timestamp, recvWindowMillis: recvWindowMillis, payload: query).map { ($0.name, $0.value) },
                                 uniquingKeysWith: { $1 })
        return VenueHTTPRequest(method: .get, path: path, query: query, headers: headers)
    }

    /// The envelope's `result`, or the refusal its retCode says.
    private func result(_ response: VenueHTTPResponse) throws(LiveOrderFailure) -> [String: Any] {
        guard response.status == 200 else {
            throw .rejected(VenueRejection(venue: venue, httpStatus: response.status, code: venueCode(of: response) ?? 0,
                                           message: "HTTP \(response.status): \(String(decoding: response.body.prefix(200), as: UTF8.self))"))
        }
        let object = try VenueJSON.object(response.body, venue: venue)
        guard let code = VenueJSON.integer(object, "retCode") else { throw .malformedAnswer("\(venue.rawValue): no retCode") }
        guard code == 0 else {
            throw .rejected(VenueRejection(venue: venue, httpStatus: 200, code: Int(code), message: VenueJSON.string(object, "retMsg") ?? ""))
        }
        guard let result = object["result"] as? [String: Any] else { throw .malformedAnswer("\(venue.rawValue): no result") }
        return result
    }

    private func list(_ result: [String: Any]) throws(LiveOrderFailure) -> [[String: Any]] {
        guard let list = result["list"] as? [[String: Any]] else { throw .malformedAnswer("\(venue.rawValue): result without list") }
        return list
    }

    func openOrdersRequest(symbol: String, timestamp: Int64) throws(LiveOrderFailure) -> VenueHTTPRequest {
        try checkLinear()
        try OrderText.checkSymbol(symbol)
        return signedGet("/v5/order/realtime", "category=linear&symbol=\(symbol)", timestamp: timestamp)
    }

    func orderRequest(symbol: String, venueOrderID: String, timestamp: Int64) throws(LiveOrderFailure) -> VenueHTTPRequest {
        try checkLinear()
        try OrderText.checkSymbol(symbol)
        guard venueOrderID.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }) else {
            throw .invalidOrder("Bybit order id \(venueOrderID) is not a UUID")
        }
        return signedGet("/v5/order/realtime", "category=linear&symbol=\(symbol)&orderId=\(venueOrderID)", timestamp: timestamp)
    }

    func openOrders(from response: VenueHTTPResponse) throws(LiveOrderFailure) -> [VenueOpenOrder] {
        var orders: [VenueOpenOrder] = []
        for order in try list(try result(response)) {
            guard let venueOrderID = VenueJSON.string(order, "orderId"), let symbol = VenueJSON.string(order, "symbol"),
                  let statusText = VenueJSON.string(order, "orderStatus") else {
                throw .malformedAnswer("\(venue.rawValue): order without orderId, symbol or orderStatus")
            }
            guard let status = Self.status(statusText) else { throw .malformedAnswer("\(venue.rawValue): unknown orderStatus \(statusText)") }
            let executed = try VenueJSON.decimal(order, "cumExecQty", venue: venue)
            let average = executed.isPositive ? try VenueJSON.decimal(order, "avgPrice", venue: venue) : nil
            let price = VenueJSON.string(order, "price").flatMap(FixedDecimal.init)
            let state = LiveOrderState(clientOrderID: OrderID(VenueJSON.string(order, "orderLinkId") ?? ""), venueOrderID: venueOrderID,
                                       status: status, executedQuantity: executed, averagePrice: average)
            orders.append(VenueOpenOrder(symbol: symbol, side: try VenueJSON.side(order, "side", venue: venue),
                                         quantity: try VenueJSON.decimal(order, "qty", venue: venue),
                                         price: price.flatMap { $0.isZero ? nil : $0 }, state: state))
        }
        return orders
    }

    func positionsRequest(symbol: String, timestamp: Int64) throws(LiveOrderFailure) -> VenueHTTPRequest {
        try checkLinear()
        try OrderText.checkSymbol(symbol)
        return signedGet("/v5/position/list", "category=linear&symbol=\(symbol)", timestamp: timestamp)
    }

    /// `size` is unsigned; `side` Sell makes it short, an empty side is no position.
    func positions(from response: VenueHTTPResponse) throws(LiveOrderFailure) -> [VenuePosition] {
        var positions: [VenuePosition] = []
        for object in try list(try result(response)) {
            guard let symbol = VenueJSON.string(object, "symbol") else { throw .malformedAnswer("\(venue.rawValue): position without symbol") }
            let size = try VenueJSON.decimal(object, "size", venue: venue)
            guard !size.isZero else { continue }
            let short = VenueJSON.string(object, "side") == "Sell"
            positions.append(VenuePosition(symbol: symbol, quantity: short ? size.negated : size,
                                           entryPrice: try VenueJSON.decimal(object, "avgPrice", venue: venue)))
        }
        return positions
    }

    func balancesRequest(timestamp: Int64) -> VenueHTTPRequest {
        signedGet("/v5/account/wallet-balance", "accountType=UNIFIED", timestamp: timestamp)
    }

    func balances(from response: VenueHTTPResponse) throws(LiveOrderFailure) -> [VenueBalance] {
        var balances: [VenueBalance] = []
        for account in try list(try result(response)) {
            for coin in account["coin"] as? [[String: Any]] ?? [] {
                guard let asset = VenueJSON.string(coin, "coin") else { throw .malformedAnswer("\(venue.rawValue): balance without coin") }
                let wallet = try VenueJSON.decimal(coin, "walletBalance", venue: venue)
                // availableToWithdraw is empty on some unified accounts: then the wallet is all we know.
                let available = VenueJSON.string(coin, "availableToWithdraw").flatMap(FixedDecimal.init) ?? wallet
                balances.append(VenueBalance(asset: asset, wallet: wallet, available: available))
            }
        }
        return balances
    }

    func tradesRequest(symbol: String, page: TradePage, timestamp: Int64) throws(LiveOrderFailure) -> VenueHTTPRequest {
        try checkLinear()
        try OrderText.checkSymbol(symbol)
        var query = "category=linear&symbol=\(symbol)&startTime=\(page.startTime)&endTime=\(page.endTime)&limit=\(Self.tradesPageSize)"
        if let cursor = page.cursor {
            // Bybit's cursors come percent-encoded already; anything else is encoded here.
            let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_.~%"))
            query += "&cursor=" + (cursor.addingPercentEncoding(withAllowedCharacters: allowed) ?? cursor)
        }
        return signedGet("/v5/execution/list", query, timestamp: timestamp)
    }

    /// Trades only (execType Trade, and the venue's own AdlTrade and BustTrade, which move the
    /// position too); funding and settlement entries are not fills.
    func trades(from response: VenueHTTPResponse, page: TradePage) throws(LiveOrderFailure) -> (fills: [VenueFill], next: TradePage?) {
        let result = try result(response)
        var fills: [VenueFill] = []
        for object in try list(result) {
            guard ["Trade", "AdlTrade", "BustTrade"].contains(VenueJSON.string(object, "execType") ?? "Trade") else { continue }
            guard let id = VenueJSON.string(object, "execId"), let orderID = VenueJSON.string(object, "orderId"),
                  let symbol = VenueJSON.string(object, "symbol"), let time = VenueJSON.integer(object, "execTime") else {
                throw .malformedAnswer("\(venue.rawValue): execution without execId, orderId, symbol or execTime")
            }
            let link = VenueJSON.string(object, "orderLinkId") ?? ""
            fills.append(VenueFill(tradeID: id, symbol: symbol, venueOrderID: orderID, clientOrderID: link.isEmpty ? nil : OrderID(link),
                                   side: try VenueJSON.side(object, "side", venue: venue),
                                   price: try VenueJSON.decimal(object, "execPrice", venue: venue),
                                   quantity: try VenueJSON.decimal(object, "execQty", venue: venue),
                                   fee: try VenueJSON.decimal(object, "execFee", venue: venue),
                                   feeAsset: VenueJSON.string(object, "feeCurrency") ?? "",
                                   isMaker: object["isMaker"] as? Bool ?? false, time: time))
        }
        guard let cursor = VenueJSON.string(result, "nextPageCursor"), !cursor.isEmpty, cursor != page.cursor else { return (fills, nil) }
        return (fills, TradePage(startTime: page.startTime, endTime: page.endTime, cursor: cursor))
    }
}
