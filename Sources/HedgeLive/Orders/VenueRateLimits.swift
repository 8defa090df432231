import Foundation

/// What a venue's answers say of our request budget, for the screen, and whether we must hold
/// our fire: a 429 holds until its Retry-After, a 418 (Binance's ban) until the time it gives,
/// Bybit's spent budget until its reset. Times are Unix milliseconds; `now` comes in as an
/// argument.
public struct VenueRateLimits: Sendable, Hashable {
    /// Binance: request weight used in the current minute (`X-MBX-USED-WEIGHT-1M`).
    public var usedWeight1m: Int?
    /// Binance: orders sent in the current 10 seconds, minute and day (`X-MBX-ORDER-COUNT-10S`,
    /// `-1M`, `-1D`; spot reports 10S and 1D, futures 1M).
    public var orderCount10s: Int?
    public var orderCount1m: Int?
    public var orderCount1d: Int?
    /// Bybit: requests left in the window of the last endpoint called (`X-Bapi-Limit-Status`), the
    /// window's size (`X-Bapi-Limit`) and when it refills (`X-Bapi-Limit-Reset-Timestamp`).
    public var bybitRemaining: Int?
    public var bybitLimit: Int?
    public var bybitResetAt: Int64?

    /// Why sending is held.
    public enum Hold: String, Sendable, Hashable {
        /// HTTP 429 (or Bybit's 10006): too many requests; wait as told.
        case rateLimited
        /// HTTP 418: Binance banned the IP for going on after 429s.
        case banned
        /// Bybit: the window's budget is spent until its reset.
        case budgetSpent
    }

    /// No request may go out before `holdEnd`, for `hold`.
    public private(set) var hold: Hold?
    public private(set) var holdEnd: Int64?

    /// Used when a 429 comes without Retry-After; Binance's shortest ban is two minutes.
    static let defaultRetryMillis: Int64 = 60_000
    static let defaultBanMillis: Int64 = 120_000

    public init() {}

    /// Whether a request may go out at `now`; if not, until when it may not.
    public func heldUntil(at now: Int64) -> Int64? {
        guard let holdEnd, holdEnd > now else { return nil }
        return holdEnd
    }

    /// Reads an answer's headers and status into the state.
    public mutating func observe(_ response: VenueHTTPResponse, venue: LiveVenueKind, bybitCode: Int? = nil, at now: Int64) {
        let headers = response.headers
        func number(_ name: String) -> Int? { headers[name].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
        if venue.isBinance {
            usedWeight1m = number("x-mbx-used-weight-1m") ?? usedWeight1m
            orderCount10s = number("x-mbx-order-count-10s") ?? orderCount10s
            orderCount1m = number("x-mbx-order-count-1m") ?? orderCount1m
            orderCount1d = number("x-mbx-order-count-1d") ?? orderCount1d
        } else {
            bybitRemaining = number("x-bapi-limit-status") ?? bybitRemaining
            bybitLimit = number("x-bapi-limit") ?? bybitLimit
            bybitResetAt = headers["x-bapi-limit-reset-timestamp"].flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) } ?? bybitResetAt
        }
        let retryAfter = number("retry-after").map { Int64($0) * 1000 }
        switch response.status {
        case 418:
            let until = Self.banEnd(in: response.body) ?? retryAfter.map { now + $0 } ?? now + Self.defaultBanMillis
            holdUntil(until, .banned)
        case 429:
            holdUntil(now + (retryAfter ?? Self.defaultRetryMillis), .rateLimited)
        case 403 where !venue.isBinance:
            // Bybit answers 403 "access too frequent" when the IP's limit is broken: 10 minutes.
            holdUntil(retryAfter.map { now + $0 } ?? now + 600_000, .rateLimited)
        default:
            if bybitCode == 10006 || bybitCode == 10018 {
                holdUntil(bybitResetAt.map { max($0, now + 1000) } ?? now + Self.defaultRetryMillis, .rateLimited)
            } else if !venue.isBinance, bybitRemaining == 0, let reset = bybitResetAt, reset > now {
                holdUntil(reset, .budgetSpent)
            }
        }
    }

    private mutating func holdUntil(_ until: Int64, _ reason: Hold) {
        if let holdEnd, holdEnd >= until { return }
        holdEnd = until
        hold = reason
    }

    /// Binance's 418 body says `IP banned until 1499827319559`.
    static func banEnd(in body: [UInt8]) -> Int64? {
        let text = String(decoding: body.prefix(500), as: UTF8.self)
        guard let range = text.range(of: "banned until ") else { return nil }
        return Int64(text[range.upperBound...].prefix(while: \.isNumber))
    }
}
