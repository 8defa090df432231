import Foundation

/// A Binance error answer: HTTP status and the `{"code","msg"}` body.
struct BinanceError: Error, Sendable, Hashable {
    var status: Int
    var code: Int
    var message: String

    var answer: VenueAnswer { VenueAnswer(status: status, body: #"{"code":\#(code),"msg":"\#(message)"}"#) }

    static func mandatory(_ name: String) -> BinanceError {
        BinanceError(status: 400, code: -1102, message: "Mandatory parameter '\(name)' was not sent, was empty/null, or malformed.")
    }
}

/// A SIGNED Binance request that passed the venue's checks: the account's key and the request's
/// parameters (query string and form body together).
///
/// As Binance checks them: the key in `X-MBX-APIKEY`; `signature` the hex HMAC-SHA256, under the
/// secret, of the total params (the query string, then the body, concatenated as sent, without
/// the `signature` parameter itself); `timestamp` (ms) no more than 1000 ms ahead of the server's
/// time nor more than `recvWindow` (default 5000, at most 60000) behind it. The server's time is
/// the one `/fapi/v1/time` serves (`VenueMarket.serverTime`).
struct BinanceSignedRequest: Sendable {
    var apiKey: String
    var parameters: [String: String]

    static func verify(_ request: VenueRequest, secrets: [String: String], serverTime: Int64) throws(BinanceError) -> BinanceSignedRequest {
        guard let apiKey = request.headers["x-mbx-apikey"], !apiKey.isEmpty else {
            throw BinanceError(status: 401, code: -2014, message: "API-key format invalid.")
        }
        guard let secret = secrets[apiKey] else {
            throw BinanceError(status: 401, code: -2015, message: "Invalid API-key, IP, or permissions for action.")
        }
        let query = request.rawQuery
        let body = request.method == "GET" ? "" : request.body
        var parameters = decode(query)
        parameters.merge(decode(body)) { _, fromBody in fromBody }
        guard let timestampText = parameters["timestamp"], let timestamp = Int64(timestampText) else { throw .mandatory("timestamp") }
        guard let signature = parameters["signature"], !signature.isEmpty else { throw .mandatory("signature") }
        var window: Int64 = 5000
        if let text = parameters["recvWindow"] {
            guard let value = Int64(text), value > 0 else { throw .mandatory("recvWindow") }
            guard value <= 60000 else { throw BinanceError(status: 400, code: -1131, message: "recvWindow must be less than 60000") }
            window = value
        }
        if timestamp >= serverTime + 1000 {
            throw BinanceError(status: 400, code: -1021, message: "Timestamp for this request was 1000ms ahead of the server's time.")
        }
        if serverTime - timestamp > window {
            throw BinanceError(status: 400, code: -1021, message: "Timestamp for this request is outside of the recvWindow.")
        }
        let payload = withoutSignature(query) + withoutSignature(body)
        guard RequestSignature.matches(signature, secret: secret, payload: payload) else {
            throw BinanceError(status: 400, code: -1022, message: "Signature for this request is not valid.")
        }
        parameters["signature"] = nil
        return BinanceSignedRequest(apiKey: apiKey, parameters: parameters)
    }

    /// `a=1&signature=..&b=2` → `a=1&b=2`, the rest byte for byte as sent.
    static func withoutSignature(_ params: String) -> String {
        params.split(separator: "&", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("signature=") }
            .joined(separator: "&")
    }

    /// Form-decodes `a=1&b=x%20y` (`+` is a space).
    static func decode(_ params: String) -> [String: String] {
        var decoded: [String: String] = [:]
        for pair in params.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let value = parts.count > 1 ? String(parts[1]).replacingOccurrences(of: "+", with: " ") : ""
            decoded[String(parts[0])] = value.removingPercentEncoding ?? value
        }
        return decoded
    }
}
