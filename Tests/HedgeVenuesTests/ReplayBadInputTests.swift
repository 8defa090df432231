import Foundation
import HedgeCore
import Testing
@testable import HedgeVenues

/// Inputs that once crashed, hung or stalled a replay: each is reported with file and line and
/// skipped (or stops the replay under `.stop`), in bounded time and memory.
@Suite struct ReplayBadInputTests {
    static let header = "ts_ns,venue,symbol,bid_px,bid_qty,ask_px,ask_qty\n"
    static let instrument = InstrumentID(venue: "csv", symbol: "BTC-SPREAD")

    static func row(_ nanoseconds: Int64) -> String { "\(nanoseconds),csv,BTC-SPREAD,1,1,2,1\n" }

    static func bookTicker(_ local: String, _ millis: Int64) -> String {
        "\(local) {\"stream\":\"btcusdt@bookTicker\",\"data\":{\"e\":\"bookTicker\",\"u\":1,\"s\":\"BTCUSDT\",\"b\":\"1\",\"B\":\"1\",\"a\":\"2\",\"A\":\"1\",\"T\":\(millis),\"E\":\(millis)}}\n"
    }

    func csvFeed(_ body: String, policy: BadInputPolicy = .skip) throws -> ReplayFeed {
        let path = try ReplayFixtures.temporaryFile("quotes.csv", body)
        return try ReplayFeed(paths: [path], instruments: [Self.instrument], options: ReplayOptions(policy: policy))
    }

    @Test(arguments: [
        "9999999999999999999",        // 19 digits of nanoseconds: past Int64
        "9300000000.5:",              // seconds whose nanoseconds pass Int64 (year 2264)
        "99999999999999999999",       // 20 digits
    ])
    func localTimePastInt64IsABadLineNotACrash(local: String) throws {
        let body = Self.bookTicker("1", 1000) + Self.bookTicker(local, 2000) + Self.bookTicker("3", 3000)
        let path = try ReplayFixtures.temporaryFile("usdm_big.txt", body)
        let source = ReplaySource(path: path, format: .binance(venue: "binance-usdm"))
        var feed = try ReplayFeed(sources: [source], instruments: [ReplayFixtures.usdm])
        #expect(try feed.drain().map(\.time.nanoseconds) == [1000, 3000].map { $0 * 1_000_000 })
        #expect(feed.statistics.skippedTotal == 1)
        #expect(feed.statistics.examples.values.joined().first?.hasPrefix("usdm_big.txt:2: ") == true, "\(feed.statistics)")
    }

    @Test func clockOffsetSamplesPastInt64AreLeftOut() throws {
        // Spot bookTicker has no E; lines that do carry one are sampled for the clock offset.
        let path = try ReplayFixtures.temporaryFile("spot_big.txt", Self.bookTicker("9999999999999999999", 99_999_999_999_999_999) + Self.bookTicker("1000000000", 1000))
        let measured = try BinanceRecording.measureClockOffset(path: path)
        #expect(measured.samples == 1)
    }

    @Test func directoryNamedLikeARecordingIsRefusedAtOpen() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-replay-\(UUID().uuidString)/quotes.csv")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        #expect { _ = try RecordingLines(path: directory.path) } throws: { error in
            (error as? MarketDataFault)?.detail.contains("is a directory") == true
        }
        #expect { _ = try ReplayFeed(paths: [directory.path], instruments: [Self.instrument]) } throws: { error in
            (error as? ReplayError)?.description.contains("quotes.csv: unreadable file:") == true
        }
    }

    @Test func deviceNamedLikeARecordingIsRefusedAtOpen() throws {
        let link = try ReplayFixtures.temporaryFile("zero.csv", "")
        try FileManager.default.removeItem(atPath: link)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/dev/zero")
        #expect { _ = try RecordingLines(path: link) } throws: { error in
            (error as? MarketDataFault)?.detail.contains("not a regular file") == true
        }
    }

    /// A 20 MiB line: over the 16 MiB limit, so it is skipped as one bad line and the buffer stays
    /// within the limit instead of doubling to hold it.
    static let endlessLine = String(repeating: "1", count: 20 << 20) + "\n"

    @Test func lineOverTheLimitIsSkippedWithFileAndLine() throws {
        let path = try ReplayFixtures.temporaryFile("quotes.csv", Self.header + Self.row(1) + Self.endlessLine + Self.row(2))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var feed = try ReplayFeed(paths: [path], instruments: [Self.instrument])
        #expect(try feed.drain().map(\.time.nanoseconds) == [1, 2])
        #expect(feed.statistics.skipped == [.lineTooLong: 1])
        #expect(feed.statistics.examples[.lineTooLong]?.first?.hasPrefix("quotes.csv:3: line too long: ") == true, "\(feed.statistics)")
        #expect(feed.statistics.linesRead == 4)
        var stopping = try ReplayFeed(paths: [path], instruments: [Self.instrument], options: ReplayOptions(policy: .stop))
        #expect { _ = try stopping.drain() } throws: { ($0 as? ReplayError).map { $0.line == 3 && $0.fault.kind == .lineTooLong } ?? false }
    }

    @Test func lineOverTheLimitDoesNotGrowTheBuffer() throws {
        let path = try ReplayFixtures.temporaryFile("usdm_long.txt", Self.endlessLine + "after\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let lines = try RecordingLines(path: path)
        #expect { _ = try lines.nextLine() } throws: { ($0 as? MarketDataFault)?.kind == .lineTooLong }
        #expect(lines.lineNumber == 1)
        #expect(lines.bufferCapacity <= RecordingLines.maximumLineLength)
        let next = try #require(try lines.nextLine())
        #expect(String(decoding: next, as: UTF8.self) == "after" && lines.lineNumber == 2)
        #expect(try lines.nextLine() == nil)
    }

    @Test func lastLineOverTheLimitWithoutANewlineEndsTheFile() throws {
        let path = try ReplayFixtures.temporaryFile("usdm_long.txt", String(Self.endlessLine.dropLast()))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let lines = try RecordingLines(path: path)
        #expect { _ = try lines.nextLine() } throws: { ($0 as? MarketDataFault)?.kind == .lineTooLong }
        #expect(try lines.nextLine() == nil)
    }

    @Test func oneRowFarAheadIsSkippedAndDoesNotMoveTheClock() throws {
        let second: Int64 = 1_000_000_000
        let start: Int64 = 1_723_161_256 * second
        let farAhead = start + 365 * 86_400 * second
        let body = Self.header + [start, start + second, farAhead, start + 2 * second, start + 3 * second].map(Self.row).joined()
        var feed = try csvFeed(body)
        #expect(try feed.drain().map(\.time.nanoseconds) == [start, start + second, start + 2 * second, start + 3 * second])
        #expect(feed.statistics.skipped == [.outOfOrder: 1])
        #expect(feed.statistics.examples[.outOfOrder]?.first?.hasPrefix("quotes.csv:4: out-of-order time: ") == true, "\(feed.statistics)")
        var stopping = try csvFeed(body, policy: .stop)
        #expect { _ = try stopping.drain() } throws: { ($0 as? ReplayError)?.line == 4 }
    }

    @Test func aGapConfirmedByTheNextRowIsKept() throws {
        let second: Int64 = 1_000_000_000
        let start: Int64 = 1_723_161_256 * second
        let times = [start, start + second, start + 7200 * second, start + 7201 * second]
        var feed = try csvFeed(Self.header + times.map(Self.row).joined())
        #expect(try feed.drain().map(\.time.nanoseconds) == times)
        #expect(feed.statistics.skippedTotal == 0)
        // A far row as the last one has no neighbour after it to contradict it: kept.
        var last = try csvFeed(Self.header + [start, start + 7200 * second].map(Self.row).joined())
        #expect(try last.drain().count == 2)
    }

    @Test func oneEventFarAheadInARecordingIsSkippedAndDoesNotMoveTheClock() throws {
        let start: Int64 = 1_723_161_256_000
        let body = [start, start + 1000, start + 86_400_000, start + 1100, start + 2000].enumerated()
            .map { Self.bookTicker("\($0.offset + 1)", $0.element) }.joined()
        let path = try ReplayFixtures.temporaryFile("usdm_ahead.txt", body)
        let source = ReplaySource(path: path, format: .binance(venue: "binance-usdm"))
        var feed = try ReplayFeed(sources: [source], instruments: [ReplayFixtures.usdm])
        #expect(try feed.drain().map(\.time.nanoseconds) == [start, start + 1000, start + 1100, start + 2000].map { $0 * 1_000_000 })
        #expect(feed.statistics.skipped == [.outOfOrder: 1])
        #expect(feed.statistics.examples[.outOfOrder]?.first?.hasPrefix("usdm_ahead.txt:3: out-of-order time: ") == true, "\(feed.statistics)")
    }
}
