import Testing
@testable import HedgeLive

/// The request budget read from answers' headers, and the holds a 429, a 418 or a spent budget
/// put on sending, with the time they end.
@Suite struct VenueRateLimitsTests {
    @Test("Binance's weight and order counts are read from the headers, whatever their case")
    func binanceHeaders() {
        var limits = VenueRateLimits()
        limits.observe(VenueHTTPResponse(status: 200, headers: ["X-MBX-USED-WEIGHT-1M": "37", "X-MBX-ORDER-COUNT-10S": "3", "x-mbx-order-count-1d": "120", "X-MBX-ORDER-COUNT-1M": "9"], text: "{}"),
                       venue: .binanceUSDM, at: 1000)
        #expect(limits.usedWeight1m == 37 && limits.orderCount10s == 3 && limits.orderCount1m == 9 && limits.orderCount1d == 120)
        #expect(limits.heldUntil(at: 1000) == nil && limits.hold == nil)
        // An answer without the headers keeps the last values.
        limits.observe(VenueHTTPResponse(status: 200, text: "{}"), venue: .binanceUSDM, at: 2000)
        #expect(limits.usedWeight1m == 37)
    }

    @Test("Bybit's remaining budget, limit and reset time are read from the headers")
    func bybitHeaders() {
        var limits = VenueRateLimits()
        limits.observe(VenueHTTPResponse(status: 200, headers: ["X-Bapi-Limit-Status": "8", "X-Bapi-Limit": "10", "X-Bapi-Limit-Reset-Timestamp": "1700000001000"], text: "{}"),
                       venue: .bybitLinear, at: 1_700_000_000_000)
        #expect(limits.bybitRemaining == 8 && limits.bybitLimit == 10 && limits.bybitResetAt == 1_700_000_001_000)
        #expect(limits.hold == nil)
    }

    @Test("A 429 holds sending for its Retry-After, and no longer")
    func tooManyRequests() {
        var limits = VenueRateLimits()
        limits.observe(VenueHTTPResponse(status: 429, headers: ["Retry-After": "7"], text: #"{"code":-1003,"msg":"Too many requests"}"#), venue: .binanceUSDM, at: 1000)
        #expect(limits.hold == .rateLimited)
        #expect(limits.heldUntil(at: 1000) == 8000)   // 1000 + 7 s
        #expect(limits.heldUntil(at: 7999) == 8000)
        #expect(limits.heldUntil(at: 8000) == nil)
    }

    @Test("A 418 is a ban until the time Binance gives in its message")
    func banned() {
        var limits = VenueRateLimits()
        limits.observe(VenueHTTPResponse(status: 418, headers: ["Retry-After": "120"], text: #"{"code":-1003,"msg":"Way too many requests; IP banned until 1700000300000. Please use the websocket for live updates to avoid bans."}"#),
                       venue: .binanceSpot, at: 1_700_000_000_000)
        #expect(limits.hold == .banned)
        #expect(limits.heldUntil(at: 1_700_000_000_000) == 1_700_000_300_000)
    }

    @Test("A 418 without a time in its body is a ban for its Retry-After")
    func bannedByRetryAfter() {
        var limits = VenueRateLimits()
        limits.observe(VenueHTTPResponse(status: 418, headers: ["Retry-After": "300"], text: "banned"), venue: .binanceUSDM, at: 5000)
        #expect(limits.heldUntil(at: 5000) == 305_000)
    }

    @Test("A later, shorter hold does not shorten a ban")
    func holdsOnlyGrow() {
        var limits = VenueRateLimits()
        limits.observe(VenueHTTPResponse(status: 418, headers: ["Retry-After": "300"], text: ""), venue: .binanceUSDM, at: 0)
        limits.observe(VenueHTTPResponse(status: 429, headers: ["Retry-After": "1"], text: ""), venue: .binanceUSDM, at: 1000)
        #expect(limits.hold == .banned && limits.heldUntil(at: 1000) == 300_000)
    }

    @Test("Bybit: a spent budget holds until its reset; retCode 10006 holds as a rate limit")
    func bybitHolds() {
        var spent = VenueRateLimits()
        spent.observe(VenueHTTPResponse(status: 200, headers: ["X-Bapi-Limit-Status": "0", "X-Bapi-Limit": "10", "X-Bapi-Limit-Reset-Timestamp": "1700000000800"], text: "{}"),
                      venue: .bybitLinear, at: 1_700_000_000_000)
        #expect(spent.hold == .budgetSpent && spent.heldUntil(at: 1_700_000_000_000) == 1_700_000_000_800)
        var limited = VenueRateLimits()
        limited.observe(VenueHTTPResponse(status: 200, headers: ["X-Bapi-Limit-Reset-Timestamp": "1700000005000"], text: #"{"retCode":10006,"retMsg":"Too many visits!"}"#),
                        venue: .bybitLinear, bybitCode: 10006, at: 1_700_000_000_000)
        #expect(limited.hold == .rateLimited && limited.heldUntil(at: 1_700_000_000_000) == 1_700_000_005_000)
    }

    @Test("The server time offset is the venue's time minus the midpoint of the round trip")
    func serverOffset() {
        // Sent at 1000, answered at 1040: midpoint 1020; the venue said 6000 → offset 4980.
        let offset = ServerTimeOffset(sentAt: 1000, serverTime: 6000, receivedAt: 1040)
        #expect(offset.offsetMillis == 4980 && offset.roundTripMillis == 40)
        #expect(offset.serverTime(atLocal: 2000) == 6980)
        // A venue clock behind ours gives a negative offset.
        #expect(ServerTimeOffset(sentAt: 10_000, serverTime: 9000, receivedAt: 10_010).offsetMillis == -1005)
    }
}
