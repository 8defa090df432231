import Foundation
import HedgeCore
@testable import HedgeExchange
@testable import HedgeVenues
import Testing

/// Bybit v5 public streams and REST market data, served from the Bybit fixture.
@Suite("Local exchange: Bybit", .timeLimit(.minutes(3)))
struct BybitStreamTests {
    static let topics = ["orderbook.50.BTCUSDT", "tickers.BTCUSDT", "publicTrade.BTCUSDT"]

    /// The recorded linear BTCUSDT messages of those topics, framed under the names subscribed.
    static func expected(_ market: VenueMarket) -> [TapeMessage] {
        market.tape.messages.filter { $0.symbol == "BTCUSDT" && [.depth, .ticker, .trade].contains($0.channel) }
    }

    @Test("subscribe is answered as Bybit answers it, then the recording's messages follow in order under the topics asked for")
    func subscribeThenMessagesInOrder() async throws {
        let harness = try await ExchangeHarness.start([.bybitLinear: ExchangeHarness.bybit])
        defer { Task { await harness.stop() } }
        let market = harness.exchange.markets[.bybitLinear]!
        let expected = Self.expected(market)
        let request = #"{"op":"subscribe","args":["orderbook.50.BTCUSDT","tickers.BTCUSDT","publicTrade.BTCUSDT"],"req_id":"7"}"#
        let (messages, _) = try await ExchangeHarness.collect(harness.base(.bybitLinear).webSocket, send: [request]) { $0.count >= expected.count + 1 }
        let reply = try #require(try JSONSerialization.jsonObject(with: Data(messages[0].utf8)) as? [String: Any])
        #expect(reply["success"] as? Bool == true)
        #expect(reply["op"] as? String == "subscribe")
        #expect(reply["req_id"] as? String == "7")
        let data = Array(messages.dropFirst())
        #expect(data.count == expected.count)
        let names = ["orderbook.200.BTCUSDT": "orderbook.50.BTCUSDT"]
        #expect(data == expected.map { BybitStreams.frame($0, names[$0.topic] ?? $0.topic) })
        // The project's decoder reads them as it reads the recording: the same quotes.
        var live = BybitFeed(venue: "bybit-linear")
        for message in data { try live.feed(message) }
        var replay = BybitFeed(venue: "bybit-linear")
        for message in expected { try replay.feed(message.payload) }
        #expect(live.events.count == replay.events.count)
        #expect(live.events.compactMap(\.quote) == replay.events.compactMap(\.quote))
        #expect(!live.events.compactMap(\.quote).isEmpty)
    }

    @Test("A later subscriber gets a snapshot of the book as it stands (top 50, the last u), then the updates after it")
    func laterSubscriberGetsBuiltSnapshot() async throws {
        let harness = try await ExchangeHarness.start([.bybitLinear: ExchangeHarness.bybit])
        defer { Task { await harness.stop() } }
        let market = harness.exchange.markets[.bybitLinear]!
        let expected = Self.expected(market)
        let subscribeAll = #"{"op":"subscribe","args":["orderbook.200.BTCUSDT","tickers.BTCUSDT","publicTrade.BTCUSDT"]}"#
        // A first client plays the whole tape through.
        let (first, _) = try await ExchangeHarness.collect(harness.base(.bybitLinear).webSocket, send: [subscribeAll]) { $0.count >= expected.count + 1 }
        #expect(first.count == expected.count + 1)
        let (second, _) = try await ExchangeHarness.collect(harness.base(.bybitLinear).webSocket,
                                                             send: [#"{"op":"subscribe","args":["orderbook.50.BTCUSDT"]}"#]) { $0.count >= 2 }
        let snapshot = try #require(try JSONSerialization.jsonObject(with: Data(second[1].utf8)) as? [String: Any])
        #expect(snapshot["topic"] as? String == "orderbook.50.BTCUSDT")
        #expect(snapshot["type"] as? String == "snapshot")
        let data = try #require(snapshot["data"] as? [String: Any])
        let lastDepth = try #require(expected.last { $0.channel == .depth }?.depth)
        #expect((data["u"] as? NSNumber)?.int64Value == lastDepth.last)
        #expect((data["b"] as? [[String]])?.count == 50)
        // Its top of book is the one replay reaches at the end of the recording.
        var replay = BybitFeed(venue: "bybit-linear")
        for message in expected where message.channel == .depth { try replay.feed(message.payload) }
        var live = BybitFeed(venue: "bybit-linear")
        try live.feed(second[1])
        #expect(live.events.compactMap(\.quote).last.map { [$0.bid, $0.ask, $0.bidSize, $0.askSize] }
                == replay.events.compactMap(\.quote).last.map { [$0.bid, $0.ask, $0.bidSize, $0.askSize] })
    }

    @Test("ping is answered with pong; an unknown symbol or topic is refused with success false")
    func pingAndRefusals() async throws {
        let harness = try await ExchangeHarness.start([.bybitLinear: ExchangeHarness.bybit])
        defer { Task { await harness.stop() } }
        let requests = [#"{"op":"ping","req_id":"p1"}"#, #"{"op":"subscribe","args":["orderbook.50.NOPEUSDT"]}"#,
                        #"{"op":"subscribe","args":["kline.1.BTCUSDT"]}"#]
        let (messages, _) = try await ExchangeHarness.collect(harness.base(.bybitLinear).webSocket, send: requests) { $0.count >= 3 }
        #expect(messages[0].contains(#""success":true,"ret_msg":"pong""#))
        #expect(messages[0].contains(#""req_id":"p1","op":"ping""#))
        #expect(messages[1].contains(#""success":false,"ret_msg":"Invalid symbol :[orderbook.50.NOPEUSDT]""#))
        #expect(messages[2].contains(#""success":false"#))
    }

    @Test("REST: instruments-info per category in Bybit's envelope (the project's loader reads it), orderbook with retCode errors")
    func rest() async throws {
        let harness = try await ExchangeHarness.start([.bybitLinear: ExchangeHarness.bybit, .bybitSpot: ExchangeHarness.bybit])
        defer { Task { await harness.stop() } }
        let linear = try await harness.http("/v5/market/instruments-info?category=linear", on: .bybit)
        #expect(linear.status == 200)
        var catalog = ContractCatalog([])
        try catalog.load(try JSONSerialization.jsonObject(with: Data(linear.body.utf8)), file: "instruments-info")
        #expect((try? catalog.spec(venue: "bybit-linear", symbol: "BTCUSDT")) != nil)
        let spot = try await harness.http("/v5/market/instruments-info?category=spot", on: .bybit)
        #expect(spot.body.contains(#""category":"spot""#))
        let option = try await harness.http("/v5/market/instruments-info?category=option", on: .bybit)
        #expect(option.body.hasPrefix(#"{"retCode":10001,"retMsg":"Illegal category""#))
        let unknown = try await harness.http("/v5/market/orderbook?category=linear&symbol=NOPEUSDT", on: .bybit)
        #expect(unknown.body.hasPrefix(#"{"retCode":10001"#))
    }
}

extension MarketEvent {
    var quote: Quote? { if case .quote(_, let quote) = self { quote } else { nil } }
}
