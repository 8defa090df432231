import Foundation
import HedgeCore
@testable import HedgeExchange
@testable import HedgeVenues
import Testing

/// Binance's live requests on the socket and its REST answers, errors included.
@Suite("Local exchange: Binance requests", .timeLimit(.minutes(3)))
struct BinanceRequestsTests {
    @Test("On /ws, SUBSCRIBE is answered {\"result\":null,\"id\":1} and raw payloads follow; LIST_SUBSCRIPTIONS names them")
    func liveSubscribeOnRawSocket() async throws {
        let harness = try await ExchangeHarness.start([.binanceUSDM: ExchangeHarness.usdm])
        defer { Task { await harness.stop() } }
        let requests = [#"{"method":"SUBSCRIBE","params":["btcusdt@bookTicker"],"id":1}"#,
                        #"{"method":"LIST_SUBSCRIPTIONS","id":2}"#]
        let (messages, _) = try await ExchangeHarness.collect(harness.base(.binanceUSDM).webSocket + "/ws", send: requests) { $0.count >= 12 }
        #expect(messages.first == #"{"result":null,"id":1}"#)
        #expect(messages.contains(#"{"result":["btcusdt@bookTicker"],"id":2}"#))
        let payloads = messages.filter { $0.hasPrefix("{\"e\":\"bookTicker\"") }
        #expect(payloads.count >= 10)
        // Raw payloads are the recording's data objects, which the decoder reads once wrapped.
        let recorded = try recordedStreamLines(ExchangeHarness.fixture("usdm_btcusdt_head.gz")).filter { $0.contains("@bookTicker") }
        #expect(payloads.map { "{\"stream\":\"btcusdt@bookTicker\",\"data\":\($0)}" } == Array(recorded.prefix(payloads.count)))
    }

    @Test("A request that is not JSON or names no method gets Binance's error body")
    func badRequests() async throws {
        let harness = try await ExchangeHarness.start([.binanceUSDM: ExchangeHarness.usdm])
        defer { Task { await harness.stop() } }
        let (messages, _) = try await ExchangeHarness.collect(harness.base(.binanceUSDM).webSocket + "/ws",
                                                               send: ["not json", #"{"id":5}"#, #"{"method":"FROB","params":[],"id":6}"#]) { $0.count >= 3 }
        #expect(messages[0].contains(#""code":3"#))
        #expect(messages[1] == #"{"error":{"code":2,"msg":"Invalid request: missing field `method`"},"id":5}"#)
        #expect(messages[2].hasPrefix(#"{"error":{"code":2,"msg":"Invalid request: unknown variant `FROB`"#))
    }

    @Test("REST: depth for an unknown symbol is HTTP 400 {\"code\":-1121,\"msg\":\"Invalid symbol.\"}; without one -1102")
    func depthErrors() async throws {
        let harness = try await ExchangeHarness.start([.binanceUSDM: ExchangeHarness.usdm])
        defer { Task { await harness.stop() } }
        let unknown = try await harness.http("/fapi/v1/depth?symbol=NOPEUSDT", on: .binanceUSDM)
        #expect(unknown.status == 400)
        #expect(unknown.body == #"{"code":-1121,"msg":"Invalid symbol."}"#)
        let missing = try await harness.http("/fapi/v1/depth", on: .binanceUSDM)
        #expect(missing.status == 400)
        #expect(missing.body.contains("-1102"))
        let elsewhere = try await harness.http("/dapi/v1/depth?symbol=BTCUSDT", on: .binanceUSDM)
        #expect(elsewhere.status == 404)
    }

    @Test("REST: before the stream reaches the recorded snapshot, depth answers that snapshot, limited to `limit` levels")
    func depthBeforeTheStreamStarts() async throws {
        let harness = try await ExchangeHarness.start([.binanceUSDM: ExchangeHarness.usdm])
        defer { Task { await harness.stop() } }
        let reply = try await harness.http("/fapi/v1/depth?symbol=BTCUSDT&limit=5", on: .binanceUSDM)
        #expect(reply.status == 200)
        #expect(reply.headers["content-type"] == "application/json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any])
        #expect((object["lastUpdateId"] as? NSNumber)?.int64Value == 5123107852948)
        let bids = try #require(object["bids"] as? [[String]])
        #expect(bids.count == 5)
        #expect(bids[0] == ["61800.20", "2.909"])
    }

    @Test("REST: exchangeInfo serves the recorded file's response; spot's is built from the contract table")
    func exchangeInfo() async throws {
        let usdmSpecs = ExchangeHarness.sharedData.appendingPathComponent("contract_specs/20210722_fapi.binance.com_fapi_v1_exchangeInfo.json").path
        try #require(FileManager.default.fileExists(atPath: usdmSpecs), "shared/data is missing")
        let venues: [ExchangeVenue: ExchangeConfiguration.VenueSource] = [
            .binanceSpot: ExchangeHarness.spot,
            .binanceUSDM: .init(files: ExchangeHarness.usdm.files, specs: usdmSpecs),
        ]
        let harness = try await ExchangeHarness.start(venues)
        defer { Task { await harness.stop() } }
        let spot = try await harness.http("/api/v3/exchangeInfo", on: .binanceSpot)
        #expect(spot.status == 200)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(spot.body.utf8)) as? [String: Any])
        let symbols = try #require(object["symbols"] as? [[String: Any]])
        #expect(symbols.map { $0["symbol"] as? String } == ["BTCUSDT"])
        let filters = try #require(symbols[0]["filters"] as? [[String: Any]])
        #expect(filters.first { $0["filterType"] as? String == "PRICE_FILTER" }?["tickSize"] as? String == "0.01")
        let usdm = try await harness.http("/fapi/v1/exchangeInfo", on: .binanceUSDM)
        #expect(usdm.body.contains(#""futuresType":"U_MARGINED""#))
        // The project's own spec loader reads it.
        var catalog = ContractCatalog([])
        try catalog.load(try JSONSerialization.jsonObject(with: Data(usdm.body.utf8)), file: "exchangeInfo")
        #expect((try? catalog.spec(venue: "binance-usdm", symbol: "BTCUSDT")) != nil)
    }

    @Test("REST: without a recorded file, USD-M's exchangeInfo is built in the futures shape and loads back as the built-in contract")
    func builtInFuturesExchangeInfo() async throws {
        let harness = try await ExchangeHarness.start([.binanceUSDM: ExchangeHarness.usdm])
        defer { Task { await harness.stop() } }
        let reply = try await harness.http("/fapi/v1/exchangeInfo", on: .binanceUSDM)
        #expect(reply.status == 200)
        let object = try JSONSerialization.jsonObject(with: Data(reply.body.utf8))
        let symbol = try #require(((object as? [String: Any])?["symbols"] as? [[String: Any]])?.first)
        #expect(symbol["contractType"] as? String == "PERPETUAL")
        #expect(symbol["marginAsset"] as? String == "USDT")
        var catalog = ContractCatalog([])
        try catalog.load(object, file: "exchangeInfo")
        let loaded = try catalog.spec(venue: "binance-usdm", symbol: "BTCUSDT")
        let builtIn = try ContractCatalog.builtIn.spec(venue: "binance-usdm", symbol: "BTCUSDT")
        #expect(loaded.kind == .perpetual)
        #expect(loaded.tickSize == builtIn.tickSize && loaded.lotStep == builtIn.lotStep && loaded.minQuantity == builtIn.minQuantity)
    }

    @Test("The synthesized markPrice stream is served on USD-M and parses as mark and funding events")
    func synthesizedMarkPrice() async throws {
        let harness = try await ExchangeHarness.start([.binanceUSDM: ExchangeHarness.usdm])
        defer { Task { await harness.stop() } }
        let url = harness.base(.binanceUSDM).webSocket + "/stream?streams=btcusdt@markPrice"
        let (messages, _) = try await ExchangeHarness.collect(url) { $0.count >= 2 }
        #expect(messages[0].hasPrefix(#"{"stream":"btcusdt@markPrice","data":{"e":"markPriceUpdate""#))
        var feed = BinanceFeed(venue: "binance-usdm", symbol: "BTCUSDT")
        for message in messages { try feed.feed(message) }
        #expect(feed.events.contains { if case .mark = $0 { true } else { false } })
        #expect(feed.events.contains { if case .fundingRate = $0 { true } else { false } })
        #expect(harness.exchange.notes.contains { $0.contains("SYNTHESIZED") })
    }
}
