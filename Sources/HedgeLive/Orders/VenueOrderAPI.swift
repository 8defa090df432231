import Foundation
import HedgeCore

/// One venue's order endpoints as pure functions: signed requests out, typed answers in. The
/// client (`LiveOrderClient`) does the sending, the clock and the gates.
protocol VenueOrderAPI: Sendable {
    var venue: LiveVenueKind { get }
    /// The unsigned request for the venue's server time.
    var timeRequest: VenueHTTPRequest { get }
    func serverTime(from response: VenueHTTPResponse) throws(LiveOrderFailure) -> Int64
    func place(_ order: LiveOrder, timestamp: Int64) throws(LiveOrderFailure) -> VenueHTTPRequest
    func cancel(symbol: String, clientOrderID: OrderID, timestamp: Int64) throws(LiveOrderFailure) -> VenueHTTPRequest
    func query(symbol: String, clientOrderID: OrderID, timestamp: Int64) throws(LiveOrderFailure) -> VenueHTTPRequest
    /// The order's state from an answer to place, cancel or query; a refusal throws `.rejected`.
    func orderState(from response: VenueHTTPResponse, clientOrderID: OrderID) throws(LiveOrderFailure) -> LiveOrderState
    /// Bybit's `retCode` when the body has one (its refusals come with HTTP 200).
    func venueCode(of response: VenueHTTPResponse) -> Int?

    // Account reads for reconciliation (Binance USD-M and Bybit linear).
    func openOrdersRequest(symbol: String, timestamp: Int64) throws(LiveOrderFailure) -> VenueHTTPRequest
    /// Open orders from their listing, or the one order of a query by venue id.
    func openOrders(from response: VenueHTTPResponse) throws(LiveOrderFailure) -> [VenueOpenOrder]
    func orderRequest(symbol: String, venueOrderID: String, timestamp: Int64) throws(LiveOrderFailure) -> VenueHTTPRequest
    func positionsRequest(symbol: String, timestamp: Int64) throws(LiveOrderFailure) -> VenueHTTPRequest
    func positions(from response: VenueHTTPResponse) throws(LiveOrderFailure) -> [VenuePosition]
    func balancesRequest(timestamp: Int64) -> VenueHTTPRequest
    func balances(from response: VenueHTTPResponse) throws(LiveOrderFailure) -> [VenueBalance]
    func tradesRequest(symbol: String, page: TradePage, timestamp: Int64) throws(LiveOrderFailure) -> VenueHTTPRequest
    /// The page's fills and the page after it (nil: the window is done).
    func trades(from response: VenueHTTPResponse, page: TradePage) throws(LiveOrderFailure) -> (fills: [VenueFill], next: TradePage?)
}

/// Reading answers: JSON objects whose numbers come as strings, read as exact decimals.
enum VenueJSON {
    static func object(_ body: [UInt8], venue: LiveVenueKind) throws(LiveOrderFailure) -> [String: Any] {
        guard let value = try? JSONSerialization.jsonObject(with: Data(body)), let object = value as? [String: Any] else {
            throw .malformedAnswer("\(venue.rawValue): not a JSON object: \(String(decoding: body.prefix(200), as: UTF8.self))")
        }
        return object
    }

    static func decimal(_ object: [String: Any], _ key: String, venue: LiveVenueKind) throws(LiveOrderFailure) -> FixedDecimal {
        guard let text = string(object, key), let value = FixedDecimal(text) else {
            throw .malformedAnswer("\(venue.rawValue): \(key) missing or not a decimal")
        }
        return value
    }

    /// A string field, or a number field as its text (Binance's `orderId` is a number).
    static func string(_ object: [String: Any], _ key: String) -> String? {
        switch object[key] {
        case let text as String: text
        case let number as Int: String(number)
        case let number as Int64: String(number)
        case let number as NSNumber: number.stringValue
        default: nil
        }
    }

    static func side(_ object: [String: Any], _ key: String, venue: LiveVenueKind) throws(LiveOrderFailure) -> Side {
        switch string(object, key)?.lowercased() {
        case "buy": .buy
        case "sell": .sell
        default: throw .malformedAnswer("\(venue.rawValue): \(key) is neither buy nor sell")
        }
    }

    static func array(_ body: [UInt8], venue: LiveVenueKind) throws(LiveOrderFailure) -> [[String: Any]] {
        guard let value = try? JSONSerialization.jsonObject(with: Data(body)), let array = value as? [[String: Any]] else {
            throw .malformedAnswer("\(venue.rawValue): not a JSON array of objects: \(String(decoding: body.prefix(200), as: UTF8.self))")
        }
        return array
    }

    static func integer(_ object: [String: Any], _ key: String) -> Int64? {
        string(object, key).flatMap { Int64($0) }
    }
}

/// What a client order id and a symbol may contain on both venues: letters, digits, `-` and
/// `_` (Bybit's `orderLinkId` rule, inside Binance's), at most 36 characters.
enum OrderText {
    static func checkClientOrderID(_ id: OrderID) throws(LiveOrderFailure) {
        let text = id.rawValue
        guard (1...36).contains(text.utf8.count), text.utf8.allSatisfy(isIDByte) else {
            throw .invalidOrder("client order id \(text) must be 1 to 36 letters, digits, '-' or '_'")
        }
    }

    static func checkSymbol(_ symbol: String) throws(LiveOrderFailure) {
        guard !symbol.isEmpty, symbol.utf8.count <= 40, symbol.utf8.allSatisfy(isIDByte) else {
            throw .invalidOrder("symbol \(symbol) has characters no venue uses")
        }
    }

    static func checkQuantity(_ quantity: FixedDecimal) throws(LiveOrderFailure) {
        guard quantity.isPositive else { throw .invalidOrder("quantity \(quantity) must be positive") }
    }

    private static func isIDByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"): true
        default: false
        }
    }
}
