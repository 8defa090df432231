import Foundation
import HedgeCore
import HedgeVenues
import Testing
@testable import HedgeLive

/// The Binance connector as a value: raw messages and connection events in, actions out; no
/// network, no clock, no sleeps.
@Suite struct BinanceConnectorTests {
    let t0 = Timestamp(milliseconds: 1_723_161_255_000)

    @Test func startOpensTheCombinedStreamOfEverySymbol() {
        var harness = ConnectorHarness(symbols: ["BTCUSDT", "ETHUSDT"])
        let actions = harness.send(.start(at: t0))
        #expect(actions.contains(.connect(url: "wss://fstream.binance.com/stream?streams=btcusdt@bookTicker/btcusdt@depth@0ms/btcusdt@markPrice@1s/btcusdt@trade/ethusdt@bookTicker/ethusdt@depth@0ms/ethusdt@markPrice@1s/ethusdt@trade")))
        #expect(harness.connector.health(at: t0).state == .connecting)
    }

    @Test func spotAndCoinMUseTheirOwnStreamsAndRESTPaths() {
        let spot = BinanceConnector(.init(kind: .binanceSpot, symbols: ["BTCUSDT"]))
        #expect(spot.streamURL == "wss://stream.binance.com:9443/stream?streams=btcusdt@bookTicker/btcusdt@depth@100ms/btcusdt@trade")
        #expect(spot.snapshotURL("BTCUSDT") == "https://api.binance.com/api/v3/depth?symbol=BTCUSDT&limit=1000")
        let coinM = BinanceConnector(.init(kind: .binanceCOINM, symbols: ["BTCUSD_PERP"], restURL: "http://127.0.0.1:9000/"))
        #expect(coinM.snapshotURL("BTCUSD_PERP") == "http://127.0.0.1:9000/dapi/v1/depth?symbol=BTCUSD_PERP&limit=1000")
    }

    @Test func connectingFetchesASnapshotPerSymbolAndWaitsForIt() {
        var harness = ConnectorHarness(symbols: ["BTCUSDT", "ETHUSDT"])
        harness.send(.start(at: t0))
        let actions = harness.send(.connected(at: t0))
        #expect(actions.contains(.fetchSnapshot(symbol: "BTCUSDT", url: "https://fapi.binance.com/fapi/v1/depth?symbol=BTCUSDT&limit=1000")))
        #expect(actions.contains(.fetchSnapshot(symbol: "ETHUSDT", url: "https://fapi.binance.com/fapi/v1/depth?symbol=ETHUSDT&limit=1000")))
        // Books not started yet: still connecting, not live.
        #expect(harness.connector.health(at: t0).state == .connecting)
    }

    @Test func diffsBeforeTheSnapshotAreBufferedThenTheBookGoesLive() throws {
        let lines = try LiveFixtures.usdmHead()
        var harness = ConnectorHarness()
        harness.open(at: lines[0].0)
        harness.feed(Array(lines.prefix(54)))
        #expect(harness.connector.health(at: lines[53].0).state == .connecting)
        harness.feed(Array(lines.dropFirst(54)))
        let last = lines[lines.count - 1].0
        let health = harness.connector.health(at: last)
        #expect(health.state == .live)
        #expect(health.lastMessageAt == last)
        #expect(harness.delivered.contains { if case .depth = $0 { true } else { false } })
        #expect(harness.connector.faults.isEmpty)
    }

    @Test func theLiveBookEqualsTheBookReplayBuildsFromTheSameFile() throws {
        let lines = try LiveFixtures.usdmHead()
        var harness = ConnectorHarness()
        harness.open(at: lines[0].0)
        harness.feed(lines)
        var replay = try ReplayFeed(sources: [ReplaySource(path: LiveFixtures.usdmHeadPath, format: .binance(venue: "binance-usdm"))],
                                    instruments: [InstrumentID(venue: "binance-usdm", symbol: "BTCUSDT")])
        var replayed: [MarketEvent] = []
        while let event = replay.next() { replayed.append(event) }
        let time = Timestamp.zero
        let live = try #require(harness.connector.book(of: "BTCUSDT"))
        #expect(live.depth(levels: 20, time: time) == rebuiltBook(replayed, symbol: "BTCUSDT").depth(levels: 20, time: time))
        #expect(rebuiltBook(harness.delivered, symbol: "BTCUSDT").depth(levels: 20, time: time) == live.depth(levels: 20, time: time))
        #expect(live.depth(levels: 20, time: time).bids.count == 20)
    }

    @Test func aGapResyncsFromANewSnapshotAndSaysSo() throws {
        let lines = try LiveFixtures.usdmHead()
        var harness = ConnectorHarness()
        harness.open(at: lines[0].0)
        harness.feed(lines)
        let at = lines[lines.count - 1].0 + .milliseconds(10)
        // pu does not continue the last u: a diff was lost.
        let gap = #"{"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate","E":1723161300000,"T":1723161300000,"s":"BTCUSDT","U":9999999999990,"u":9999999999999,"pu":9999999999980,"b":[],"a":[]}}"#
        let actions = harness.send(.message(Array(gap.utf8), at: at))
        #expect(actions.contains(.fetchSnapshot(symbol: "BTCUSDT", url: "https://fapi.binance.com/fapi/v1/depth?symbol=BTCUSDT&limit=1000")))
        let health = harness.connector.health(at: at)
        #expect(health.state == .resyncing)
        #expect(health.blockReason?.contains("resyncing") == true)
        #expect(harness.logs.contains { $0.contains("resyncing BTCUSDT") })
        // A second diff while the snapshot is on its way asks for no second snapshot.
        let next = #"{"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate","E":1723161300001,"T":1723161300001,"s":"BTCUSDT","U":10000000000000,"u":10000000000005,"pu":9999999999999,"b":[["61000.0","1.000"]],"a":[["61001.0","1.000"]]}}"#
        let again = harness.send(.message(Array(next.utf8), at: at + .milliseconds(1)))
        #expect(!again.contains { if case .fetchSnapshot = $0 { true } else { false } })
        // The new snapshot covers the buffered diff: the book is in sequence, the venue live.
        let snapshot = #"{"lastUpdateId":10000000000002,"E":1723161300002,"T":1723161300002,"bids":[["60999.0","2.000"]],"asks":[["61002.0","2.000"]]}"#
        harness.send(.snapshot(symbol: "BTCUSDT", body: Array(snapshot.utf8), at: at + .milliseconds(2)))
        #expect(harness.connector.health(at: at + .milliseconds(2)).state == .live)
        let book = try #require(harness.connector.book(of: "BTCUSDT"))
        let bid: FixedDecimal = "61000.0", ask: FixedDecimal = "61001.0"
        #expect(book.top(time: .zero)?.bid == bid)
        #expect(book.top(time: .zero)?.ask == ask)
        #expect(harness.logs.contains { $0.contains("in sequence again") })
    }

    @Test func silenceIsStaleThenDownThenAReconnectIsLiveAgain() throws {
        let lines = try LiveFixtures.usdmHead()
        var harness = ConnectorHarness()
        harness.open(at: lines[0].0)
        harness.feed(lines)
        let last = lines[lines.count - 1].0
        harness.send(.tick(at: last + .seconds(2)))
        #expect(harness.connector.health(at: last + .seconds(2)).state == .live)
        harness.send(.tick(at: last + .milliseconds(3_100)))
        let stale = harness.connector.health(at: last + .milliseconds(3_100))
        #expect(stale.state == .stale)
        #expect(stale.detail == "no message for 3.1s (limit 3.0s)")
        // Past the silence limit: dropped, down, a reconnect scheduled with backoff.
        let dropped = harness.send(.tick(at: last + .seconds(16)))
        #expect(dropped.contains { if case .close = $0 { true } else { false } })
        #expect(harness.connector.health(at: last + .seconds(16)).state == .down)
        // Nothing before the backoff is over (at most 500 ms, at least 250 ms).
        #expect(harness.send(.tick(at: last + .milliseconds(16_200))).isEmpty)
        let retry = harness.send(.tick(at: last + .milliseconds(16_600)))
        #expect(retry.contains(.connect(url: harness.connector.streamURL)))
        let reopened = harness.send(.connected(at: last + .milliseconds(16_700)))
        #expect(reopened.contains { if case .record(let line) = $0 { line.kind == .marker } else { false } })
        #expect(reopened.contains { if case .fetchSnapshot = $0 { true } else { false } })
        // The same data again after the reconnect: the venue reports itself live.
        let shifted = lines.map { ($0.0 + .seconds(17), $0.1) }
        harness.feed(shifted)
        #expect(harness.connector.health(at: shifted[shifted.count - 1].0).state == .live)
        #expect(harness.logs.contains { $0.contains("reconnected") })
    }

    @Test func aConnectionIsRenewedBeforeBinancesDailyCut() {
        var harness = ConnectorHarness()
        harness.open(at: t0)
        let body = #"{"stream":"btcusdt@trade","data":{"e":"trade","E":1723161256624,"T":1723161256624,"s":"BTCUSDT","t":1,"p":"61800.30","q":"0.003","X":"MARKET","m":false}}"#
        var time = t0
        // Messages keep coming all day; just before 24 h the connector reconnects by itself.
        var renewed: [ConnectorAction] = []
        while time < t0 + .seconds(24 * 3600), renewed.isEmpty {
            time = time + .seconds(10)
            harness.send(.message(Array(body.utf8), at: time))
            let actions = harness.send(.tick(at: time))
            if actions.contains(where: { if case .connect = $0 { true } else { false } }) { renewed = actions }
        }
        #expect(time == t0 + .seconds(23 * 3600 + 50 * 60))
        #expect(renewed.contains { if case .close = $0 { true } else { false } })
    }

    @Test func aRefusedSnapshotMarksTheVenueDownWithTheReasonAndRetriesSlowly() {
        var harness = ConnectorHarness()
        harness.open(at: t0)
        let reason = "HTTP 451 from fapi.binance.com: the venue refuses service from this location (region blocked)"
        harness.send(.snapshotFailed(symbol: "BTCUSDT", reason: reason, fatal: true, at: t0))
        let health = harness.connector.health(at: t0)
        #expect(health.state == .down)
        #expect(health.detail?.contains("451") == true)
        #expect(harness.send(.tick(at: t0 + .seconds(59))).isEmpty)
        #expect(harness.send(.tick(at: t0 + .seconds(60))).contains(.connect(url: harness.connector.streamURL)))
    }

    @Test func aMalformedFrameIsCountedAndLoggedAndNothingElseChanges() throws {
        let lines = try LiveFixtures.usdmHead()
        var harness = ConnectorHarness()
        harness.open(at: lines[0].0)
        harness.feed(lines)
        let at = lines[lines.count - 1].0
        let actions = harness.send(.message(Array(#"{"stream":"btcusdt@bookTicker","data":{"e":"bookTicker","b":"x"#.utf8), at: at))
        #expect(harness.connector.faults[.malformedJSON] == 1)
        #expect(actions.contains { if case .log(.warning, let text) = $0 { text.contains("refused") } else { false } })
        #expect(harness.connector.health(at: at).state == .live)
    }

    @Test func aClosedConnectionBacksOffExponentiallyWithSeededJitter() {
        var harness = ConnectorHarness(seed: 11)
        harness.open(at: t0)
        var time = t0
        var delays: [Duration] = []
        for _ in 0..<8 {
            harness.send(.closed(reason: "closed by the venue (code 1006)", fatal: false, at: time))
            let closedAt = time
            // Step until the connector asks to connect again.
            repeat { time = time + .milliseconds(10) } while !harness.send(.tick(at: time)).contains { if case .connect = $0 { true } else { false } }
            delays.append(time - closedAt)
        }
        // Each delay lies in [d/2, d] of 0.5 s × 2^n, capped at 30 s.
        for (n, delay) in delays.enumerated() {
            let full = min(Duration.milliseconds(500) * (1 << n), .seconds(30))
            #expect(delay >= full / 2 && delay <= full + .milliseconds(10), "attempt \(n): \(delay)")
        }
        var again = ConnectorHarness(seed: 11)
        again.open(at: t0)
        var other = Backoff(seed: 11)
        var same = Backoff(seed: 11)
        #expect((0..<5).map { _ in other.nextDelay() } == (0..<5).map { _ in same.nextDelay() })
    }

    @Test func aConnectionThatNeverOpensIsDownAtTheConnectTimeoutAndTriedAgain() {
        var harness = ConnectorHarness()
        harness.send(.start(at: t0))
        #expect(harness.connector.health(at: t0 + .milliseconds(4900)).state == .connecting)
        harness.send(.tick(at: t0 + .milliseconds(4900)))
        #expect(harness.connector.health(at: t0 + .milliseconds(4900)).state == .connecting)
        harness.send(.tick(at: t0 + .milliseconds(5100)))
        let health = harness.connector.health(at: t0 + .milliseconds(5100))
        #expect(health.state == .down)
        #expect(health.detail?.contains("no answer within 5.0s") == true, "\(health)")
        var time = t0 + .milliseconds(5100)
        var again = false
        for _ in 0..<200 where !again {
            time = time + .milliseconds(100)
            again = harness.send(.tick(at: time)).contains { if case .connect = $0 { true } else { false } }
        }
        #expect(again)
    }
}
