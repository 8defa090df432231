import Foundation
import HedgeCore
@testable import HedgeExchange
import MetricsScrape
import Testing

/// Bybit v5's `GET /v5/execution/list` (linear) on the local exchange: every fill listed once,
/// newest first, with an execId of its own; pages follow `nextPageCursor`. Orders meet the first
/// orderbook snapshot: best ask 65114.30 × 10.486.
@Suite("Local exchange: Bybit linear execution list", .timeLimit(.minutes(2)))
struct BybitExecutionListTests {
    static func market(_ quantity: String, _ clientID: String) -> String {
        #"{"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Market","qty":"\#(quantity)","orderLinkId":"\#(clientID)"}"#
    }

    static func list(_ result: [String: Any]) -> [[String: Any]] { result["list"] as? [[String: Any]] ?? [] }

    @Test("a market fill is an execution with its ids, price, quantity, value, fee and role")
    func fillIsExecution() async throws {
        let (harness, client) = try await BybitTradingTests.start()
        defer { Task { await harness.stop() } }
        let created = try await BybitTradingTests.result(client.bybit("POST", "/v5/order/create", body: Self.market("0.010", "m-1")))
        let result = try await BybitTradingTests.result(client.bybit("GET", "/v5/execution/list", query: "category=linear&symbol=BTCUSDT"))
        let execution = try #require(Self.list(result).first)
        #expect(Self.list(result).count == 1 && result["nextPageCursor"] as? String == "")
        #expect(execution["execId"] as? String == "00000000-0000-4000-a000-000000000001")
        #expect(execution["orderId"] as? String == created["orderId"] as? String && execution["orderLinkId"] as? String == "m-1")
        // 0.010 × 65114.30 = 651.143; fee × 0.00055 = 0.35812865.
        #expect(execution["execPrice"] as? String == "65114.3" && execution["execQty"] as? String == "0.01")
        #expect(execution["execValue"] as? String == "651.143" && execution["execFee"] as? String == "0.35812865")
        #expect(execution["feeCurrency"] as? String == "USDT" && execution["feeRate"] as? String == "0.00055")
        #expect(execution["side"] as? String == "Buy" && execution["isMaker"] as? Bool == false && execution["execType"] as? String == "Trade")
        #expect(execution["leavesQty"] as? String == "0" && (execution["execTime"] as? String).flatMap { Int64($0) } != nil)
    }

    @Test("newest first; limit pages by nextPageCursor; orderLinkId narrows; a window before the fills is empty")
    func paging() async throws {
        let (harness, client) = try await BybitTradingTests.start()
        defer { Task { await harness.stop() } }
        for index in 1...3 { _ = try await BybitTradingTests.result(client.bybit("POST", "/v5/order/create", body: Self.market("0.001", "m-\(index)"))) }
        let first = try await BybitTradingTests.result(client.bybit("GET", "/v5/execution/list", query: "category=linear&symbol=BTCUSDT&limit=2"))
        #expect(Self.list(first).map { $0["orderLinkId"] as? String } == ["m-3", "m-2"])
        let cursor = try #require(first["nextPageCursor"] as? String)
        #expect(!cursor.isEmpty)
        let second = try await BybitTradingTests.result(client.bybit("GET", "/v5/execution/list", query: "category=linear&symbol=BTCUSDT&limit=2&cursor=\(cursor)"))
        #expect(Self.list(second).map { $0["orderLinkId"] as? String } == ["m-1"] && second["nextPageCursor"] as? String == "")
        let one = try await BybitTradingTests.result(client.bybit("GET", "/v5/execution/list", query: "category=linear&orderLinkId=m-2"))
        #expect(Self.list(one).map { $0["execId"] as? String } == ["00000000-0000-4000-a000-000000000002"])
        let time = try #require((Self.list(one).first?["execTime"] as? String).flatMap { Int64($0) })
        let before = try await BybitTradingTests.result(client.bybit("GET", "/v5/execution/list", query: "category=linear&endTime=\(time - 1)"))
        #expect(Self.list(before).isEmpty)
    }

    @Test("more than 7 days between startTime and endTime, or a limit over 100, is a params error")
    func refusals() async throws {
        let (harness, client) = try await BybitTradingTests.start()
        defer { Task { await harness.stop() } }
        let wide = try await json(client.bybit("GET", "/v5/execution/list", query: "category=linear&startTime=0&endTime=604800001"))
        #expect(wide["retCode"] as? Int == 10001)
        let many = try await json(client.bybit("GET", "/v5/execution/list", query: "category=linear&limit=101"))
        #expect(many["retCode"] as? Int == 10001)
    }
}
