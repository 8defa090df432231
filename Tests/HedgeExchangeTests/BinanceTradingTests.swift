import Foundation
import HedgeCore
@testable import HedgeExchange
import MetricsScrape
import Testing

/// Binance USD-M's signed trading endpoints over HTTP, requests signed by hand. At full speed with
/// no stream connected playback stays at the start, so orders meet the recording's first REST
/// snapshot: best bid 61800.20 × 2.909, best asks 61800.30 × 1.072 and 61800.70 × 0.002.
@Suite("Local exchange: Binance USD-M trading", .timeLimit(.minutes(2)))
struct BinanceTradingTests {
    static func start(balances: [String: String] = ["USDT": "100000"]) async throws -> (ExchangeHarness, SignedClient) {
        let harness = try await ExchangeHarness.start([.binanceUSDM: ExchangeHarness.usdm]) { configuration in
            configuration.accounts = [ExchangeAccount(apiKey: "test-key", secret: "test-secret",
                                                      balances: balances.compactMapValues { FixedDecimal($0) })]
        }
        return (harness, SignedClient(harness: harness))
    }

    static let restingBuy = [("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "LIMIT"), ("timeInForce", "GTC"),
                             ("quantity", "0.010"), ("price", "61000.0"), ("newClientOrderId", "rest-1")]

    @Test("a GTC limit below the book rests; it is found by id and by client id, listed open, cancelled once")
    func restAndCancel() async throws {
        let (harness, client) = try await Self.start()
        defer { Task { await harness.stop() } }
        let placed = try await json(client.binance("POST", "/fapi/v1/order", Self.restingBuy))
        #expect(placed["status"] as? String == "NEW" && placed["clientOrderId"] as? String == "rest-1")
        #expect(placed["origQty"] as? String == "0.01" && placed["price"] as? String == "61000" && placed["executedQty"] as? String == "0")
        let id = try #require(placed["orderId"] as? Int64)
        let queried = try await json(client.binance("GET", "/fapi/v1/order", [("symbol", "BTCUSDT"), ("orderId", "\(id)")]))
        #expect(queried["status"] as? String == "NEW" && queried["time"] as? Int64 != nil && queried["positionSide"] as? String == "BOTH")
        let open = try await jsonArray(client.binance("GET", "/fapi/v1/openOrders", [("symbol", "BTCUSDT")]))
        #expect(open.count == 1 && open.first?["orderId"] as? Int64 == id)
        let cancelled = try await json(client.binance("DELETE", "/fapi/v1/order", [("symbol", "BTCUSDT"), ("origClientOrderId", "rest-1")]))
        #expect(cancelled["status"] as? String == "CANCELED" && cancelled["orderId"] as? Int64 == id)
        let again = try await client.binance("DELETE", "/fapi/v1/order", [("symbol", "BTCUSDT"), ("orderId", "\(id)")])
        #expect(try again.status == 400 && json(again)["code"] as? Int == -2011)
        let unknown = try await client.binance("GET", "/fapi/v1/order", [("symbol", "BTCUSDT"), ("orderId", "1")])
        #expect(try unknown.status == 400 && json(unknown)["code"] as? Int == -2013)
        #expect(try await jsonArray(client.binance("GET", "/fapi/v1/openOrders", [])).isEmpty)
    }

    @Test("a market buy fills at the best ask with the taker fee; position, balance and /_status say so")
    func marketFill() async throws {
        let (harness, client) = try await Self.start()
        defer { Task { await harness.stop() } }
        let order = try await json(client.binance("POST", "/fapi/v1/order", [("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "MARKET"),
                                                                       ("quantity", "0.010"), ("newOrderRespType", "RESULT")]))
        // 0.010 of the 1.072 at 61800.30: 618.003.
        #expect(order["status"] as? String == "FILLED" && order["executedQty"] as? String == "0.01")
        #expect(order["avgPrice"] as? String == "61800.3" && order["cumQuote"] as? String == "618.003")
        let positions = try await jsonArray(client.binance("GET", "/fapi/v2/positionRisk", [("symbol", "BTCUSDT")]))
        #expect(positions.count == 1 && positions.first?["positionAmt"] as? String == "0.01" && positions.first?["entryPrice"] as? String == "61800.3")
        // mark = (61800.20 + 61800.30) / 2 = 61800.25: unrealized (61800.25 − 61800.30) × 0.01 = −0.0005.
        #expect(positions.first?["unRealizedProfit"] as? String == "-0.0005")
        let balances = try await jsonArray(client.binance("GET", "/fapi/v2/balance", []))
        // 100000 − 618.003 × 0.0005 (0.3090015) = 99999.6909985.
        #expect(balances.first?["asset"] as? String == "USDT" && balances.first?["balance"] as? String == "99999.6909985")
        let status = try await harness.http("/_status", on: .control)
        #expect(status.body.contains(#""test-key":{"balances":{"USDT":"99999.6909985"},"positions":{"BTCUSDT":{"quantity":"0.01""#), "\(status.body)")
        #expect(!status.body.contains("test-secret"))
    }

    @Test("the default ACK answers a market order as accepted (NEW), the query then shows it FILLED")
    func acknowledged() async throws {
        let (harness, client) = try await Self.start()
        defer { Task { await harness.stop() } }
        let ack = try await json(client.binance("POST", "/fapi/v1/order", [("symbol", "BTCUSDT"), ("side", "SELL"), ("type", "MARKET"), ("quantity", "0.002")]))
        #expect(ack["status"] as? String == "NEW" && ack["executedQty"] as? String == "0")
        let id = try #require(ack["orderId"] as? Int64)
        let queried = try await json(client.binance("GET", "/fapi/v1/order", [("symbol", "BTCUSDT"), ("orderId", "\(id)")]))
        // 0.002 at the best bid 61800.20: 123.6004.
        #expect(queried["status"] as? String == "FILLED" && queried["cumQuote"] as? String == "123.6004")
    }

    struct Refusal: Sendable, CustomStringConvertible {
        var description: String
        var params: [(String, String)]
        var code: Int
        var message: String
    }

    static let refusals: [Refusal] = [
        Refusal(description: "GTX through the ask", params: [("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "LIMIT"), ("timeInForce", "GTX"), ("quantity", "0.001"), ("price", "61800.3")],
                code: -5022, message: "Due to the order could not be executed as maker, the Post Only order will be rejected. The order will not be recorded in the order history"),
        Refusal(description: "reduce-only with no position", params: [("symbol", "BTCUSDT"), ("side", "SELL"), ("type", "MARKET"), ("quantity", "0.001"), ("reduceOnly", "true")],
                code: -2022, message: "ReduceOnly Order is rejected."),
        // 20 × 61000 / 20 (leverage) = 61000 > 50000.
        Refusal(description: "more margin than the balance", params: [("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "LIMIT"), ("timeInForce", "GTC"), ("quantity", "20"), ("price", "61000")],
                code: -2019, message: "Margin is insufficient."),
        Refusal(description: "an unknown symbol", params: [("symbol", "NOPEUSDT"), ("side", "BUY"), ("type", "MARKET"), ("quantity", "1")],
                code: -1121, message: "Invalid symbol."),
        Refusal(description: "a LIMIT without timeInForce", params: [("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "LIMIT"), ("quantity", "0.001"), ("price", "61000")],
                code: -1102, message: "Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed."),
        Refusal(description: "a quantity finer than the lot step", params: [("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "MARKET"), ("quantity", "0.0001")],
                code: -1111, message: "Precision is over the maximum defined for this asset."),
    ]

    @Test("orders are refused with Binance's code and message", arguments: refusals)
    func refused(_ refusal: Refusal) async throws {
        let (harness, client) = try await Self.start(balances: ["USDT": "50000"])
        defer { Task { await harness.stop() } }
        let reply = try await client.binance("POST", "/fapi/v1/order", refusal.params)
        #expect(reply.status == 400)
        #expect(try json(reply)["code"] as? Int == refusal.code)
        #expect(try json(reply)["msg"] as? String == refusal.message)
    }

    @Test("a newClientOrderId in use by an open order is refused with -4116")
    func duplicateClientID() async throws {
        let (harness, client) = try await Self.start()
        defer { Task { await harness.stop() } }
        _ = try await client.binance("POST", "/fapi/v1/order", Self.restingBuy)
        let twice = try await client.binance("POST", "/fapi/v1/order", Self.restingBuy)
        #expect(try twice.status == 400 && json(twice)["code"] as? Int == -4116 && json(twice)["msg"] as? String == "ClientOrderId is duplicated.")
    }

    @Test("over HTTP: an unknown key is -2015 (401), a bad signature -1022, a stale timestamp -1021")
    func signatureRefusals() async throws {
        let (harness, client) = try await Self.start()
        defer { Task { await harness.stop() } }
        var stranger = client
        stranger.key = "not-a-key"
        let unknown = try await stranger.binance("GET", "/fapi/v1/openOrders", [])
        #expect(try unknown.status == 401 && json(unknown)["code"] as? Int == -2015)
        let badSignature = try await client.binance("GET", "/fapi/v1/openOrders", [], signWith: "wrong-secret")
        #expect(try badSignature.status == 400 && json(badSignature)["code"] as? Int == -1022)
        let now = try await client.binanceTime()
        let stale = try await client.binance("GET", "/fapi/v1/openOrders", [], timestamp: now - 5001)
        #expect(try stale.status == 400 && json(stale)["msg"] as? String == "Timestamp for this request is outside of the recvWindow.")
        let inWindow = try await client.binance("GET", "/fapi/v1/openOrders", [("recvWindow", "10000")], timestamp: now - 5001)
        #expect(inWindow.status == 200, "a wider recvWindow lets it in: \(inWindow.body)")
    }

    @Test("order faults: reject=1 refuses one order (-2010), fail=1 answers one with 503, then orders go through")
    func rejectAndFail() async throws {
        let (harness, client) = try await Self.start()
        defer { Task { await harness.stop() } }
        _ = try await harness.http("/_fault/reject?venue=binance-usdm&count=1", method: "POST", on: .control)
        _ = try await harness.http("/_fault/fail?venue=binance-usdm&count=1", method: "POST", on: .control)
        let rejected = try await client.binance("POST", "/fapi/v1/order", Self.restingBuy)
        #expect(try rejected.status == 400 && json(rejected)["code"] as? Int == -2010)
        let failed = try await client.binance("POST", "/fapi/v1/order", Self.restingBuy)
        #expect(try failed.status == 503 && json(failed)["code"] as? Int == -1001)
        let placed = try await client.binance("POST", "/fapi/v1/order", Self.restingBuy)
        #expect(try placed.status == 200 && json(placed)["status"] as? String == "NEW")
        #expect(try await jsonArray(client.binance("GET", "/fapi/v1/openOrders", [])).count == 1, "neither fault placed anything")
    }

    @Test("drop=1 places the order and closes the connection without an answer")
    func drop() async throws {
        let (harness, client) = try await Self.start()
        defer { Task { await harness.stop() } }
        _ = try await harness.http("/_fault/drop?venue=binance-usdm&count=1", method: "POST", on: .control)
        await #expect(throws: (any Error).self) { try await client.binance("POST", "/fapi/v1/order", Self.restingBuy) }
        let open = try await jsonArray(client.binance("GET", "/fapi/v1/openOrders", []))
        #expect(open.count == 1 && open.first?["clientOrderId"] as? String == "rest-1", "the order was placed")
    }

    @Test("ratelimit: a 429 with Retry-After, then 418 for the rest of the window")
    func rateLimit() async throws {
        let (harness, client) = try await Self.start()
        defer { Task { await harness.stop() } }
        _ = try await harness.http("/_fault/ratelimit?venue=binance-usdm&seconds=60", method: "POST", on: .control)
        let first = try await client.binance("GET", "/fapi/v1/openOrders", [])
        #expect(try first.status == 429 && json(first)["code"] as? Int == -1003)
        // Whatever is left of the 60 s window when the request arrives (exact values: OrderFaultsTests).
        #expect(Int(first.headers["retry-after"] ?? "").map { (1...60).contains($0) } == true, "\(first.headers)")
        let second = try await client.binance("GET", "/fapi/v1/openOrders", [])
        #expect(second.status == 418 && second.headers["retry-after"] != nil)
    }
}
