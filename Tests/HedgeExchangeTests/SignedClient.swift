import Foundation
@testable import HedgeExchange
import MetricsScrape
import Testing

/// Requests signed by hand as the venues' documentation says, over a plain socket: no client
/// library between the test and the exchange's checks.
struct SignedClient: Sendable {
    let harness: ExchangeHarness
    var key = "test-key"
    var secret = "test-secret"

    /// The venue's time as its time endpoint serves it (ms).
    func binanceTime() async throws -> Int64 {
        let reply = try await harness.http("/fapi/v1/time", on: .binanceUSDM)
        let object = try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any]
        return try #require(object?["serverTime"] as? Int64, "\(reply.body)")
    }

    func bybitTime() async throws -> Int64 {
        let reply = try await harness.http("/v5/market/time", on: .bybit)
        let object = try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any]
        let nano = try #require((object?["result"] as? [String: Any])?["timeNano"] as? String, "\(reply.body)")
        return try #require(Int64(nano)) / 1_000_000
    }

    /// A SIGNED Binance request: `params` then `timestamp` in the query (GET, DELETE) or the form
    /// body (POST), the signature last.
    func binance(_ method: String, _ route: String, _ params: [(String, String)], timestamp: Int64? = nil,
                 signWith secret: String? = nil) async throws -> HTTPReply {
        var time = timestamp
        if time == nil { time = try await binanceTime() }
        let total = (params + [("timestamp", "\(time!)")]).map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0.1)" }
            .joined(separator: "&")
        let signed = total + "&signature=" + RequestSignature.hex(secret: secret ?? self.secret, payload: total)
        let headers = ["X-MBX-APIKEY: \(key)"]
        if method == "POST" {
            return try await harness.http(route, method: method, on: .binanceUSDM,
                                          headers: headers + ["Content-Type: application/x-www-form-urlencoded"], body: signed)
        }
        return try await harness.http(route + "?" + signed, method: method, on: .binanceUSDM, headers: headers)
    }

    /// A signed Bybit v5 request: a JSON body for POST, a query for GET.
    func bybit(_ method: String, _ route: String, query: String = "", body: String = "", timestamp: Int64? = nil,
               signWith secret: String? = nil) async throws -> HTTPReply {
        var time = timestamp
        if time == nil { time = try await bybitTime() }
        let payload = "\(time!)\(key)5000" + (method == "GET" ? query : body)
        let headers = ["X-BAPI-API-KEY: \(key)", "X-BAPI-TIMESTAMP: \(time!)", "X-BAPI-RECV-WINDOW: 5000",
                       "X-BAPI-SIGN: \(RequestSignature.hex(secret: secret ?? self.secret, payload: payload))",
                       "Content-Type: application/json"]
        return try await harness.http(route + (query.isEmpty ? "" : "?" + query), method: method, on: .bybit,
                                      headers: headers, body: method == "GET" ? nil : body)
    }
}

/// The JSON object or array of a reply.
func json(_ reply: HTTPReply) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any], "\(reply.status) \(reply.body)")
}

func jsonArray(_ reply: HTTPReply) throws -> [[String: Any]] {
    try #require(try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [[String: Any]], "\(reply.status) \(reply.body)")
}
