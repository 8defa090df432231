import Foundation

/// A Bybit v5 error answer: `retCode` and `retMsg` in Bybit's envelope (HTTP 200, as Bybit
/// answers its own errors).
struct BybitError: Error, Sendable, Hashable {
    var code: Int
    var message: String
    var status = 200

    func answer(time: Int64) -> VenueAnswer { VenueAnswer(status: status, body: BybitREST.error(code, message, time: time)) }

    static func params(_ what: String) -> BybitError { BybitError(code: 10001, message: "params error: \(what)") }
}

/// A signed Bybit v5 request that passed the venue's checks.
///
/// As Bybit checks them: headers `X-BAPI-API-KEY`, `X-BAPI-TIMESTAMP` (ms), `X-BAPI-SIGN`,
/// `X-BAPI-RECV-WINDOW` (default 5000); the sign is the hex HMAC-SHA256, under the secret, of
/// timestamp + key + recvWindow + (the query string for GET, the raw JSON body for POST); the
/// timestamp must lie in [server time − recvWindow, server time + 1000). The server's time is
/// the one `/v5/market/time` serves (`VenueMarket.serverTime`).
struct BybitSignedRequest: Sendable {
    var apiKey: String

    static func verify(_ request: VenueRequest, secrets: [String: String], serverTime: Int64) throws(BybitError) -> BybitSignedRequest {
        guard let apiKey = request.headers["x-bapi-api-key"], let secret = secrets[apiKey] else {
            throw BybitError(code: 10003, message: "API key is invalid.")
        }
        guard let timestampText = request.headers["x-bapi-timestamp"], let timestamp = Int64(timestampText) else {
            throw BybitError(code: 10002, message: "invalid request, please check your server timestamp or recv_window param. req_timestamp[],server_timestamp[\(serverTime)],recv_window[]")
        }
        let windowText = request.headers["x-bapi-recv-window"] ?? "5000"
        guard let window = Int64(windowText), window > 0 else { throw BybitError.params("recv_window invalid") }
        guard timestamp >= serverTime - window, timestamp < serverTime + 1000 else {
            throw BybitError(code: 10002, message: "invalid request, please check your server timestamp or recv_window param. req_timestamp[\(timestamp)],server_timestamp[\(serverTime)],recv_window[\(window)]")
        }
        let payload = timestampText + apiKey + (request.headers["x-bapi-recv-window"] ?? "") + (request.method == "GET" ? request.rawQuery : request.body)
        guard let sign = request.headers["x-bapi-sign"], RequestSignature.matches(sign, secret: secret, payload: payload) else {
            throw BybitError(code: 10004, message: "error sign! origin_string[\(payload.replacingOccurrences(of: "\"", with: "\\\""))]")
        }
        return BybitSignedRequest(apiKey: apiKey)
    }
}
