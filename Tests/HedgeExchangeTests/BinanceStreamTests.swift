import Foundation
import HedgeCore
@testable import HedgeExchange
@testable import HedgeVenues
import MetricsScrape
import Synchronization
import Testing

/// Binance's market streams and REST market data, served from the USD-M fixture, read by a real
/// WebSocket client and the project's own replay decoder.
@Suite("Local exchange: Binance", .timeLimit(.minutes(3)))
struct BinanceStreamTests {
    @Test("A combined stream carries the recording's messages byte for byte, in the recording's order")
    func combinedStreamInOrder() async throws {
        let harness = try await ExchangeHarness.start([.binanceUSDM: ExchangeHarness.usdm])
        defer { Task { await harness.stop() } }
        let recorded = try recordedStreamLines(ExchangeHarness.fixture("usdm_btcusdt_head.gz"))
        let url = harness.base(.binanceUSDM).webSocket + "/stream?streams=btcusdt@depth@0ms/btcusdt@bookTicker/btcusdt@trade"
        let (messages, _) = try await ExchangeHarness.collect(url) { $0.count >= recorded.count }
        #expect(messages.count == recorded.count)
        #expect(messages == recorded)
        // The replay decoder parses every one of them.
        var feed = BinanceFeed(venue: "binance-usdm", symbol: "BTCUSDT")
        for message in messages { try feed.feed(message) }
        #expect(feed.events.contains { if case .quote = $0 { true } else { false } })
    }

    @Test("REST depth plus the stream build the book replay builds (top 20 levels identical), following Binance's sync procedure")
    func restSnapshotAndStreamGiveReplaysBook() async throws {
        let harness = try await ExchangeHarness.start([.binanceUSDM: ExchangeHarness.usdm])
        defer { Task { await harness.stop() } }
        let replay = try BinanceFeed.replayed(ExchangeHarness.fixture("usdm_btcusdt_head.gz"), venue: "binance-usdm", symbol: "BTCUSDT")
        let depthMessages = try recordedStreamLines(ExchangeHarness.fixture("usdm_btcusdt_head.gz")).filter { $0.contains("@depth") }.count
        let book = try await syncedBook(harness, depthMessages: depthMessages)
        #expect(book.resyncs == 1)
        #expect(book.feed.top("BTCUSDT") == replay.top("BTCUSDT"))
        #expect(book.feed.top("BTCUSDT")?.bids.count == 20)
    }

    @Test("A skipped sequence id is a gap the client sees; a new REST snapshot brings it back to replay's book")
    func skipForcesResyncToTheSameBook() async throws {
        // Paced at 5× (the fixture's 11 s in about 2 s).
        let harness = try await ExchangeHarness.start([.binanceUSDM: ExchangeHarness.usdm], speed: 5)
        defer { Task { await harness.stop() } }
        let replay = try BinanceFeed.replayed(ExchangeHarness.fixture("usdm_btcusdt_head.gz"), venue: "binance-usdm", symbol: "BTCUSDT")
        let depthMessages = try recordedStreamLines(ExchangeHarness.fixture("usdm_btcusdt_head.gz")).filter { $0.contains("@depth") }.count
        // Once the client has its snapshot, a depth update it has not been sent is never sent: the
        // next one, but not before the 100th of the tape. A client synced early gets the recorded
        // snapshot, which lies ahead of the stream: an update it covers would be no gap.
        let market = harness.exchange.markets[.binanceUSDM]!
        let depthIndexes = market.tape.messages.indices.filter { market.tape.messages[$0].channel == .depth }
        let skipped = Mutex<[Int]>([])
        let book = try await syncedBook(harness, depthMessages: depthMessages - 1) {
            skipped.withLock { $0 = market.skipDepth(count: 1, from: max(market.position, depthIndexes[99])) }
        }
        #expect(skipped.withLock { $0.count } == 1)
        #expect(book.gaps == 1)
        #expect(book.resyncs == 2)
        #expect(book.feed.top("BTCUSDT") == replay.top("BTCUSDT"))
    }

    /// Follows Binance's documented local-book procedure over the exchange: subscribe, fetch the
    /// REST snapshot, apply buffered updates, and on a gap fetch a new snapshot.
    func syncedBook(_ harness: ExchangeHarness, depthMessages: Int,
                    whenSynced: (@Sendable () -> Void)? = nil) async throws -> (feed: BinanceFeed, resyncs: Int, gaps: Int) {
        let port = harness.port(.binanceUSDM)
        let state = SyncState()
        state.whenSynced = whenSynced
        let url = harness.base(.binanceUSDM).webSocket + "/stream?streams=btcusdt@depth@100ms"
        _ = try await ExchangeHarness.collect(url) { messages in
            await state.step(messages.last!, port: port)
            return messages.count >= depthMessages
        }
        return state.result
    }
}

/// The client side of the sync procedure (called from the WebSocket handler, one message at a time).
final class SyncState: @unchecked Sendable {
    private var feed = BinanceFeed(venue: "binance-usdm", symbol: "BTCUSDT")
    private var needsSnapshot = true
    private var resyncs = 0
    private var gaps = 0
    private var lastSnapshot = ""
    /// Called once, when the first snapshot is applied.
    var whenSynced: (@Sendable () -> Void)?

    var result: (feed: BinanceFeed, resyncs: Int, gaps: Int) { (feed, resyncs, gaps) }

    func step(_ message: String, port: UInt16) async {
        do {
            try feed.feed(message)
        } catch where error.kind == .bookGap {
            gaps += 1
            needsSnapshot = true
        } catch {
            Issue.record("the decoder refused a message: \(error); snapshot \(lastSnapshot.prefix(300)); message \(message.prefix(400))")
        }
        guard needsSnapshot else { return }
        needsSnapshot = false
        resyncs += 1
        do {
            let reply = try await offPool { try LoopbackHTTP.request("GET", "/fapi/v1/depth?symbol=BTCUSDT&limit=1000", port: port, timeout: 30) }
            #expect(reply.status == 200)
            lastSnapshot = reply.body
            try feed.snapshot(reply.body, symbol: "BTCUSDT")
            whenSynced?()
            whenSynced = nil
        } catch {
            Issue.record("the snapshot failed: \(error)")
        }
    }
}
