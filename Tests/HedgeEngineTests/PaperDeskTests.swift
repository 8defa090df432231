import Foundation
@testable import HedgeCore
@testable import HedgeVenues
import Logging
import ServiceLifecycleTestKit
import Testing
@testable import HedgeEngine

/// The paper desk without the binary: opened on a temporary directory, traded on a fast clock,
/// stopped, reopened.
@Suite("Paper desk")
struct PaperDeskTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("paper-desk-\(UUID().uuidString)")
    var journal: String { directory.appendingPathComponent("journal.sqlite").path }
    let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    func open(seed: UInt64 = 42) throws -> PaperDesk {
        try PaperDesk.open(PaperDesk.Options(seed: seed, defaultJournal: journal), logger: logger)
    }

    /// Opens the desk again after an earlier one on the same journal: its lock goes with the
    /// earlier desk's last reference, which a task of that desk still finishing on a loaded
    /// machine may hold a moment longer.
    func reopen() async throws -> PaperDesk {
        let deadline = ContinuousClock.now.advanced(by: .seconds(20))
        while true {
            do {
                return try open()
            } catch let error as DeskError where "\(error)".contains("locked by another process") && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// Runs the session at `speed`× until `condition` holds for a snapshot (at most 60 s of wall
    /// time), then shuts it down gracefully with `policy`; returns the last snapshot seen. A stop
    /// that keeps a spread runs the market slowly: a loaded machine's stall must not let the demo
    /// close the spread between the condition and the stop.
    @discardableResult
    func trade(_ session: TradingSession, stop policy: StopPolicy, speed: Double = 10, until condition: @escaping @Sendable (EngineSnapshot) -> Bool) async throws -> EngineSnapshot? {
        try await testGracefulShutdown { trigger in
            let (snapshots, sink) = EngineLoop<ContinuousClock>.makeSnapshotStream()
            let (sender, commands) = CommandSender.makeChannel()
            let loop = EngineLoop(clock: ContinuousClock(), pace: .realTime(speed: speed))
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await session.run(on: loop, commands: commands, sender: sender, snapshots: sink, stop: policy) }
                group.addTask {
                    // A guard for a condition that never comes, long enough for a CI machine whose
                    // two pool threads are held for minutes by tests replaying whole recordings.
                    try await Task.sleep(for: .seconds(300))
                    trigger.triggerGracefulShutdown()
                }
                var last: EngineSnapshot?
                var triggered = false
                for await snapshot in snapshots {
                    last = snapshot
                    if !triggered && condition(snapshot) {
                        triggered = true
                        trigger.triggerGracefulShutdown()
                    }
                }
                try await group.next()
                group.cancelAll()
                return last
            }
        }
    }

    static func holdsSpread(_ snapshot: EngineSnapshot) -> Bool {
        snapshot.strategies.contains { strategy in Leg.allCases.allSatisfy { !strategy.legs[$0].quantity.isZero } }
    }

    static func isFlat(_ snapshot: EngineSnapshot) -> Bool {
        snapshot.strategies.allSatisfy { strategy in Leg.allCases.allSatisfy { strategy.legs[$0].quantity.isZero } && strategy.openOrders.isEmpty }
    }

    @Test("a desk opened on a new journal trades, and stopped with flatten it ends flat and names nothing kept")
    func stopWithFlatten() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let desk = try open()
        #expect(desk.journalPath == journal)
        #expect(desk.venueStatePath == directory.appendingPathComponent("journal.venues-calendar.json").path)
        #expect(await desk.session.tradeUntilHolding())
        let last = try await trade(desk.session, stop: .flatten, until: Self.holdsSpread)
        let final = try #require(last)
        #expect(Self.isFlat(final), "still open: \(final.strategies.map(\.legs))")
        #expect(await desk.session.keptOpen.isEmpty)
        #expect(FileManager.default.fileExists(atPath: desk.venueStatePath))
        // A close the stop made says why: the stop's policy, never the trader's close key (the
        // spread may also have converged on its own before the stop came: then nothing is said).
        #expect(!final.log.contains { $0.message.contains("manual close") }, "\(final.log.map(\.message))")
    }

    @Test("stopped with keep, the open spread is named; the reopened desk recovers it from the journal and the venue state")
    func stopWithKeepThenRecover() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        var held: [String] = []
        do {
            let desk = try open()
            #expect(await desk.session.tradeUntilHolding())
            let last = try #require(try await trade(desk.session, stop: .keep, speed: 0.01, until: Self.holdsSpread))
            let kept = await desk.session.keptOpen
            #expect(kept.count == 1)
            #expect(kept.first?.hasPrefix("keeping btc-calendar open: leg A sim:") == true, "\(kept)")
            #expect(kept.first?.hasSuffix("; the next start recovers it") == true)
            let strategy = try #require(last.strategies.first)
            held = Leg.allCases.map { "\(strategy.legs[$0].instrument) \(strategy.legs[$0].quantity)" }
        }
        // The first desk is gone, and its lock with it: the journal opens again and recovers.
        let reopened = try await reopen()
        let recovered = await reopened.session.currentSnapshot()
        let strategy = try #require(recovered.strategies.first)
        #expect(Leg.allCases.map { "\(strategy.legs[$0].instrument) \(strategy.legs[$0].quantity)" } == held)
    }

    @Test("after a hangup, a stop whose policy is keep flattens: nobody is left to watch the spread")
    func hangupFlattensAKeepStop() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let desk = try open()
        #expect(await desk.session.tradeUntilHolding())
        await desk.session.flattenWhenStopping()
        let final = try #require(try await trade(desk.session, stop: .keep, until: Self.holdsSpread))
        #expect(Self.isFlat(final), "still open: \(final.strategies.map(\.legs))")
        #expect(await desk.session.keptOpen.isEmpty)
        #expect(!final.log.contains { $0.message.contains("manual close") }, "\(final.log.map(\.message))")
    }

    @Test("a second desk on the same journal is refused by its lock, and does not trade")
    func secondDeskRefused() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try open()
        let error = try #require(throws: DeskError.self) { try open() }
        #expect(error.message.contains("locked by another process"), "\(error.message)")
        #expect(error.message.hasSuffix("; not trading"))
        withExtendedLifetime(first) {}
    }

    /// A journal whose dated contracts were listed `days` ago, with (optionally) the venue state
    /// holding a long position in its near contract.
    func journalListed(daysAgo days: Int64, holdingNear: Bool) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let listed = Timestamp.wallClockNow() + .seconds(-days * 86_400)
        let journal = try Journal(path: self.journal)
        try journal.relistContracts(at: listed)
        guard holdingNear else { return }
        let scenario = PaperScenario.calendarDemo(start: listed, listed: listed)
        var venue = scenario.venues[0]
        var feed = scenario.feed
        for _ in 0..<4 { if let event = feed.next() { venue.onMarket(event) } }
        let near = scenario.strategies[0].legs.b.id
        _ = venue.execute(OrderRequest(id: "manual-1", leg: .b, instrument: near, side: .buy, quantity: 5, purpose: .open), at: listed)
        let state = VenueStateFile(path: PaperDesk.defaultVenueStatePath(journal: self.journal, scenario: .calendar), journalID: try journal.identity())
        try state.save([venue.ledger])
    }

    @Test("a position held in a contract that expired while nothing ran is refused, naming it")
    func expiredContractHeldRefused() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        // Quarterly deliveries are at most 14 weeks apart: 120 days ago's near contract has expired.
        try journalListed(daysAgo: 120, holdingNear: true)
        let error = try #require(throws: DeskError.self) { try open() }
        #expect(error.message.contains("expired while nothing ran; the venue state still holds sim:"), "\(error.message)")
        #expect(error.message.contains("start on a new journal"))
        #expect(error.message.hasSuffix("; not trading"))
    }

    @Test("contracts that expired with nothing held in them are relisted from now, and the desk says so")
    func expiredContractNotHeldRelisted() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        try journalListed(daysAgo: 120, holdingNear: false)
        let desk = try open()
        #expect(desk.notices.contains { $0.hasSuffix("expired while nothing ran, with nothing held in them; trading contracts listed from now") }, "\(desk.notices)")
    }
}

extension TradingSession {
    /// The engine's state now, for a test that looks before running it.
    func currentSnapshot() -> EngineSnapshot { simulated!.snapshot() }

    /// Runs the engine in data time, event by event, until its strategy holds a hedged spread
    /// with no order working (at most two data hours): no clock, so the test is the same on a
    /// busy machine.
    func tradeUntilHolding() -> Bool {
        let engine = simulated!
        let end = engine.now + .seconds(7_200)
        while engine.now < end, let next = engine.nextEventTime {
            engine.run(until: next)
            if engine.machines[0].stateName == .monitoring, engine.snapshot(logTail: 0).strategies[0].openOrders.isEmpty { return true }
        }
        return false
    }
}
