import Foundation
import HedgeCore
@testable import HedgeExchange
import Logging
import MetricsScrape
import Testing
import WSClient

/// Bybit v5's private WebSocket: auth, subscribe, and the account's order, execution, position
/// and wallet messages after a market order (best ask 65114.30 of the recording's first snapshot).
@Suite("Local exchange: Bybit private stream", .timeLimit(.minutes(2)))
struct BybitPrivateStreamTests {
    static func url(_ harness: ExchangeHarness) -> String {
        harness.base(.bybitLinear).rest.replacingOccurrences(of: "http://", with: "ws://") + "/v5/private"
    }

    static func auth(_ client: SignedClient, expires: Int64, secret: String? = nil) -> String {
        let sign = RequestSignature.hex(secret: secret ?? client.secret, payload: "GET/realtime\(expires)")
        return #"{"op":"auth","args":["\#(client.key)",\#(expires),"\#(sign)"],"req_id":"a"}"#
    }

    /// Sends `requests` one after another, each after the answer to the one before, then runs
    /// `then` and reads until `until` says stop (at once if it already does).
    static func session(_ url: String, _ requests: [String], then: @escaping @Sendable () async throws -> Void = {},
                        until stop: @escaping @Sendable ([String]) -> Bool) async throws -> [String] {
        let box = MessageBox()
        _ = try await withTaskExecutorPreference(DedicatedExecutor()) {
            try await WebSocketClient.connect(url: url, logger: ExchangeHarness.logger) { inbound, outbound, _ in
                var iterator = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                for request in requests {
                    try await outbound.write(.text(request))
                    guard case .text(let answer)? = try await iterator.next() else { return }
                    _ = box.append(answer)
                }
                try await then()
                if stop(box.messages) { return }
                while case .text(let text)? = try await iterator.next() {
                    if stop(box.append(text)) { return }
                }
            }
        }
        return box.messages
    }

    @Test("auth with a wrong sign or an expired time fails; subscribe before auth is refused")
    func refusals() async throws {
        let (harness, client) = try await BybitTradingTests.start()
        defer { Task { await harness.stop() } }
        let now = try await client.bybitTime()
        let answers = try await Self.session(Self.url(harness), [
            #"{"op":"subscribe","args":["order"],"req_id":"s"}"#,
            Self.auth(client, expires: now + 10_000, secret: "wrong"),
            Self.auth(client, expires: now - 1),
        ], until: { _ in true })
        let objects = try answers.prefix(3).map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(objects.map { $0["success"] as? Bool } == [false, false, false])
        #expect(objects[0]["ret_msg"] as? String == "Request not authorized")
        #expect((objects[1]["ret_msg"] as? String)?.hasPrefix("error sign!") == true)
    }

    @Test("after auth and subscribe, a market order brings order (New, Filled), execution, position and wallet messages")
    func events() async throws {
        let (harness, client) = try await BybitTradingTests.start()
        defer { Task { await harness.stop() } }
        let now = try await client.bybitTime()
        let answers = try await Self.session(Self.url(harness), [
            Self.auth(client, expires: now + 10_000),
            #"{"op":"subscribe","args":["order","execution","position","wallet"],"req_id":"s"}"#,
        ], then: {
            _ = try await client.bybit("POST", "/v5/order/create", body: #"{"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Market","qty":"0.010"}"#)
        }, until: { messages in messages.contains { $0.contains(#""topic":"wallet""#) } })
        let objects = try answers.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(objects.prefix(2).map { $0["success"] as? Bool } == [true, true], "\(answers.prefix(2))")
        func data(_ topic: String) -> [[String: Any]] {
            objects.filter { $0["topic"] as? String == topic }.compactMap { ($0["data"] as? [[String: Any]])?.first }
        }
        #expect(data("order").map { $0["orderStatus"] as? String } == ["New", "Filled"])
        let execution = try #require(data("execution").first)
        // 0.010 at 65114.30; fee 651.143 × 0.00055 = 0.35812865, taker.
        #expect(execution["execQty"] as? String == "0.01" && execution["execPrice"] as? String == "65114.3")
        #expect(execution["execFee"] as? String == "0.35812865" && execution["isMaker"] as? Bool == false && execution["feeRate"] as? String == "0.00055")
        let position = try #require(data("position").first)
        #expect(position["size"] as? String == "0.01" && position["side"] as? String == "Buy" && position["entryPrice"] as? String == "65114.3")
        let coin = try #require((data("wallet").first?["coin"] as? [[String: Any]])?.first)
        #expect(coin["coin"] as? String == "USDT" && coin["walletBalance"] as? String == "99999.64187135")
    }
}
