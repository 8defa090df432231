import Foundation
import HedgeCore
@testable import HedgeExchange
import MetricsScrape
import Testing

/// Binance USD-M's `GET /fapi/v1/userTrades` on the local exchange: every fill is listed once
/// with a trade id of its own, so a client reconciling after a disconnection can tell which fills
/// it has applied. Orders meet the first REST snapshot: asks 61800.30 × 1.072, 61800.70 × 0.002.
@Suite("Local exchange: Binance USD-M user trades", .timeLimit(.minutes(2)))
struct BinanceUserTradesTests {
    static func market(_ quantity: String, _ clientID: String) -> [(String, String)] {
        [("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "MARKET"), ("quantity", quantity), ("newClientOrderId", clientID), ("newOrderRespType", "RESULT")]
    }

    @Test("each fill is one trade with its own id, its order id, price, quantity, fee and side; a fill across two levels is two trades")
    func fillsAreTrades() async throws {
        let (harness, client) = try await BinanceTradingTests.start()
        defer { Task { await harness.stop() } }
        let first = try await json(client.binance("POST", "/fapi/v1/order", Self.market("0.010", "m-1")))
        let second = try await json(client.binance("POST", "/fapi/v1/order", Self.market("1.073", "m-2")))
        let trades = try await jsonArray(client.binance("GET", "/fapi/v1/userTrades", [("symbol", "BTCUSDT")]))
        #expect(trades.map { $0["id"] as? Int64 } == [300_000_001, 300_000_002, 300_000_003])
        #expect(trades.map { $0["orderId"] as? Int64 } == [first["orderId"] as? Int64, second["orderId"] as? Int64, second["orderId"] as? Int64])
        // 0.010 × 61800.30 = 618.003, fee × 0.0005 = 0.3090015; then 1.072 at 61800.30 (66249.9216,
        // fee 33.1249608) and 0.001 at 61800.70 (61.8007, fee 0.03090035).
        #expect(trades.map { $0["qty"] as? String } == ["0.01", "1.072", "0.001"])
        #expect(trades.map { $0["price"] as? String } == ["61800.3", "61800.3", "61800.7"])
        #expect(trades.map { $0["quoteQty"] as? String } == ["618.003", "66249.9216", "61.8007"])
        #expect(trades.map { $0["commission"] as? String } == ["0.3090015", "33.1249608", "0.03090035"])
        let trade = try #require(trades.first)
        #expect(trade["side"] as? String == "BUY" && trade["buyer"] as? Bool == true && trade["maker"] as? Bool == false)
        #expect(trade["commissionAsset"] as? String == "USDT" && trade["realizedPnl"] as? String == "0" && trade["positionSide"] as? String == "BOTH")
        #expect(trade["symbol"] as? String == "BTCUSDT" && (trade["time"] as? Int64).map { $0 > 0 } == true)
    }

    @Test("fromId lists from that trade on, orderId narrows to one order, limit keeps the most recent, startTime a window")
    func narrowing() async throws {
        let (harness, client) = try await BinanceTradingTests.start()
        defer { Task { await harness.stop() } }
        _ = try await client.binance("POST", "/fapi/v1/order", Self.market("0.010", "m-1"))
        let second = try await json(client.binance("POST", "/fapi/v1/order", Self.market("1.073", "m-2")))
        let fromID = try await jsonArray(client.binance("GET", "/fapi/v1/userTrades", [("symbol", "BTCUSDT"), ("fromId", "300000002")]))
        #expect(fromID.map { $0["id"] as? Int64 } == [300_000_002, 300_000_003])
        let orderID = try #require(second["orderId"] as? Int64)
        let ofOrder = try await jsonArray(client.binance("GET", "/fapi/v1/userTrades", [("symbol", "BTCUSDT"), ("orderId", "\(orderID)")]))
        #expect(ofOrder.map { $0["id"] as? Int64 } == [300_000_002, 300_000_003])
        let latest = try await jsonArray(client.binance("GET", "/fapi/v1/userTrades", [("symbol", "BTCUSDT"), ("limit", "1")]))
        #expect(latest.map { $0["id"] as? Int64 } == [300_000_003])
        let time = try #require(latest.first?["time"] as? Int64)
        let fromStart = try await jsonArray(client.binance("GET", "/fapi/v1/userTrades", [("symbol", "BTCUSDT"), ("startTime", "\(time)"), ("limit", "2")]))
        #expect(fromStart.map { $0["id"] as? Int64 } == [300_000_001, 300_000_002], "a window gives its first trades")
        let before = try await jsonArray(client.binance("GET", "/fapi/v1/userTrades", [("symbol", "BTCUSDT"), ("endTime", "\(time - 1)")]))
        #expect(before.isEmpty)
    }

    struct Refusal: Sendable, CustomStringConvertible {
        var description: String
        var params: [(String, String)]
        var code: Int
    }

    static let refusals = [
        Refusal(description: "no symbol", params: [], code: -1102),
        Refusal(description: "fromId with startTime", params: [("symbol", "BTCUSDT"), ("fromId", "1"), ("startTime", "1")], code: -1128),
        Refusal(description: "more than 7 days", params: [("symbol", "BTCUSDT"), ("startTime", "0"), ("endTime", "604800001")], code: -1127),
        Refusal(description: "limit over 1000", params: [("symbol", "BTCUSDT"), ("limit", "1001")], code: -1130),
        Refusal(description: "unlisted symbol", params: [("symbol", "NOPEUSDT")], code: -1121),
    ]

    @Test("parameters Binance refuses are refused with its codes", arguments: refusals)
    func refused(_ refusal: Refusal) async throws {
        let (harness, client) = try await BinanceTradingTests.start()
        defer { Task { await harness.stop() } }
        let reply = try await client.binance("GET", "/fapi/v1/userTrades", refusal.params)
        #expect(try reply.status == 400 && json(reply)["code"] as? Int == refusal.code, "\(reply.body)")
    }
}
