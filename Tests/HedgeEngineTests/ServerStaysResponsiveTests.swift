import Foundation
@testable import HedgeCore
@testable import HedgeVenues
import MetricsScrape
import Synchronization
import Testing
@testable import HedgeEngine

/// Load never makes the server deaf: the venue state written after every change stays the same
/// size however long the run, and the loop looks up (stop, commands, snapshots) between events.
@Suite("The server stays responsive under load", .serialized)
struct ServerStaysResponsiveTests {
    static let start = Timestamp(seconds: 1_800_000_000)

    func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }

    /// Runs `engine` until its venue has received `orders` orders in all.
    func run(_ engine: Engine, untilOrders orders: UInt64) throws {
        while engine.venue(named: "sim")!.orderSequence < orders {
            let next = try #require(engine.nextEventTime, "the feed ended")
            engine.run(until: next)
        }
    }

    @Test("the venue state file and the venue's order memory stay bounded over hundreds of orders; recovery still agrees")
    func venueStateStaysBounded() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("venue-state-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let journal = try Journal(path: directory + "/journal.sqlite")
        let state = VenueStateFile(path: directory + "/venue-state.json", journalID: try journal.identity())
        let engine = PaperScenario.calendarDemo(start: Self.start).makeEngine(startedAt: Self.start)
        engine.attach(journal: journal, venueState: state)
        try run(engine, untilOrders: 300)
        let early = fileSize(state.path)
        try run(engine, untilOrders: 800)
        let late = fileSize(state.path)
        print("venue state: \(early) bytes after 300 orders, \(late) bytes after 800")
        #expect(late <= early + early / 2, "the venue state grew from \(early) to \(late) bytes")
        let venue = engine.venue(named: "sim")!
        #expect(venue.orders.count <= 200, "the venue remembers \(venue.orders.count) orders")
        // A crash here: a new engine on the same journal and state finds nothing to reconcile.
        let restarted = PaperScenario.calendarDemo(start: engine.now).makeEngine(startedAt: engine.now)
        restarted.attach(journal: journal, venueState: nil)
        let report = try restarted.recover(venueLedgers: try state.load(), policy: .flatten)
        #expect(report.differences == 0, "\(report.lines)")
        #expect(!report.lines.contains { $0.contains("never reached the venue") }, "\(report.lines)")
    }

    @Test("far behind its clock, the loop still publishes snapshots and stops soon after cancellation")
    func loopLooksUpBetweenEvents() async throws {
        let (snapshots, sink) = EngineLoop<ContinuousClock>.makeSnapshotStream()
        let (sender, commands) = CommandSender.makeChannel()
        let finished = Mutex<ContinuousClock.Instant?>(nil)
        let thread = DedicatedExecutor()
        // A million times real time: the engine can never keep up.
        let loop = EngineLoop(clock: ContinuousClock(), pace: .realTime(speed: 1_000_000))
        let task = Task(executorPreference: thread) {
            let engine = PaperScenario.calendarDemo(start: Self.start).makeEngine(startedAt: Self.start)
            await loop.run(engine, commands: commands, snapshots: sink)
            finished.withLock { $0 = .now }
        }
        // Counted by the engine's own snapshot numbers: the stream keeps only the newest.
        let counter = Task(executorPreference: thread) {
            var newest: UInt64 = 0
            for await snapshot in snapshots { newest = max(newest, snapshot.sequence) }
            return newest
        }
        // Long enough for a loop that catches up burst by burst to be deep in one it never ends.
        try await Task.sleep(for: .seconds(3))
        let cancelled = ContinuousClock.now
        task.cancel()
        var waited = Duration.zero
        while finished.withLock({ $0 }) == nil, waited < .seconds(3) {
            try await Task.sleep(for: .milliseconds(20))
            waited += .milliseconds(20)
        }
        let stoppedAt = try #require(finished.withLock { $0 }, "the loop did not stop within 3 s of cancellation")
        #expect(cancelled.duration(to: stoppedAt) < .seconds(1))
        let published = await counter.value
        _ = sender
        // One every 50 ms when behind; a loop deaf until it catches up publishes one or two.
        #expect(published >= 10, "only \(published) snapshots in 3 s")
    }

    @Test("far behind its clock, the loop applies a pause (the first step of a flattening stop) between two events, not after catching up")
    func commandReachesABusyLoop() async throws {
        let (snapshots, sink) = EngineLoop<ContinuousClock>.makeSnapshotStream()
        let (sender, commands) = CommandSender.makeChannel()
        let thread = DedicatedExecutor()
        let loop = EngineLoop(clock: ContinuousClock(), pace: .realTime(speed: 1_000_000))
        let task = Task(executorPreference: thread) {
            let engine = PaperScenario.calendarDemo(start: Self.start).makeEngine(startedAt: Self.start)
            await loop.run(engine, commands: commands, snapshots: sink)
        }
        defer { task.cancel() }
        let answered = Mutex<(at: ContinuousClock.Instant, paused: Bool)?>(nil)
        let pause = Mutex<UInt64?>(nil)
        let reader = Task(executorPreference: thread) {
            for await snapshot in snapshots {
                guard let id = pause.withLock({ $0 }), snapshot.acknowledgements.contains(where: { $0.commandID == id }) else { continue }
                answered.withLock { $0 = (.now, snapshot.strategies.allSatisfy { $0.paused }) }
                return
            }
        }
        defer { reader.cancel() }
        // As above: a loop that catches up burst by burst is deep in one it never ends by now.
        try await Task.sleep(for: .milliseconds(2500))
        let sent = ContinuousClock.now
        pause.withLock { $0 = sender.send(.pause, to: nil) }
        var waited = Duration.zero
        while answered.withLock({ $0 }) == nil, waited < .seconds(3) {
            try await Task.sleep(for: .milliseconds(20))
            waited += .milliseconds(20)
        }
        let answer = try #require(answered.withLock { $0 }, "the pause was not answered within 3 s")
        #expect(answer.paused)
        #expect(sent.duration(to: answer.at) < .milliseconds(500), "the pause took \(sent.duration(to: answer.at))")
    }
}
