/// A venue's refusal of a request, with its own code and message; the codes hedgetop acts on are
/// named in `reason`.
public struct VenueRejection: Error, Sendable, Hashable, CustomStringConvertible {
    public var venue: LiveVenueKind
    public var httpStatus: Int
    public var code: Int
    public var message: String

    public init(venue: LiveVenueKind, httpStatus: Int, code: Int, message: String) {
        self.venue = venue
        self.httpStatus = httpStatus
        self.code = code
        self.message = message
    }

    /// The refusals hedgetop tells apart.
    public enum Reason: String, Sendable, Hashable {
        /// The signature does not match (wrong secret, or a payload changed after signing).
        case badSignature
        /// `timestamp` outside `recvWindow` of the server's time: measure the offset again.
        case timestampOutsideWindow
        /// Unknown key, or a key without this permission or IP.
        case badKey
        /// Not enough margin or balance for the order.
        case insufficientFunds
        case invalidSymbol
        /// No order with that id (never arrived, or long gone).
        case noSuchOrder
        /// Too many requests: the venue wants us to slow down.
        case rateLimited
        /// The venue's own backend timed out: the order may or may not have been executed
        /// (Binance -1006/-1007; HTTP 408 and 5xx, which Binance says never to take for a
        /// failure, except the 503s that say the request was not processed).
        case executionUnknown
    }

    /// An HTTP status whose request may have been executed all the same.
    private var statusLeavesExecutionUnknown: Bool {
        guard httpStatus == 408 || httpStatus >= 500 else { return false }
        let text = message.lowercased()
        return !(httpStatus == 503 && (text.contains("service unavailable") || text.contains("unable to process your request")))
    }

    /// The named reason of this code, if hedgetop knows it.
    public var reason: Reason? {
        if statusLeavesExecutionUnknown { return .executionUnknown }
        if venue.isBinance {
            return switch code {
            case -1022: .badSignature
            case -1021: .timestampOutsideWindow
            case -2015, -2014, -2008: .badKey
            case -2019, -2018: .insufficientFunds
            // -2010 is any refusal of a new spot order; only the balance one is named.
            case -2010 where message.lowercased().contains("insufficient"): .insufficientFunds
            case -1121: .invalidSymbol
            case -2013: .noSuchOrder
            case -2011 where message.lowercased().contains("unknown order"): .noSuchOrder
            case -1003: .rateLimited
            case -1006, -1007: .executionUnknown
            default: nil
            }
        } else {
            return switch code {
            case 10004: .badSignature
            case 10002: .timestampOutsideWindow
            case 10003, 10005, 10010, 33004: .badKey
            // 11000x: derivatives; 170131: spot.
            case 110007, 110004, 110012, 110045, 170131: .insufficientFunds
            case 10001 where message.lowercased().contains("symbol"): .invalidSymbol
            case 110001, 170213: .noSuchOrder
            case 10006, 10018: .rateLimited
            default: nil
            }
        }
    }

    public var description: String {
        "\(venue.rawValue) refused (code \(code)\(reason.map { ", \($0.rawValue)" } ?? "")): \(message)"
    }
}
