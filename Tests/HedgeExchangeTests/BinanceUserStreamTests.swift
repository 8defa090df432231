import Foundation
import HedgeCore
@testable import HedgeExchange
import Logging
import MetricsScrape
import Testing
import WSClient

/// Binance USD-M's user data stream: listen keys over REST and the account's events on
/// `/ws/<listenKey>`, against the recording's first snapshot (best ask 61800.30 × 1.072).
@Suite("Local exchange: Binance user data stream", .timeLimit(.minutes(2)))
struct BinanceUserStreamTests {
    func listenKey(_ client: SignedClient, _ method: String) async throws -> HTTPReply {
        try await client.harness.http("/fapi/v1/listenKey", method: method, on: .binanceUSDM, headers: ["X-MBX-APIKEY: \(client.key)"])
    }

    @Test("POST makes one key per account (asked again, the same), PUT keeps it, DELETE ends it (then PUT is -1125); an unknown API key is -2015")
    func listenKeys() async throws {
        let (harness, client) = try await BinanceTradingTests.start()
        defer { Task { await harness.stop() } }
        let key = try #require(try await json(listenKey(client, "POST"))["listenKey"] as? String)
        #expect(key.count == 64)
        #expect(try await json(listenKey(client, "POST"))["listenKey"] as? String == key)
        #expect(try await json(listenKey(client, "PUT"))["listenKey"] as? String == key)
        #expect(try await listenKey(client, "DELETE").body == "{}")
        let gone = try await listenKey(client, "PUT")
        #expect(try gone.status == 400 && json(gone)["code"] as? Int == -1125)
        var stranger = client
        stranger.key = "not-a-key"
        #expect(try await json(listenKey(stranger, "POST"))["code"] as? Int == -2015)
    }

    @Test("a market order is told on the stream: ORDER_TRADE_UPDATE NEW, then TRADE/FILLED with the fill and fee, then ACCOUNT_UPDATE")
    func orderEvents() async throws {
        let (harness, client) = try await BinanceTradingTests.start()
        defer { Task { await harness.stop() } }
        let key = try #require(try await json(listenKey(client, "POST"))["listenKey"] as? String)
        let box = MessageBox()
        let url = harness.base(.binanceUSDM).webSocket + "/ws/" + key
        _ = try await withTaskExecutorPreference(DedicatedExecutor()) {
            try await WebSocketClient.connect(url: url, logger: ExchangeHarness.logger) { inbound, _, _ in
                // Connected: the exchange subscribed before it answered the handshake.
                _ = try await client.binance("POST", "/fapi/v1/order", [("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "MARKET"), ("quantity", "0.010")])
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    guard case .text(let text) = message else { continue }
                    if box.append(text).count == 3 { return }
                }
            }
        }
        let events = try box.messages.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        try #require(events.count == 3)
        let accepted = try #require(events[0]["o"] as? [String: Any])
        #expect(events[0]["e"] as? String == "ORDER_TRADE_UPDATE" && accepted["x"] as? String == "NEW" && accepted["X"] as? String == "NEW")
        let trade = try #require(events[1]["o"] as? [String: Any])
        // 0.010 at 61800.30; fee 618.003 × 0.0005 = 0.3090015, taker.
        #expect(trade["x"] as? String == "TRADE" && trade["X"] as? String == "FILLED" && trade["l"] as? String == "0.01")
        #expect(trade["L"] as? String == "61800.3" && trade["n"] as? String == "0.3090015" && trade["N"] as? String == "USDT" && trade["m"] as? Bool == false)
        #expect(events[2]["e"] as? String == "ACCOUNT_UPDATE")
        let account = try #require(events[2]["a"] as? [String: Any])
        let wallet = try #require((account["B"] as? [[String: Any]])?.first)
        let position = try #require((account["P"] as? [[String: Any]])?.first)
        #expect(wallet["a"] as? String == "USDT" && wallet["wb"] as? String == "99999.6909985")
        #expect(position["s"] as? String == "BTCUSDT" && position["pa"] as? String == "0.01" && position["ep"] as? String == "61800.3")
    }

    @Test("an order taking two levels is two TRADE updates (PARTIALLY_FILLED, FILLED) whose trade ids are userTrades' ids")
    func oneUpdatePerTrade() async throws {
        let (harness, client) = try await BinanceTradingTests.start()
        defer { Task { await harness.stop() } }
        let key = try #require(try await json(listenKey(client, "POST"))["listenKey"] as? String)
        let box = MessageBox()
        let url = harness.base(.binanceUSDM).webSocket + "/ws/" + key
        _ = try await withTaskExecutorPreference(DedicatedExecutor()) {
            try await WebSocketClient.connect(url: url, logger: ExchangeHarness.logger) { inbound, _, _ in
                _ = try await client.binance("POST", "/fapi/v1/order", [("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "MARKET"), ("quantity", "1.073")])
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    guard case .text(let text) = message else { continue }
                    if box.append(text).count == 4 { return }
                }
            }
        }
        let events = try box.messages.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        try #require(events.count == 4)
        let updates = events.prefix(3).compactMap { $0["o"] as? [String: Any] }
        #expect(updates.map { $0["X"] as? String } == ["NEW", "PARTIALLY_FILLED", "FILLED"])
        // 1.072 at 61800.30, then 0.001 at 61800.70.
        #expect(updates.map { $0["l"] as? String } == ["0", "1.072", "0.001"] && updates.map { $0["z"] as? String } == ["0", "1.072", "1.073"])
        #expect(updates.map { $0["L"] as? String } == ["0", "61800.3", "61800.7"])
        let trades = try await jsonArray(client.binance("GET", "/fapi/v1/userTrades", [("symbol", "BTCUSDT")]))
        #expect(updates.dropFirst().map { $0["t"] as? Int64 } == trades.map { $0["id"] as? Int64 } && trades.count == 2)
        #expect(events[3]["e"] as? String == "ACCOUNT_UPDATE")
    }
}
