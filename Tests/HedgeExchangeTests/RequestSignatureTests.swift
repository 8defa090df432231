import Foundation
@testable import HedgeExchange
import Testing

/// The venues' signature checks, request by request, with no server: each refusal with the
/// venue's own code and message.
@Suite("Local exchange: request signatures")
struct RequestSignatureTests {
    // Binance's documented worked example (SIGNED endpoint security, examples 1 and 3).
    static let binanceKey = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
    static let binanceSecret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
    static let exampleQuery = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"
    static let exampleSignature = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"
    static let exampleTime: Int64 = 1_499_827_319_559

    @Test("Binance's documented example signs to its documented signature")
    func binanceExample() {
        #expect(RequestSignature.hex(secret: Self.binanceSecret, payload: Self.exampleQuery) == Self.exampleSignature)
    }

    static func binance(query: String, body: String = "", method: String = "GET", key: String? = binanceKey) -> VenueRequest {
        VenueRequest(method: method, path: "/fapi/v1/order" + (query.isEmpty ? "" : "?" + query),
                     headers: key.map { ["x-mbx-apikey": $0] } ?? [:], body: body)
    }

    @Test("the example passes as a query string, and with its signature in the body after a split query (example 3: no '&' joins them)")
    func binanceAccepts() throws {
        let secrets = [Self.binanceKey: Self.binanceSecret]
        let signed = try BinanceSignedRequest.verify(Self.binance(query: Self.exampleQuery + "&signature=" + Self.exampleSignature),
                                                     secrets: secrets, serverTime: Self.exampleTime)
        #expect(signed.apiKey == Self.binanceKey)
        #expect(signed.parameters["price"] == "0.1" && signed.parameters["signature"] == nil)
        let split = Self.binance(query: "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC",
                                 body: "quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559&signature=0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77",
                                 method: "POST")
        let fromBody = try BinanceSignedRequest.verify(split, secrets: secrets, serverTime: Self.exampleTime + 4999)
        #expect(fromBody.parameters["symbol"] == "LTCBTC" && fromBody.parameters["quantity"] == "1")
    }

    struct BinanceCase: Sendable, CustomStringConvertible {
        var description: String
        var request: VenueRequest
        var serverTime: Int64
        var code: Int
        var message: String
        var status: Int
    }

    static let binanceCases: [BinanceCase] = {
        let good = exampleQuery + "&signature=" + exampleSignature
        return [
            BinanceCase(description: "no X-MBX-APIKEY", request: binance(query: good, key: nil), serverTime: exampleTime,
                        code: -2014, message: "API-key format invalid.", status: 401),
            BinanceCase(description: "an unknown key", request: binance(query: good, key: "someone-else"), serverTime: exampleTime,
                        code: -2015, message: "Invalid API-key, IP, or permissions for action.", status: 401),
            BinanceCase(description: "no timestamp", request: binance(query: "symbol=LTCBTC&signature=" + exampleSignature), serverTime: exampleTime,
                        code: -1102, message: "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.", status: 400),
            BinanceCase(description: "no signature", request: binance(query: exampleQuery), serverTime: exampleTime,
                        code: -1102, message: "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.", status: 400),
            BinanceCase(description: "a signature of other params", request: binance(query: exampleQuery.replacingOccurrences(of: "price=0.1", with: "price=0.2") + "&signature=" + exampleSignature),
                        serverTime: exampleTime, code: -1022, message: "Signature for this request is not valid.", status: 400),
            // 1499827319559 + 5000 + 1: one millisecond past the window.
            BinanceCase(description: "a timestamp older than recvWindow", request: binance(query: good), serverTime: exampleTime + 5001,
                        code: -1021, message: "Timestamp for this request is outside of the recvWindow.", status: 400),
            BinanceCase(description: "a timestamp 1000 ms ahead", request: binance(query: good), serverTime: exampleTime - 1000,
                        code: -1021, message: "Timestamp for this request was 1000ms ahead of the server's time.", status: 400),
            BinanceCase(description: "recvWindow over 60000", request: binance(query: exampleQuery.replacingOccurrences(of: "recvWindow=5000", with: "recvWindow=60001") + "&signature=" + exampleSignature),
                        serverTime: exampleTime, code: -1131, message: "recvWindow must be less than 60000", status: 400),
        ]
    }()

    @Test("Binance refuses with its code and message", arguments: binanceCases)
    func binanceRefuses(_ refusal: BinanceCase) {
        #expect(throws: BinanceError(status: refusal.status, code: refusal.code, message: refusal.message)) {
            try BinanceSignedRequest.verify(refusal.request, secrets: [Self.binanceKey: Self.binanceSecret], serverTime: refusal.serverTime)
        }
    }

    // Bybit v5: sign = HMAC-SHA256(secret, timestamp + key + recvWindow + body); the expected hex
    // was computed apart, with Python's hmac module.
    static let bybitBody = #"{"category":"linear","symbol":"BTCUSDT"}"#
    static let bybitSign = "0db2e2b109a2ef1908e191427d7c682f40e1431fca79bf4954092c3372fa81e3"

    static func bybit(key: String = "bybit-key", timestamp: String = "1700000000000", sign: String = bybitSign, body: String = bybitBody) -> VenueRequest {
        VenueRequest(method: "POST", path: "/v5/order/cancel",
                     headers: ["x-bapi-api-key": key, "x-bapi-timestamp": timestamp, "x-bapi-sign": sign, "x-bapi-recv-window": "5000"],
                     body: body)
    }

    @Test("Bybit accepts timestamp + key + recvWindow + body signed, within [server − recvWindow, server + 1000)")
    func bybitAccepts() throws {
        #expect(RequestSignature.hex(secret: "bybit-secret", payload: "1700000000000bybit-key5000" + Self.bybitBody) == Self.bybitSign)
        for serverTime: Int64 in [1_700_000_000_000, 1_700_000_005_000, 1_699_999_999_001] {
            let signed = try BybitSignedRequest.verify(Self.bybit(), secrets: ["bybit-key": "bybit-secret"], serverTime: serverTime)
            #expect(signed.apiKey == "bybit-key")
        }
    }

    struct BybitCase: Sendable, CustomStringConvertible {
        var description: String
        var request: VenueRequest
        var serverTime: Int64
        var code: Int
        var messagePrefix: String
    }

    static let bybitCases: [BybitCase] = [
        BybitCase(description: "an unknown key", request: bybit(key: "someone-else"), serverTime: 1_700_000_000_000,
                  code: 10003, messagePrefix: "API key is invalid."),
        BybitCase(description: "a sign of another body", request: bybit(body: #"{"category":"linear","symbol":"ETHUSDT"}"#), serverTime: 1_700_000_000_000,
                  code: 10004, messagePrefix: "error sign! origin_string["),
        // 1700000000000 + 5000 + 1: one millisecond past the window.
        BybitCase(description: "a timestamp older than recv_window", request: bybit(), serverTime: 1_700_000_005_001,
                  code: 10002, messagePrefix: "invalid request, please check your server timestamp or recv_window param. req_timestamp[1700000000000],server_timestamp[1700000005001],recv_window[5000]"),
        BybitCase(description: "a timestamp 1000 ms ahead", request: bybit(), serverTime: 1_699_999_999_000,
                  code: 10002, messagePrefix: "invalid request, please check your server timestamp"),
    ]

    @Test("Bybit refuses with its retCode and retMsg", arguments: bybitCases)
    func bybitRefuses(_ refusal: BybitCase) {
        do throws(BybitError) {
            _ = try BybitSignedRequest.verify(refusal.request, secrets: ["bybit-key": "bybit-secret"], serverTime: refusal.serverTime)
            Issue.record("accepted")
        } catch {
            #expect(error.code == refusal.code)
            #expect(error.message.hasPrefix(refusal.messagePrefix), "\(error.message)")
        }
    }
}
