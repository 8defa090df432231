import Foundation
import GRDB
@testable import HedgeCore
@testable import HedgeVenues
import Testing
@testable import HedgeEngine

/// The paper scenarios' dated contracts are named after their expiry. They count from the journal's
/// creation, not from each start: a restart days later trades, and recovers, the same contracts.
@Suite("Dated contracts listed at the journal's creation")
struct ContractListingTests {
    static let created = Timestamp(seconds: 1_800_000_000)
    static let tenDaysLater = created + .seconds(10 * 86_400)

    func journal(createdAt: Timestamp) throws -> Journal {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("listing-\(UUID().uuidString).sqlite").path
        return try Journal(path: path, createdAt: createdAt)
    }

    func datedSymbols(_ scenario: PaperScenario) -> [String] {
        scenario.strategies.flatMap { [$0.legs.a, $0.legs.b] }.filter { $0.kind.expiry != nil }.map(\.id.symbol)
    }

    @Test("a journal created at T, restarted at T + 10 days: the same symbols, and the open spread is recovered in MONITORING",
          arguments: [PaperScenario.Name.calendar, .basis])
    func restartTenDaysLaterRecoversSameContracts(_ name: PaperScenario.Name) throws {
        let journal = try journal(createdAt: Self.created)
        let listed = try journal.contractsListedAt(firstStart: Self.created)
        #expect(listed == Self.created)
        let first = name.scenario(start: Self.created, seed: 42, listed: listed)
        let engine = first.makeEngine(startedAt: Self.created)
        engine.attach(journal: journal, venueState: nil)
        while engine.now < Self.created + .seconds(3_600), let next = engine.nextEventTime {
            engine.run(until: next)
            if engine.machines[0].stateName == .monitoring, engine.snapshot(logTail: 0).strategies[0].openOrders.isEmpty { break }
        }
        try #require(engine.machines[0].stateName == .monitoring, "\(name) never opened a spread")
        let held = engine.machines[0].positions.map(\.quantity)
        let ledgers = engine.venues.keys.compactMap { engine.venue(named: $0)?.ledger }

        let restartListing = try journal.contractsListedAt(firstStart: Self.tenDaysLater)
        #expect(restartListing == Self.created)
        let restarted = name.scenario(start: Self.tenDaysLater, seed: 42, listed: restartListing)
        #expect(datedSymbols(restarted) == datedSymbols(first) && !datedSymbols(first).isEmpty)
        let again = restarted.makeEngine(startedAt: Self.tenDaysLater)
        again.attach(journal: journal, venueState: nil)
        let report = try again.recover(venueLedgers: ledgers, policy: .flatten)
        // The strategy holds the very legs it left, on the venue's records: nothing adopted, nothing orphaned.
        #expect(report.differences == 0)
        #expect(again.machines[0].positions.map(\.quantity) == held)
        let log = again.snapshot(logTail: 500).log
        #expect(log.contains { $0.message.hasPrefix("recovery: rebuilt: leg A \(held.a), leg B \(held.b), cycle open") }, "\(log.map(\.message))")
        guard name == .calendar else { return }
        // Linear legs of one BTC each stay hedged at any price: back to MONITORING, untouched. (The
        // inverse basis legs were sized at T's carry; ten days on, recovery judges them by today's.)
        while again.machines[0].stateName == .unwinding, again.now < Self.tenDaysLater + .seconds(5), let next = again.nextEventTime {
            again.run(until: next)
        }
        #expect(again.machines[0].stateName == .monitoring, "\(again.snapshot(logTail: 500).log.map(\.message))")
        #expect(again.machines[0].positions.map(\.quantity) == held)
        #expect(again.snapshot(logTail: 500).log.contains { $0.message.contains("recovered: both legs hedged") })
    }

    @Test("restarted after the near contract expired: it is named as expired, and the spread's near leg as held in it")
    func expiredContractWithPositionIsFound() throws {
        let journal = try journal(createdAt: Self.created)
        let first = PaperScenario.calendarDemo(start: Self.created, listed: Self.created)
        let engine = first.makeEngine(startedAt: Self.created)
        engine.attach(journal: journal, venueState: nil)
        while engine.now < Self.created + .seconds(3_600), let next = engine.nextEventTime {
            engine.run(until: next)
            if engine.machines[0].stateName == .monitoring, engine.snapshot(logTail: 0).strategies[0].openOrders.isEmpty { break }
        }
        try #require(engine.machines[0].stateName == .monitoring)
        let ledgers = engine.venues.keys.compactMap { engine.venue(named: $0)?.ledger }
        let near = first.strategies[0].legs.b

        let tenDays = PaperScenario.calendarDemo(start: Self.tenDaysLater, listed: Self.created)
        #expect(tenDays.expiredContracts(at: Self.tenDaysLater).isEmpty)
        #expect(tenDays.positionsInExpiredContracts(ledgers, at: Self.tenDaysLater).isEmpty)

        // 80 days on, past the March 2027 delivery (70 days after T): the near leg has expired.
        let monthLater = Self.created + .seconds(80 * 86_400)
        let late = PaperScenario.calendarDemo(start: monthLater, listed: try journal.contractsListedAt(firstStart: monthLater))
        #expect(late.expiredContracts(at: monthLater).map(\.id) == [near.id])
        let held = late.positionsInExpiredContracts(ledgers, at: monthLater)
        #expect(held.map(\.spec.id) == [near.id] && held.map(\.quantity) == [engine.machines[0].positions.b.quantity])
        // Once nothing is held, the journal lists new contracts from the start that found them expired.
        try journal.relistContracts(at: monthLater)
        #expect(try journal.contractsListedAt(firstStart: Self.created) == monthLater)
    }

    @Test("a fresh journal created after a quarterly delivery lists that day's contracts; an older one keeps its own")
    func freshJournalListsItsOwnDay() throws {
        // T is 2027-01-15; the March 2027 quarterly delivers 70 days on, so 80 days on the venue
        // lists June and September.
        let later = Self.created + .seconds(80 * 86_400)
        let old = try journal(createdAt: Self.created), fresh = try journal(createdAt: later)
        let oldListing = try old.contractsListedAt(firstStart: later)
        let freshListing = try fresh.contractsListedAt(firstStart: later)
        #expect(freshListing == later)
        for name in [PaperScenario.Name.calendar, .basis] {
            let fromOld = datedSymbols(name.scenario(start: later, seed: 42, listed: oldListing))
            let fromFresh = datedSymbols(name.scenario(start: later, seed: 42, listed: freshListing))
            #expect(fromFresh == datedSymbols(name.scenario(start: later, seed: 42)))
            #expect(fromOld != fromFresh, "\(name): \(fromOld) vs \(fromFresh)")
        }
        #expect(datedSymbols(PaperScenario.basis(start: Self.tenDaysLater, listed: Self.created)) == ["BTCUSD_270326"])
        #expect(datedSymbols(PaperScenario.calendarDemo(start: later)) == ["BTCUSDT_270924", "BTCUSDT_270625"])
    }

    func insertTransition(_ journal: Journal, at time: Timestamp) throws {
        try journal.database.write { db in
            try db.execute(sql: "INSERT INTO transitions (strategy, from_state, to_state, reason, time) VALUES ('s', 'SCANNING', 'ENTERING', 'test', ?)",
                           arguments: [time.nanoseconds])
        }
    }

    @Test("a journal from before created_at: its earliest write is the listing, else the first start; either is kept from then on")
    func olderJournalTakesEarliestWrite() throws {
        let written = try journal(createdAt: Self.created)
        try written.database.write { db in try db.execute(sql: "DELETE FROM meta WHERE key = 'created_at'") }
        let earliest = Self.created + .seconds(3_600)
        try insertTransition(written, at: earliest + .seconds(60))
        try insertTransition(written, at: earliest)
        #expect(try written.contractsListedAt(firstStart: Self.tenDaysLater) == earliest)
        try insertTransition(written, at: Self.created)
        #expect(try written.contractsListedAt(firstStart: Self.tenDaysLater) == earliest, "the listing moved once stored")

        let empty = try journal(createdAt: Self.created)
        try empty.database.write { db in try db.execute(sql: "DELETE FROM meta WHERE key = 'created_at'") }
        #expect(try empty.contractsListedAt(firstStart: Self.tenDaysLater) == Self.tenDaysLater)
        #expect(try empty.contractsListedAt(firstStart: Self.tenDaysLater + .seconds(86_400)) == Self.tenDaysLater)
    }
}
