import Foundation
import HedgeCore
@testable import HedgeExchange
import MetricsScrape
import Testing

/// Bybit v5's signed trading endpoints (linear) over HTTP, requests signed by hand. Playback stays
/// at the start (full speed, no stream connected), so orders meet the recording's first BTCUSDT
/// orderbook snapshot: best bid 65114.20 × 6.054, best ask 65114.30 × 10.486.
@Suite("Local exchange: Bybit linear trading", .timeLimit(.minutes(2)))
struct BybitTradingTests {
    static func start(balance: String = "100000") async throws -> (ExchangeHarness, SignedClient) {
        let harness = try await ExchangeHarness.start([.bybitLinear: ExchangeHarness.bybit]) { configuration in
            configuration.accounts = [ExchangeAccount(apiKey: "test-key", secret: "test-secret", balances: ["USDT": FixedDecimal(balance)!])]
        }
        return (harness, SignedClient(harness: harness))
    }

    static func result(_ reply: HTTPReply) throws -> [String: Any] {
        let body = try json(reply)
        #expect(body["retCode"] as? Int == 0, "\(reply.body)")
        return try #require(body["result"] as? [String: Any])
    }

    static let restingBuy = #"{"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Limit","qty":"0.010","price":"64000","timeInForce":"GTC","orderLinkId":"rest-1"}"#

    @Test("a GTC limit below the book rests; realtime finds it by orderLinkId; cancel by orderId, then 110001")
    func restAndCancel() async throws {
        let (harness, client) = try await Self.start()
        defer { Task { await harness.stop() } }
        let created = try await Self.result(client.bybit("POST", "/v5/order/create", body: Self.restingBuy))
        #expect(created["orderLinkId"] as? String == "rest-1")
        let id = try #require(created["orderId"] as? String)
        let listed = try await Self.result(client.bybit("GET", "/v5/order/realtime", query: "category=linear&orderLinkId=rest-1"))
        let order = try #require((listed["list"] as? [[String: Any]])?.first)
        #expect(order["orderId"] as? String == id && order["orderStatus"] as? String == "New" && order["leavesQty"] as? String == "0.01")
        let cancel = #"{"category":"linear","symbol":"BTCUSDT","orderId":"\#(id)"}"#
        #expect(try await Self.result(client.bybit("POST", "/v5/order/cancel", body: cancel))["orderId"] as? String == id)
        let again = try await json(client.bybit("POST", "/v5/order/cancel", body: cancel))
        #expect(again["retCode"] as? Int == 110001)
        let open = try await Self.result(client.bybit("GET", "/v5/order/realtime", query: "category=linear&symbol=BTCUSDT"))
        #expect((open["list"] as? [Any])?.isEmpty == true)
    }

    @Test("a market buy fills at the best ask with the 0.055 % taker fee; position and wallet say so")
    func marketFill() async throws {
        let (harness, client) = try await Self.start()
        defer { Task { await harness.stop() } }
        let body = #"{"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Market","qty":"0.010"}"#
        let id = try #require(try await Self.result(client.bybit("POST", "/v5/order/create", body: body))["orderId"] as? String)
        let listed = try await Self.result(client.bybit("GET", "/v5/order/realtime", query: "category=linear&orderId=\(id)"))
        let order = try #require((listed["list"] as? [[String: Any]])?.first)
        // 0.010 × 65114.30 = 651.143; fee 651.143 × 0.00055 = 0.35812865.
        #expect(order["orderStatus"] as? String == "Filled" && order["cumExecValue"] as? String == "651.143")
        #expect(order["cumExecFee"] as? String == "0.35812865" && order["avgPrice"] as? String == "65114.3")
        let positions = try await Self.result(client.bybit("GET", "/v5/position/list", query: "category=linear&symbol=BTCUSDT"))
        let position = try #require((positions["list"] as? [[String: Any]])?.first)
        #expect(position["side"] as? String == "Buy" && position["size"] as? String == "0.01" && position["avgPrice"] as? String == "65114.3")
        let wallet = try await Self.result(client.bybit("GET", "/v5/account/wallet-balance", query: "accountType=UNIFIED&coin=USDT"))
        let coin = try #require(((wallet["list"] as? [[String: Any]])?.first?["coin"] as? [[String: Any]])?.first)
        // 100000 − 0.35812865.
        #expect(coin["coin"] as? String == "USDT" && coin["walletBalance"] as? String == "99999.64187135")
    }

    @Test("refusals: a reused orderLinkId 110072, more than the balance 110007, reduce-only with nothing 110017")
    func refusals() async throws {
        let (harness, client) = try await Self.start(balance: "500")
        defer { Task { await harness.stop() } }
        // 0.010 × 64000 / 10 (leverage) = 64 of 500: rests.
        _ = try await Self.result(client.bybit("POST", "/v5/order/create", body: Self.restingBuy))
        #expect(try await json(client.bybit("POST", "/v5/order/create", body: Self.restingBuy))["retCode"] as? Int == 110072)
        // 0.1 × 64000 / 10 = 640 > 500 − 64.
        let big = #"{"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Limit","qty":"0.1","price":"64000"}"#
        let refused = try await json(client.bybit("POST", "/v5/order/create", body: big))
        #expect(refused["retCode"] as? Int == 110007 && refused["retMsg"] as? String == "ab not enough for new order")
        let reduce = #"{"category":"linear","symbol":"BTCUSDT","side":"Sell","orderType":"Market","qty":"0.001","reduceOnly":true}"#
        #expect(try await json(client.bybit("POST", "/v5/order/create", body: reduce))["retCode"] as? Int == 110017)
    }

    @Test("over HTTP: an unknown key is 10003, a bad sign 10004, a stale timestamp 10002")
    func signatureRefusals() async throws {
        let (harness, client) = try await Self.start()
        defer { Task { await harness.stop() } }
        var stranger = client
        stranger.key = "not-a-key"
        #expect(try await json(stranger.bybit("GET", "/v5/order/realtime", query: "category=linear"))["retCode"] as? Int == 10003)
        let badSign = try await json(client.bybit("GET", "/v5/order/realtime", query: "category=linear", signWith: "wrong-secret"))
        #expect(badSign["retCode"] as? Int == 10004 && (badSign["retMsg"] as? String)?.hasPrefix("error sign!") == true)
        let now = try await client.bybitTime()
        #expect(try await json(client.bybit("GET", "/v5/order/realtime", query: "category=linear", timestamp: now - 5001))["retCode"] as? Int == 10002)
        #expect(try await json(client.bybit("GET", "/v5/order/realtime", query: "category=linear", timestamp: now - 5000))["retCode"] as? Int == 0)
    }
}
