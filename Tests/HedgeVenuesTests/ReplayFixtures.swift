import Foundation
@testable import HedgeCore
import Testing
@testable import HedgeVenues

/// Small slices of the real recordings in shared/data, copied into the test bundle.
enum ReplayFixtures {
    static func path(_ name: String) -> String {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent(name).path
    }

    /// The lines of a plain fixture file.
    static func lines(_ name: String) throws -> [String] {
        try String(contentsOfFile: path(name), encoding: .utf8).split(separator: "\n").map(String.init)
    }

    /// The JSON part of a `<local ns> <json>` or `<seconds>: <json>` line.
    static func json(_ line: String) -> String {
        String(line[line.firstIndex(of: "{")!...])
    }

    /// Writes `text` to a fresh file in the temporary directory and returns its path.
    static func temporaryFile(_ name: String, _ text: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-replay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// The shared recordings, read-only, located from this file: `<package>/../shared/data`.
    static let sharedData: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/data")

    static let usdm = InstrumentID(venue: "binance-usdm", symbol: "BTCUSDT")
    static let coinm = InstrumentID(venue: "binance-coinm", symbol: "BTCUSD_PERP")
    static let spot = InstrumentID(venue: "binance-spot", symbol: "BTCUSDT")
    static let bybit = InstrumentID(venue: "bybit-linear", symbol: "BTCUSDT")
}

extension BinanceStreamDecoder {
    /// Decodes one message given as text (tests only).
    mutating func decode(_ text: String, localTime: Timestamp? = nil) throws(MarketDataFault) -> [MarketEvent] {
        var events: [MarketEvent] = []
        var bytes = Array(text.utf8)
        let result: Result<DecodeOutcome, MarketDataFault> = bytes.withUnsafeMutableBufferPointer { buffer in
            do throws(MarketDataFault) { return .success(try decode(UnsafeBufferPointer(buffer), localTime: localTime, into: &events)) }
            catch { return .failure(error) }
        }
        _ = try result.get()
        return events
    }
}

extension BybitStreamDecoder {
    mutating func decode(_ text: String) throws(MarketDataFault) -> [MarketEvent] {
        var events: [MarketEvent] = []
        var bytes = Array(text.utf8)
        let result: Result<DecodeOutcome, MarketDataFault> = bytes.withUnsafeMutableBufferPointer { buffer in
            do throws(MarketDataFault) { return .success(try decode(UnsafeBufferPointer(buffer), into: &events)) }
            catch { return .failure(error) }
        }
        _ = try result.get()
        return events
    }
}

extension ReplayFeed {
    /// Every remaining event (throws under `.stop`).
    mutating func drain() throws(ReplayError) -> [MarketEvent] {
        var events: [MarketEvent] = []
        while let event = try nextEvent() { events.append(event) }
        return events
    }
}

extension MarketEvent {
    var quoteValue: Quote? { if case .quote(_, let quote) = self { quote } else { nil } }
    var isTrade: Bool { if case .trade = self { true } else { false } }
    var isDepth: Bool { if case .depth = self { true } else { false } }
}
