import Foundation
@testable import HedgeCore
@testable import HedgeEngine
import HedgeVenues
import Logging
import Testing

/// The log file stamps the event log's lines with data time: a minute of the paper market run
/// in an instant (as `--speed` runs it faster than the clock) reads as that minute, line by line.
@Suite struct LogFileDataTimeTests {
    @Test func eventLogLinesCarryTheirDataTime() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-logtime-\(UInt64.random(in: 0...UInt64.max))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("hedgetop.log").path
        let sink = try FileLogHandler.Sink(path: path)
        let logger = Logger(label: "hedgetop") { label in FileLogHandler(label: label, sink: sink) }
        // Data time far from the wall clock: a wall-clock stamp cannot pass for it.
        let start = Timestamp(seconds: 1_800_000_000)
        let engine = PaperScenario.calendarDemo(start: start, seed: 42, faults: FaultPlan([.outage(from: start + .seconds(20), until: start + .seconds(25))]))
            .makeEngine(startedAt: start, logger: logger)
        engine.run(until: start + .seconds(60))
        let entries = engine.snapshot(logTail: 500).log
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        try #require(entries.count > 3)
        #expect(lines.count == entries.count)
        for (line, entry) in zip(lines, entries) {
            #expect(line.hasPrefix("\(entry.time) "), "\(line)")
        }
        #expect(entries.contains { $0.time >= start + .seconds(20) })
    }

    @Test func otherLinesKeepTheWallClock() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-logtime-\(UInt64.random(in: 0...UInt64.max))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("hedgetop.log").path
        let sink = try FileLogHandler.Sink(path: path)
        let logger = Logger(label: "hedgetop.serve") { label in FileLogHandler(label: label, sink: sink) }
        let before = Timestamp.wallClockNow()
        logger.info("watcher attached")
        let line = try String(contentsOfFile: path, encoding: .utf8)
        let year = String(before.description.prefix(4))
        #expect(line.hasPrefix(year))
        #expect(line.hasSuffix("info hedgetop.serve: watcher attached\n"))
    }
}
