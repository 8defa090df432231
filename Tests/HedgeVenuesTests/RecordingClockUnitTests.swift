import Foundation
@testable import HedgeCore
import Testing
@testable import HedgeVenues

/// Recorders stamp the local receive time in ns (the 2024 files) or µs (hftbacktest's older
/// files): the unit is told per file from the stamps and the venue's E beside them.
@Suite struct RecordingClockUnitTests {
    /// The real spot file's lines, each stamp passed through `restamp`, written plain to a temp dir.
    static func restamped(_ name: String, _ restamp: (Int64) -> Int64) throws -> String {
        let source = ReplayFixtures.sharedData.appendingPathComponent("binance/spot_btcusdt_20240808.gz").path
        try #require(FileManager.default.fileExists(atPath: source), "shared/data is missing")
        let lines = try RecordingLines(path: source)
        var text: [UInt8] = []
        while let line = try lines.nextLine() {
            let space = line.firstIndex(of: UInt8(ascii: " "), from: 0)!
            let stamp = Int64(String(decoding: line.slice(0..<space), as: UTF8.self))!
            text.append(contentsOf: Array(String(restamp(stamp)).utf8))
            text.append(contentsOf: line.slice(space..<line.count))
            text.append(UInt8(ascii: "\n"))
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-clock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try Data(text).write(to: url)
        return url.path
    }

    static func replay(_ path: String) throws -> (events: [MarketEvent], statistics: ReplayStatistics) {
        var feed = try ReplayFeed(paths: [path], instruments: [ReplayFixtures.spot])
        let events = try feed.drain()
        return (events, feed.statistics)
    }

    /// The report's text with the file's name taken out.
    static func report(_ statistics: ReplayStatistics, name: String) -> String {
        statistics.description.replacingOccurrences(of: name, with: "FILE")
    }

    @Test func microsecondStampsReplayLikeTheNanosecondOriginal() throws {
        // The µs copy holds only whole µs: compare it with the original cut to whole µs, in ns.
        let nanoseconds = try Self.restamped("spot_ns.txt") { $0 / 1000 * 1000 }
        let microseconds = try Self.restamped("spot_us.txt") { $0 / 1000 }
        defer { for path in [nanoseconds, microseconds] { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) } }
        let original = try Self.replay(nanoseconds)
        let copy = try Self.replay(microseconds)
        #expect(original.statistics.skippedTotal == 0, "\(original.statistics)")
        #expect(original.events.count > 10_000)
        #expect(copy.events == original.events)
        #expect(Self.report(copy.statistics, name: "spot_us.txt").replacingOccurrences(of: " (local stamps in µs, told from their size against E)", with: "")
                == Self.report(original.statistics, name: "spot_ns.txt"))
        #expect(copy.statistics.notes.contains { $0.contains("local stamps in µs") }, "\(copy.statistics)")
        #expect(copy.statistics.warnings.isEmpty)
    }

    @Test func unitsAreToldFromTheVenueTimeBesideThem() {
        let venue: Int64 = 1_723_161_255_208_000_000
        #expect(BinanceRecording.StampUnit.nearest(stamp: 1_723_161_253_937_085_768, venueNanoseconds: venue) == .nanoseconds)
        #expect(BinanceRecording.StampUnit.nearest(stamp: 1_723_161_253_937_085, venueNanoseconds: venue) == .microseconds)
        #expect(BinanceRecording.StampUnit.nearest(stamp: 1_723_161_253_937, venueNanoseconds: venue) == .milliseconds)
        #expect(BinanceRecording.StampUnit.nearest(stamp: 1_723_161_253, venueNanoseconds: venue) == .seconds)
        #expect(BinanceRecording.StampUnit.bySize(1_723_161_253_937_085) == .microseconds)
    }

    @Test func aClockHoursOffTheVenueIsAWarningNotASilentShift() throws {
        let path = try Self.restamped("spot_late.txt") { $0 + 3 * 3_600_000_000_000 }
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let statistics = try Self.replay(path).statistics
        #expect(statistics.warnings.count == 1, "\(statistics)")
        #expect(statistics.warnings.first?.contains("-1079") == true, "\(statistics)")
        #expect(statistics.description.contains("WARNING: spot_late.txt: the local receive clock is"))
    }
}

/// Kline (candlestick) lines carry nothing the engine uses: counted as "ignored kline".
@Suite struct KlineLinesTests {
    @Test func binanceKlineLinesAreIgnoredAsKlinesNotUnknown() throws {
        let source = ReplayFixtures.sharedData.appendingPathComponent("binance/usdm_btcusdt_20240808.gz").path
        try #require(FileManager.default.fileExists(atPath: source), "shared/data is missing")
        // The real file's first 200 lines with a kline stream line (Binance's shape) after the first.
        let lines = try RecordingLines(path: source)
        var text: [String] = []
        while text.count < 200, let line = try lines.nextLine() { text.append(String(decoding: line, as: UTF8.self)) }
        let stamp = text[0].prefix { $0 != " " }
        text.insert(#"\#(stamp) {"stream":"btcusdt@kline_1m","data":{"e":"kline","E":1723161255208,"s":"BTCUSDT","k":{"t":1723161240000,"T":1723161299999,"s":"BTCUSDT","i":"1m","o":"61780.10","c":"61781.00","h":"61790.00","l":"61770.00","v":"12.5","x":false}}}"#, at: 1)
        let path = try ReplayFixtures.temporaryFile("usdm_kline.txt", text.joined(separator: "\n") + "\n")
        var feed = try ReplayFeed(paths: [path], instruments: [ReplayFixtures.usdm])
        _ = try feed.drain()
        #expect(feed.statistics.ignored == ["kline": 1], "\(feed.statistics)")
        #expect(feed.statistics.skipped[.unknownMessage] == nil, "\(feed.statistics)")
        #expect(feed.statistics.description.contains("ignored kline: 1"))
    }
}
