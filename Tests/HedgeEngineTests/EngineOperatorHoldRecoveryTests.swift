import Foundation
import GRDB
@testable import HedgeCore
@testable import HedgeVenues
import Testing
@testable import HedgeEngine

/// A trader's pause and kill switch outlive a restart (SIGKILL or not): recovery reads the
/// latest accepted pause/resume/kill from the journal's commands.
@Suite("Engine recovery keeps the trader's pause and kill")
struct EngineOperatorHoldRecoveryTests {
    static let start = Timestamp(seconds: 1_800_000_000)
    static let strategy = "btc-calendar"

    func temporaryJournalPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("hold-journal-\(UUID().uuidString).sqlite").path
    }

    /// The demo scenario on `journal`, having run `commands` at the start, stopped after a few seconds.
    func runThenStop(journal: Journal, commands: [StrategyCommand]) -> [VenueLedger] {
        let engine = PaperScenario.calendarDemo(start: Self.start).makeEngine(startedAt: Self.start)
        engine.attach(journal: journal, venueState: nil)
        for (number, action) in commands.enumerated() {
            engine.apply(EngineCommand(id: UInt64(number + 1), strategy: Self.strategy, action: action), at: Self.start + .seconds(number))
        }
        engine.run(until: Self.start + .seconds(5))
        return engine.venues.keys.compactMap { engine.venue(named: $0)?.ledger }
    }

    /// A fresh engine on the same journal, recovered and run for two minutes, in which the demo's
    /// spread conditions open a spread unless something holds the strategy.
    func restart(journal: Journal, ledgers: [VenueLedger]) throws -> (engine: Engine, report: Engine.RecoveryReport) {
        let restart = Self.start + .seconds(30)
        let engine = PaperScenario.calendarDemo(start: restart).makeEngine(startedAt: restart)
        engine.attach(journal: journal, venueState: nil)
        let report = try engine.recover(venueLedgers: ledgers, policy: .flatten)
        engine.run(until: restart + .seconds(120))
        return (engine, report)
    }

    func opens(_ engine: Engine) -> Int {
        engine.venue(named: "sim")!.ledger.orders.filter { $0.request.purpose == .open }.count
    }

    @Test("paused, then restarted on the same journal: still paused, says so once, and opens nothing")
    func pauseSurvivesRestart() throws {
        let journal = try Journal(path: temporaryJournalPath())
        let ledgers = runThenStop(journal: journal, commands: [.pause])
        let (engine, report) = try restart(journal: journal, ledgers: ledgers)
        #expect(engine.machines[0].paused)
        #expect(engine.snapshot(logTail: 0).strategies[0].paused)
        #expect(opens(engine) == 0)
        let notices = engine.snapshot(logTail: 500).log.filter { $0.message.contains("stays paused") }
        #expect(notices.count == 1)
        #expect(notices.first?.message == "recovery: btc-calendar stays paused (paused by command 1 at 08:00:00 UTC)")
        #expect(report.lines.contains { $0.contains("stays paused") })
    }

    @Test("paused then resumed, then restarted: not paused, and the spread conditions open one as before")
    func resumeLiftsThePause() throws {
        let journal = try Journal(path: temporaryJournalPath())
        let ledgers = runThenStop(journal: journal, commands: [.pause, .resume])
        let (engine, report) = try restart(journal: journal, ledgers: ledgers)
        #expect(!engine.machines[0].paused)
        #expect(opens(engine) > 0)
        #expect(!report.lines.contains { $0.contains("stays") })
    }

    @Test("killed while flat, then restarted: halted in ERROR and paused until resumed, nothing opened")
    func killSurvivesRestart() throws {
        let journal = try Journal(path: temporaryJournalPath())
        let ledgers = runThenStop(journal: journal, commands: [.kill])
        let (engine, report) = try restart(journal: journal, ledgers: ledgers)
        #expect(engine.machines[0].stateName == .error)
        #expect(engine.machines[0].paused)
        #expect(opens(engine) == 0)
        #expect(report.lines.contains { $0.contains("stays halted by the kill switch until resumed (killed by command 1") })
        // A resume after the restart lifts it, and the next restart agrees.
        engine.apply(EngineCommand(id: 9, strategy: Self.strategy, action: .resume), at: engine.now)
        #expect(engine.machines[0].stateName == .scanning)
        let (again, _) = try restart(journal: journal, ledgers: ledgers)
        #expect(!again.machines[0].paused)
        #expect(again.machines[0].stateName != .error)
    }

    @Test("the kill switch pulled while a spread was open, killed before it was flat: the restart flattens it and halts")
    func killWithOpenSpreadFlattensOnRestart() throws {
        let journal = try Journal(path: temporaryJournalPath())
        let engine = PaperScenario.calendarDemo(start: Self.start).makeEngine(startedAt: Self.start)
        engine.attach(journal: journal, venueState: nil)
        while engine.now < Self.start + .seconds(600), let next = engine.nextEventTime {
            engine.run(until: next)
            if engine.machines[0].stateName == .monitoring, engine.snapshot(logTail: 0).strategies[0].openOrders.isEmpty { break }
        }
        try #require(engine.machines[0].stateName == .monitoring)
        // The kill is accepted and journaled; the process dies before any closing order is sent.
        engine.apply(EngineCommand(id: 1, strategy: Self.strategy, action: .kill), at: engine.now)
        let ledgers = engine.venues.keys.compactMap { engine.venue(named: $0)?.ledger }
        let opensBefore = opens(engine)
        let (restarted, report) = try restart(journal: journal, ledgers: ledgers)
        #expect(report.lines.contains { $0.contains("stays halted by the kill switch") })
        #expect(!restarted.machines[0].hasPosition)
        #expect(restarted.machines[0].stateName == .error)
        #expect(restarted.machines[0].paused)
        // The restored books hold the spread's own opening orders; no new ones after the restart.
        #expect(opens(restarted) == opensBefore)
        let closes = restarted.venue(named: "sim")!.ledger.orders.filter { $0.request.purpose == .close }.count
        #expect(closes > 0)
    }

    @Test("a schema 3 journal (commands without an action) gains the column; its old rows are NULL and hold nothing")
    func migrationFromSchema3() throws {
        let path = temporaryJournalPath()
        // A journal as schema 3 wrote it: no action column, an accepted pause the action of which is
        // unknown, and (from before the migrator) no record of migrations but its user_version.
        try Journal(path: path).database.write { db in
            try db.execute(sql: "DROP TABLE grdb_migrations")
            try db.execute(sql: "ALTER TABLE commands DROP COLUMN action")
            try db.execute(sql: "INSERT INTO commands (command_id, strategy, accepted, message, time) VALUES (1, ?, 1, 'btc-calendar: pause accepted: no new spreads', ?)",
                           arguments: [Self.strategy, Self.start.nanoseconds])
            try db.execute(sql: "PRAGMA user_version = 3")
        }
        let journal = try Journal(path: path)
        let (version, actions) = try journal.database.read { db in
            (try Int.fetchOne(db, sql: "PRAGMA user_version"), try Row.fetchAll(db, sql: "SELECT action FROM commands").map { $0["action"] as String? })
        }
        #expect(version == 4)
        #expect(actions == [nil])
        #expect(try journal.latestHoldCommand(strategy: Self.strategy) == nil)
        // New rows carry their action.
        let ledgers = runThenStop(journal: journal, commands: [.pause])
        let written = try journal.database.read { db in try String.fetchAll(db, sql: "SELECT action FROM commands WHERE action IS NOT NULL") }
        #expect(written == ["pause"])
        let (engine, _) = try restart(journal: journal, ledgers: ledgers)
        #expect(engine.machines[0].paused)
    }

    @Test("the hold words already in a journal's commands.action read back as their HoldAction",
          arguments: [("pause", HoldAction.pause), ("resume", .resume), ("kill", .kill)])
    func holdWordsReadBack(word: String, action: HoldAction) throws {
        let journal = try Journal(path: temporaryJournalPath())
        try journal.database.write { db in
            try db.execute(sql: "INSERT INTO commands (command_id, strategy, accepted, message, time, action) VALUES (1, ?, 1, 'earlier', ?, 'close')",
                           arguments: [Self.strategy, Self.start.nanoseconds])
            try db.execute(sql: "INSERT INTO commands (command_id, strategy, accepted, message, time, action) VALUES (2, ?, 1, 'the hold', ?, ?)",
                           arguments: [Self.strategy, Self.start.nanoseconds, word])
        }
        let latest = try #require(try journal.latestHoldCommand(strategy: Self.strategy))
        #expect(latest.action == action)
        #expect(latest.commandID == 2)
    }
}
