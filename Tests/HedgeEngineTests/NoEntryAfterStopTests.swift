import Foundation
@testable import HedgeCore
@testable import HedgeVenues
import ServiceLifecycleTestKit
import Synchronization
import Testing
@testable import HedgeEngine

/// Issue 12, item 6: no entry is sent after `stopping`. The market is set to open a spread on its
/// very next event, the stop begins while that event waits on a clock only the test moves, and the
/// command stream is never delivered (the slowest it can be): whatever the stop policy, nothing
/// opens once the stop has begun.
@Suite("No entry after stopping")
struct NoEntryAfterStopTests {
    static let start = Timestamp(seconds: 1_800_000_000)

    /// The data time of the first event after which the demo has an order out: its entry.
    static func firstEntry() throws -> Timestamp {
        let engine = PaperScenario.calendarDemo(start: start).makeEngine(startedAt: start)
        while let next = engine.nextEventTime {
            engine.run(until: next)
            if engine.venue(named: "sim")!.orderSequence > 0 || !engine.snapshot(logTail: 0).strategies[0].openOrders.isEmpty {
                return next
            }
        }
        throw DeskError("the demo never opened a spread")
    }

    /// The demo run up to, not including, the event at `entry`.
    static func engineJustBefore(_ entry: Timestamp) -> Engine {
        let engine = PaperScenario.calendarDemo(start: start).makeEngine(startedAt: start)
        while let next = engine.nextEventTime, next < entry { engine.run(until: next) }
        return engine
    }

    @Test("a stop that keeps or flattens sends no entry, even when the market's next event opens one", arguments: [StopPolicy.keep, .flatten])
    func noEntryAfterStopping(policy: StopPolicy) async throws {
        let entry = try Self.firstEntry()
        let engine = Self.engineJustBefore(entry)
        #expect(engine.nextEventTime == entry)
        #expect(engine.venue(named: "sim")!.orderSequence == 0)
        // Clock time (at 1×) from where the loop starts to a second past the entry's event.
        let pastEntry = Duration.nanoseconds(entry.nanoseconds - engine.now.nanoseconds) + .seconds(1)
        let session = TradingSession(engine: engine)
        let clock = ManualClock()
        let loop = EngineLoop(clock: clock, pace: .realTime(speed: 1))
        let (snapshots, sink) = EngineLoop<ContinuousClock>.makeSnapshotStream()
        // The session's own commands go to a stream nobody reads; the loop reads an idle one.
        let (sender, undelivered) = CommandSender.makeChannel()
        let (_, commands) = CommandSender.makeChannel()
        let last = try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await session.run(on: loop, commands: commands, sender: sender, snapshots: sink, stop: policy, flattenLimit: .seconds(60))
                }
                var snapshots = snapshots.makeAsyncIterator()
                // The loop's first turn is done (its first snapshot), and it waits on the clock.
                var last = await snapshots.next()
                // The stop has begun once the loop has been told; until the clock moves, the
                // entry's event cannot run. (Triggered again until the session's handler is in.)
                while !loop.stop.wasAsked {
                    trigger.triggerGracefulShutdown()
                    try await Task.sleep(for: .milliseconds(1))
                }
                // Now the market runs on: in one step past the entry's event (the loop's next turn
                // has it due), then on until the session has stopped.
                clock.advance(by: pastEntry)
                group.addTask {
                    while !Task.isCancelled {
                        clock.advance(by: .milliseconds(50))
                        try? await Task.sleep(for: .milliseconds(1))
                    }
                }
                while let snapshot = await snapshots.next() { last = snapshot }
                group.cancelAll()
                try await group.waitForAll()
                return last
            }
        }
        _ = undelivered
        #expect(await session.ordersReachingTheVenue() == 0, "an order reached the venue after the stop began")
        let final = try #require(last)
        #expect(final.strategies.allSatisfy { strategy in strategy.openOrders.isEmpty && Leg.allCases.allSatisfy { strategy.legs[$0].quantity.isZero } })
        if policy == .flatten {
            #expect(final.strategies.allSatisfy { $0.paused }, "the flattening stop paused first")
            #expect(await session.engineNow() >= entry, "the market ran past the entry's event")
        }
    }
}

extension TradingSession {
    func ordersReachingTheVenue() -> UInt64 { simulated!.venue(named: "sim")!.orderSequence }
    func engineNow() -> Timestamp { simulated!.now }
}

/// A clock only the test moves: a loop's sleep ends when the test has advanced past its deadline.
struct ManualClock: Clock {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    final class Elapsed: Sendable {
        let value = Mutex<Duration>(.zero)
    }

    let elapsed = Elapsed()
    var now: Instant { Instant(offset: elapsed.value.withLock { $0 }) }
    var minimumResolution: Duration { .nanoseconds(1) }

    func advance(by duration: Duration) {
        elapsed.value.withLock { $0 += duration }
    }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        while now < deadline { try await Task.sleep(for: .milliseconds(1)) }
    }
}
