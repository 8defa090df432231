import Foundation
import HedgeCore
import HedgeVenues
import Testing
@testable import HedgeLive

/// `hedgetop record` writes exactly what `hedgetop replay` reads: what the connector was fed,
/// in order, so the replay decodes the same quotes.
@Suite struct RecorderTests {
    func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "hedgetop-recorder-\(UUID().uuidString)"
        return path
    }

    func record(_ harness: ConnectorHarness, into directory: String) throws -> Recorder {
        let recorder = try Recorder(directory: directory, symbols: ["BTCUSDT"]) { _ in }
        for action in harness.actions {
            if case .record(let line) = action { recorder.record(line, venue: .binanceUSDM) }
        }
        recorder.close()
        return recorder
    }

    func quotes(_ events: [MarketEvent]) -> [Quote] {
        events.compactMap { if case .quote(_, let quote) = $0 { quote } else { nil } }
    }

    @Test func aRecordingReplaysToTheSameQuotesInOrder() throws {
        let lines = try LiveFixtures.usdmHead()
        var harness = ConnectorHarness()
        harness.open(at: lines[0].0)
        harness.feed(lines)
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let recorder = try record(harness, into: directory)
        let name = Recorder.fileName(venue: .binanceUSDM, symbol: "BTCUSDT", day: lines[0].0)
        #expect(name == "usdm_btcusdt_20240808.gz")
        #expect(recorder.counts[name] == lines.count)   // every line, the snapshot's too
        let path = directory + "/" + name
        var replay = try ReplayFeed(sources: [ReplaySource(path: path)], instruments: [InstrumentID(venue: "binance-usdm", symbol: "BTCUSDT")])
        var replayed: [MarketEvent] = []
        while let event = replay.next() { replayed.append(event) }
        let live = quotes(harness.delivered).sorted { $0.time < $1.time }
        #expect(!live.isEmpty)
        #expect(quotes(replayed) == live)
        #expect(replay.statistics.skipped.isEmpty)
    }

    @Test func aReconnectWritesAMarkerAndANewSnapshotThatReplayReadsPast() throws {
        let lines = try LiveFixtures.usdmHead()
        var harness = ConnectorHarness()
        harness.open(at: lines[0].0)
        harness.feed(lines)
        let last = lines[lines.count - 1].0
        harness.send(.closed(reason: "closed by the venue (code 1006)", fatal: false, at: last))
        harness.send(.tick(at: last + .seconds(1)))
        harness.send(.connected(at: last + .seconds(1)))
        harness.feed(lines.map { ($0.0 + .seconds(2), $0.1) })
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try record(harness, into: directory)
        let path = directory + "/usdm_btcusdt_20240808.gz"
        let text = try gunzip(path)
        #expect(text.components(separatedBy: "\"hedgetop\":\"reconnect\"").count == 2)
        #expect(text.components(separatedBy: "{\"lastUpdateId\"").count == 3)
        var replay = try ReplayFeed(sources: [ReplaySource(path: path)], instruments: [InstrumentID(venue: "binance-usdm", symbol: "BTCUSDT")])
        var count = 0
        while replay.next() != nil { count += 1 }
        #expect(count > 0)
    }

    @Test func filesAreOwnerOnlyAndASymlinkIsNeverFollowed() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let recorder = try Recorder(directory: directory, symbols: ["BTCUSDT"]) { _ in }
        let attributes = try FileManager.default.attributesOfItem(atPath: directory)
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
        let day = Timestamp(milliseconds: 1_723_161_255_000)
        let target = directory + "/elsewhere"
        FileManager.default.createFile(atPath: target, contents: Data())
        try FileManager.default.createSymbolicLink(atPath: directory + "/" + Recorder.fileName(venue: .binanceUSDM, symbol: "BTCUSDT", day: day), withDestinationPath: target)
        let body = #"{"stream":"btcusdt@trade","data":{"e":"trade","E":1,"T":1,"s":"BTCUSDT","t":1,"p":"1","q":"1","m":false}}"#
        recorder.record(RecordedLine(kind: .message, receivedAt: day, body: Array(body.utf8)), venue: .binanceUSDM)
        #expect(recorder.failure?.contains("symlink") == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)).isEmpty)
        let other = try Recorder(directory: directory + "/fresh", symbols: ["BTCUSDT"]) { _ in }
        other.record(RecordedLine(kind: .message, receivedAt: day, body: Array(body.utf8)), venue: .binanceUSDM)
        other.close()
        let file = try FileManager.default.attributesOfItem(atPath: directory + "/fresh/usdm_btcusdt_20240808.gz")
        #expect((file[.posixPermissions] as? Int) == 0o600)
    }

    func gunzip(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "gzip -dc '\(path)'"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
