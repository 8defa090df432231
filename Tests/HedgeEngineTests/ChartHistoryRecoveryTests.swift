import Foundation
@testable import HedgeCore
import Logging
import Testing
@testable import HedgeEngine

#if canImport(Glibc)
import Glibc
#endif

/// The charts (spread, mean, bands, PnL, markers) survive a restart of the desk: a screen that
/// attaches to the restarted engine draws the history from before it. A chart history file that
/// cannot be read gives empty charts and a log line.
@Suite("Chart history across a restart")
struct ChartHistoryRecoveryTests {
    let desks = PaperDeskTests()

    var chartsPath: String {
        ChartHistoryFile.path(besideVenueState: PaperDesk.defaultVenueStatePath(journal: desks.journal, scenario: .calendar))
    }

    @Test("a reopened desk shows the charts it stopped with: spread, mean, bands, PnL and markers")
    func restartRestoresTheSeries() async throws {
        defer { try? FileManager.default.removeItem(at: desks.directory) }
        let stopped: StrategySnapshot
        do {
            let desk = try desks.open()
            #expect(await desk.session.tradeUntilHolding())
            let last = try #require(try await desks.trade(desk.session, stop: .keep, speed: 0.01, until: PaperDeskTests.holdsSpread))
            stopped = try #require(last.strategies.first)
        }
        #expect(!stopped.spreadSeries.isEmpty && !stopped.meanSeries.isEmpty && !stopped.pnlSeries.isEmpty)
        #expect(stopped.markers.contains { $0.kind == .entry })
        #expect(PrivateFilesTests.mode(chartsPath) == 0o600)

        let reopened = try await desks.reopen()
        let restored = try #require(await reopened.session.currentSnapshot().strategies.first)
        #expect(restored.spreadSeries == stopped.spreadSeries)
        #expect(restored.meanSeries == stopped.meanSeries)
        #expect(restored.pnlSeries == stopped.pnlSeries)
        #expect(restored.entryBandSeries == stopped.entryBandSeries)
        #expect(restored.exitBandSeries == stopped.exitBandSeries)
        #expect(restored.markers == stopped.markers)
        // The rolling window too: the open spread is judged against the mean it opened on, not
        // one restarted from its own dislocated samples (before, there was no mean for the warm-up).
        // A window saved longer ago than its span says nothing of the spread now and is dropped:
        // a full parallel run can keep this test waiting that long between stop and reopen.
        let reopenedAt = await reopened.session.currentSnapshot().time
        let savedAt = try #require(stopped.spreadSeries.last?.time)
        if reopenedAt - savedAt <= .seconds(110) {
            let mean = try #require(restored.rollingMeanBps, "the rolling window came back empty")
            #expect(abs(mean - (stopped.rollingMeanBps ?? .nan)) < 1)
        }
        // The restarted clock starts after the charts' last point: new points follow, never overwrite.
        let lastPoint = try #require(stopped.spreadSeries.last?.time)
        #expect(await reopened.session.currentSnapshot().time > lastPoint)
    }

    @Test("a reopened desk's event log starts with the lines before the restart, then the recovery's, numbered in order")
    func restartKeepsTheEventLog() async throws {
        defer { try? FileManager.default.removeItem(at: desks.directory) }
        let before: [LogEntry]
        do {
            let desk = try desks.open()
            #expect(await desk.session.tradeUntilHolding())
            let last = try #require(try await desks.trade(desk.session, stop: .keep, speed: 0.01, until: PaperDeskTests.holdsSpread))
            before = last.log
        }
        #expect(before.contains { $0.message.contains("OPENING") || $0.message.contains("MONITORING") }, "\(before.map(\.message))")

        let reopened = try await desks.reopen()
        let log = await reopened.session.currentSnapshot().log
        // The earlier run's lines come first, as they were (time, severity, strategy, words).
        let saved = Array(before.suffix(ChartHistoryFile.logLimit))
        let earlier = Array(log.prefix(saved.count))
        #expect(earlier.map(\.message) == saved.map(\.message))
        #expect(earlier.map(\.time) == saved.map(\.time))
        // Then this run's, the recovery first; the numbering runs on without a gap or repeat.
        #expect(log.count > saved.count, "no line of this run")
        #expect(log.map(\.id) == Array(1...UInt64(log.count)))
    }

    @Test("a corrupt chart history gives empty charts and a log line, and the desk trades on")
    func corruptFileGivesEmptyCharts() async throws {
        defer { try? FileManager.default.removeItem(at: desks.directory) }
        do {
            let desk = try desks.open()
            #expect(await desk.session.tradeUntilHolding())
            await desk.session.saveChartHistory()
        }
        #expect(FileManager.default.fileExists(atPath: chartsPath))
        try Data("{\"version\":1,\"strategies\":{\"btc-calendar\":{\"spread\":".utf8).write(to: URL(fileURLWithPath: chartsPath))

        let reopened = try await desks.reopen()
        let snapshot = await reopened.session.currentSnapshot()
        let strategy = try #require(snapshot.strategies.first)
        #expect(strategy.spreadSeries.isEmpty && strategy.pnlSeries.isEmpty && strategy.markers.isEmpty)
        #expect(snapshot.log.contains { $0.severity == .warning && $0.message.hasPrefix("chart history \(chartsPath) unreadable") && $0.message.hasSuffix("the charts start empty") },
                "\(snapshot.log.map(\.message))")
        #expect(await reopened.session.tradeUntilHolding())
    }

    @Test("a restart without the chart history file says so; a first start says nothing")
    func missingFileSaidOnRestart() async throws {
        defer { try? FileManager.default.removeItem(at: desks.directory) }
        do {
            let desk = try desks.open()
            #expect(await !desk.session.currentSnapshot().log.contains { $0.message.hasPrefix("chart history") })
        }
        try? FileManager.default.removeItem(atPath: chartsPath)
        let reopened = try await desks.reopen()
        let log = await reopened.session.currentSnapshot().log
        #expect(log.contains { $0.message == "chart history \(chartsPath) not found: the charts start empty" }, "\(log.map(\.message))")
    }

    @Test("while running, the charts are saved once per five seconds of data time, not per event")
    func savedOnACadence() async throws {
        defer { try? FileManager.default.removeItem(at: desks.directory) }
        let desk = try desks.open()
        // Attached at the start: the first save is due five data seconds later.
        await desk.session.run(for: .seconds(4))
        #expect(!FileManager.default.fileExists(atPath: chartsPath))
        await desk.session.run(for: .seconds(2))
        #expect(FileManager.default.fileExists(atPath: chartsPath))
        let first = try Data(contentsOf: URL(fileURLWithPath: chartsPath))
        await desk.session.run(for: .seconds(3))
        #expect(try Data(contentsOf: URL(fileURLWithPath: chartsPath)) == first, "saved again before five data seconds had passed")
        await desk.session.run(for: .seconds(3))
        #expect(try Data(contentsOf: URL(fileURLWithPath: chartsPath)) != first)
    }
}

extension TradingSession {
    /// Saves the charts now, as a stop does.
    func saveChartHistory() { engine.saveChartHistory() }

    /// Runs the engine for `duration` of data time, event by event, asking after each event (as
    /// the loop does after each turn) whether the charts are due to be saved.
    func run(for duration: Duration) {
        let engine = simulated!
        let end = engine.now + duration
        while let next = engine.nextEventTime, next <= end {
            engine.run(until: next)
            engine.saveChartHistoryIfDue()
        }
    }
}
