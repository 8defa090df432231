import Foundation
import HedgeCore
import HedgeVenues
import Testing
@testable import HedgeLive

/// The Bybit v5 connector as a value: subscribe, ping every 20 s, follow the order book's update
/// ids, resubscribe on a gap; record what the decoder was fed, which replay reads back the same.
@Suite struct BybitConnectorTests {
    static var fixturePath: String {
        Bundle.module.path(forResource: "bybit_linear_btcusdt_20260809_head300", ofType: "gz", inDirectory: "Fixtures")!
    }

    static func lines() throws -> [(Timestamp, [UInt8])] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "gzip -dc '\(fixturePath)'"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data.split(separator: UInt8(ascii: "\n")).map { line in
            let space = line.firstIndex(of: UInt8(ascii: " "))!
            return (Timestamp(nanoseconds: Int64(String(decoding: line[line.startIndex..<space], as: UTF8.self))!), Array(line[(space + 1)...]))
        }
    }

    struct Harness {
        var connector = BybitConnector(.init(kind: .bybitLinear, symbols: ["BTCUSDT"], seed: 3))
        var actions: [ConnectorAction] = []

        @discardableResult
        mutating func send(_ input: ConnectorInput) -> [ConnectorAction] {
            let out = connector.handle(input)
            actions += out
            return out
        }

        var delivered: [MarketEvent] {
            actions.flatMap { action -> [MarketEvent] in
                if case .deliver(let events, _) = action { return events }
                return []
            }
        }
    }

    @Test func connectingSubscribesToTheBookTickerAndTradesThenPingsEvery20s() {
        var harness = Harness()
        let t0 = Timestamp(seconds: 1_786_310_818)
        #expect(harness.send(.start(at: t0)).contains(.connect(url: "wss://stream.bybit.com/v5/public/linear")))
        let opened = harness.send(.connected(at: t0))
        #expect(opened.contains(.send(#"{"op":"subscribe","args":["orderbook.200.BTCUSDT","tickers.BTCUSDT","publicTrade.BTCUSDT"]}"#)))
        harness.send(.message(Array(#"{"success":true,"ret_msg":"","conn_id":"x","op":"subscribe"}"#.utf8), at: t0 + .seconds(1)))
        #expect(!harness.send(.tick(at: t0 + .seconds(19))).contains(.send(#"{"op":"ping"}"#)))
        harness.send(.message(Array(#"{"success":true,"ret_msg":"pong","conn_id":"x","op":"ping"}"#.utf8), at: t0 + .seconds(19)))
        #expect(harness.send(.tick(at: t0 + .seconds(20))).contains(.send(#"{"op":"ping"}"#)))
    }

    @Test func aRefusedSubscriptionIsAnUnknownSymbolAndTheVenueIsDown() {
        var harness = Harness()
        let t0 = Timestamp(seconds: 1_786_310_818)
        harness.send(.start(at: t0))
        harness.send(.connected(at: t0))
        let refused = harness.send(.message(Array(#"{"success":false,"ret_msg":"Invalid symbol :[orderbook.200.BTCUSDX]","conn_id":"x","op":"subscribe"}"#.utf8), at: t0))
        #expect(refused.contains { if case .close = $0 { true } else { false } })
        let health = harness.connector.health(at: t0)
        #expect(health.state == .down)
        #expect(health.detail == "subscription refused: Invalid symbol :[orderbook.200.BTCUSDX] (unknown symbol?)")
    }

    @Test func theRecordedStreamGoesLiveAndAGapResubscribes() throws {
        let lines = try Self.lines()
        var harness = Harness()
        harness.send(.start(at: lines[0].0))
        harness.send(.connected(at: lines[0].0))
        for (time, body) in lines { harness.send(.message(body, at: time)) }
        let last = lines[lines.count - 1].0
        #expect(harness.connector.health(at: last).state == .live)
        #expect(harness.connector.faults.isEmpty, "\(harness.connector.faults)")
        #expect(harness.delivered.contains { if case .quote = $0 { true } else { false } })
        // A delta that skips an update id: resubscribe the book, resyncing until its snapshot.
        let lastDelta = lines.last { String(decoding: $0.1, as: UTF8.self).contains("orderbook.200") }!
        let text = String(decoding: lastDelta.1, as: UTF8.self)
        let u = Int64(text[text.range(of: #""u":"#)!.upperBound...].prefix { $0.isNumber })!
        let skipped = text.replacingOccurrences(of: #""u":\#(u)"#, with: #""u":\#(u + 2)"#).replacingOccurrences(of: #""type":"snapshot""#, with: #""type":"delta""#)
        let actions = harness.send(.message(Array(skipped.utf8), at: last + .milliseconds(1)))
        #expect(actions.contains(.send(#"{"op":"unsubscribe","args":["orderbook.200.BTCUSDT"]}"#)))
        #expect(actions.contains(.send(#"{"op":"subscribe","args":["orderbook.200.BTCUSDT"]}"#)))
        #expect(!actions.contains { if case .deliver = $0 { true } else { false } })
        #expect(harness.connector.health(at: last + .milliseconds(1)).state == .resyncing)
        // The snapshot the resubscription brings: in sequence, live again.
        let snapshot = lines.first { String(decoding: $0.1, as: UTF8.self).contains(#""type":"snapshot""#) && String(decoding: $0.1, as: UTF8.self).contains("orderbook.200") }!
        harness.send(.message(snapshot.1, at: last + .milliseconds(2)))
        #expect(harness.connector.health(at: last + .milliseconds(2)).state == .live)
    }

    @Test func aRecordingReplaysToTheSameQuotes() throws {
        let lines = try Self.lines()
        var harness = Harness()
        harness.send(.start(at: lines[0].0))
        harness.send(.connected(at: lines[0].0))
        for (time, body) in lines { harness.send(.message(body, at: time)) }
        let directory = NSTemporaryDirectory() + "hedgetop-bybit-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let recorder = try Recorder(directory: directory, symbols: ["BTCUSDT"]) { _ in }
        for action in harness.actions { if case .record(let line) = action { recorder.record(line, venue: .bybitLinear) } }
        recorder.close()
        let path = directory + "/" + Recorder.bybitFileName(venue: .bybitLinear, day: lines[0].0)
        #expect(path.hasSuffix("bybit_linear_20260809.jsonl.gz"))
        var replay = try ReplayFeed(sources: [ReplaySource(path: path)], instruments: [InstrumentID(venue: "bybit-linear", symbol: "BTCUSDT")])
        var replayed: [MarketEvent] = []
        while let event = replay.next() { replayed.append(event) }
        let quotes = { (events: [MarketEvent]) in events.compactMap { if case .quote(_, let quote) = $0 { quote } else { nil } } }
        let live = quotes(harness.delivered)
        #expect(!live.isEmpty)
        #expect(quotes(replayed) == live.sorted { $0.time < $1.time })
    }
}
