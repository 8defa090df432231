import Foundation
import GRDB
@testable import HedgeCore
@testable import HedgeVenues
import Testing
@testable import HedgeEngine

@Suite("Engine journal and recovery")
struct EngineRecoveryTests {
    static let start = Timestamp(seconds: 1_800_000_000)

    func temporaryJournal() throws -> Journal {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("engine-journal-\(UUID().uuidString).sqlite").path
        return try Journal(path: path)
    }

    func journalOrderIDs(_ journal: Journal) throws -> Set<String> {
        Set(try journal.database.read { db in try String.fetchAll(db, sql: "SELECT id FROM orders") })
    }

    /// A venue of the demo scenario holding `quantity` of its far contract, bought at the market.
    func venueHolding(_ quantity: FixedDecimal) -> (VenueLedger, InstrumentID) {
        let scenario = PaperScenario.calendarDemo(start: Self.start)
        var venue = scenario.venues[0]
        var feed = scenario.feed
        for _ in 0..<4 { if let event = feed.next() { venue.onMarket(event) } }
        let far = scenario.strategies[0].legs.a.id
        let updates = venue.execute(OrderRequest(id: "manual-1", leg: .a, instrument: far, side: .buy, quantity: quantity, purpose: .open), at: Self.start)
        #expect(updates.contains { if case .filled = $0 { true } else { false } })
        return (venue.ledger, far)
    }

    @Test("an order's intent is in the journal before its venue sees it, and every venue fill reaches the journal")
    func intentBeforeSend() throws {
        let journal = try temporaryJournal()
        let engine = PaperScenario.calendarDemo(start: Self.start).makeEngine(startedAt: Self.start)
        engine.attach(journal: journal, venueState: nil)
        while engine.now < Self.start + .seconds(120), let next = engine.nextEventTime {
            engine.run(until: next)
            let atVenue = Set(engine.venue(named: "sim")!.ledger.orders.map(\.request.id.rawValue))
            let journaled = try journalOrderIDs(journal)
            #expect(atVenue.isSubset(of: journaled), "at the venue without an intent: \(atVenue.subtracting(journaled))")
            if !atVenue.isSubset(of: journaled) { break }
        }
        let venueFills = engine.venue(named: "sim")!.ledger.fills
        #expect(venueFills.count >= 4)
        let journalTrades = try journal.tradeIDs(venue: "sim")
        let undelivered = venueFills.filter { !journalTrades.contains($0.tradeID!) }
        // Only answers still travelling back may be missing.
        #expect(undelivered.count <= 2)
        #expect(try journal.cycles().count >= 1)
    }

    @Test("a failed journal write pauses every strategy and no new spread opens; it is logged")
    func journalFailureSafeMode() throws {
        let journal = try temporaryJournal()
        let engine = PaperScenario.calendarDemo(start: Self.start).makeEngine(startedAt: Self.start)
        engine.attach(journal: journal, venueState: nil)
        engine.run(until: Self.start + .seconds(5))
        journal.injectedFailure = "disk I/O error"
        engine.run(until: Self.start + .seconds(200))
        let failure = engine.durabilityFailure ?? "none"
        let safe = failure.hasSuffix("write failed: disk I/O error")
        #expect(safe)
        #expect(engine.machines.allSatisfy { $0.paused })
        #expect(engine.machines[0].completedCycles == 0 || !engine.machines[0].hasPosition)
        let opens = engine.venue(named: "sim")!.ledger.orders.filter { $0.request.purpose == .open }
        #expect(opens.isEmpty)
        #expect(engine.snapshot(logTail: 500).log.contains { $0.message.contains("SAFE MODE") })
    }

    @Test("the venue holds a position the journal does not know: adopted, logged, then flattened by policy")
    func venuePositionAdopted() throws {
        let journal = try temporaryJournal()
        let (ledger, far) = venueHolding("0.5")
        let engine = PaperScenario.calendarDemo(start: Self.start).makeEngine(startedAt: Self.start)
        engine.attach(journal: journal, venueState: nil)
        let report = try engine.recover(venueLedgers: [ledger], policy: .flatten)
        #expect(report.differences == 1)
        #expect(engine.machines[0].positions.a.quantity == "0.5")
        #expect(engine.machines[0].stateName == .unwinding)
        #expect(try journal.counts()["reconciliations"] == 1)
        #expect(report.lines.contains { $0.contains("the journal has 0, the venue 0.5") })
        // Until the adopted leg is flattened (the demo may open a spread of its own soon after).
        var time = Self.start
        while engine.machines[0].stateName == .unwinding, time < Self.start + .seconds(30) {
            time = time + .milliseconds(100)
            engine.run(until: time)
        }
        #expect(!engine.machines[0].hasPosition)
        #expect(engine.venuePosition(far)?.quantity == .zero)
        #expect(engine.positionDisagreements().isEmpty)
    }

    @Test("the journal has a position the venue does not: the venue's flat book wins, and the next start agrees")
    func journalPositionDropped() throws {
        let journal = try temporaryJournal()
        let far = PaperScenario.calendarDemo(start: Self.start).strategies[0].legs.a.id
        let order = OrderRequest(id: "btc-calendar-7", leg: .a, instrument: far, side: .buy, quantity: "0.3", purpose: .open)
        try journal.orderIntent(order, strategy: "btc-calendar", at: Self.start)
        try journal.orderUpdate(.filled(Fill(orderID: order.id, side: .buy, price: "63000", quantity: "0.3", fee: "1", liquidity: .taker,
                                             time: Self.start, tradeID: 99), remaining: .zero),
                                strategy: "btc-calendar", leg: .a, at: Self.start)
        let engine = PaperScenario.calendarDemo(start: Self.start).makeEngine(startedAt: Self.start)
        engine.attach(journal: journal, venueState: nil)
        let report = try engine.recover(venueLedgers: [], policy: .flatten)
        #expect(report.differences == 1)
        #expect(!engine.machines[0].hasPosition)
        #expect(engine.machines[0].stateName == .scanning)
        // The adoption is journaled: the next start finds nothing to reconcile.
        let again = PaperScenario.calendarDemo(start: Self.start).makeEngine(startedAt: Self.start)
        again.attach(journal: journal, venueState: nil)
        #expect(try again.recover(venueLedgers: [], policy: .flatten).differences == 0)
        // New orders never reuse the journal's ids.
        engine.run(until: Self.start + .seconds(120))
        let ids = engine.venue(named: "sim")!.ledger.orders.map(\.request.id.rawValue)
        #expect(!ids.isEmpty && !ids.contains("btc-calendar-7") && !ids.contains("btc-calendar-1"))
    }

    /// Runs `name`'s scenario on `journal` until its strategy holds a hedged spread in MONITORING;
    /// returns the venues' books and when it got there.
    func runUntilHedged(_ name: PaperScenario.Name, journal: Journal) throws -> (ledgers: [VenueLedger], at: Timestamp, positions: PerLeg<FixedDecimal>) {
        let engine = name.scenario(start: Self.start, seed: 42).makeEngine(startedAt: Self.start)
        engine.attach(journal: journal, venueState: nil)
        while engine.now < Self.start + .seconds(3_600), let next = engine.nextEventTime {
            engine.run(until: next)
            let machine = engine.machines[0]
            if machine.stateName == .monitoring, engine.snapshot(logTail: 0).strategies[0].openOrders.isEmpty { break }
        }
        let machine = engine.machines[0]
        try #require(machine.stateName == .monitoring, "\(name) never reached MONITORING")
        let ledgers = engine.venues.keys.compactMap { engine.venue(named: $0)?.ledger }
        return (ledgers, engine.now, machine.positions.map(\.quantity))
    }

    @Test("a spread hedged at its real ratio (not equal quantities) is back in MONITORING after a restart, untouched",
          arguments: PaperScenario.Name.allCases)
    func hedgedAtRatioMonitors(_ name: PaperScenario.Name) throws {
        let journal = try temporaryJournal()
        let (ledgers, stopped, held) = try runUntilHedged(name, journal: journal)
        // The restarted market starts afresh at a later time, as `hedgetop run` does.
        let restart = stopped + .seconds(30)
        let engine = name.scenario(start: restart, seed: 42).makeEngine(startedAt: restart)
        engine.attach(journal: journal, venueState: nil)
        let report = try engine.recover(venueLedgers: ledgers, policy: .flatten)
        #expect(report.differences == 0)
        // Until recovery has judged the spread (exit rules may close it later; that is not recovery).
        while engine.machines[0].stateName == .unwinding, engine.now < restart + .seconds(5), let next = engine.nextEventTime {
            engine.run(until: next)
        }
        let machine = engine.machines[0]
        #expect(machine.stateName == .monitoring, "\(name) legs \(held.a) / \(held.b): \(machine.stateName)")
        #expect(machine.positions.map(\.quantity) == held)
        let log = engine.snapshot(logTail: 500).log
        #expect(!log.contains { $0.message.contains("half-open") })
        #expect(!log.contains { $0.severity >= .warning }, "\(log.filter { $0.severity >= .warning }.map(\.message))")
        #expect(log.contains { $0.message.contains("recovered: both legs hedged") })
    }

    @Test("a brand-new journal: recovery says nothing and the strategy is simply SCANNING")
    func newJournalIsQuiet() throws {
        let journal = try temporaryJournal()
        let engine = PaperScenario.basis(start: Self.start).makeEngine(startedAt: Self.start)
        engine.attach(journal: journal, venueState: nil)
        let report = try engine.recover(venueLedgers: [], policy: .flatten)
        #expect(report.lines.isEmpty, "\(report.lines)")
        #expect(engine.machines[0].stateName == .scanning)
        let log = engine.snapshot(logTail: 500).log
        #expect(!log.contains { $0.message.contains("recover") }, "\(log.map(\.message))")
        #expect(try journal.counts()["transitions"] == 0)
    }

    @Test("a venue state belongs to its journal: another journal's is refused, its own loads, and the id survives reopening")
    func venueStateBelongsToItsJournal() throws {
        let first = try temporaryJournal(), second = try temporaryJournal()
        let id = try first.identity()
        #expect(try Journal(path: first.path).identity() == id)
        #expect(try second.identity() != id)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("venues-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (ledger, _) = venueHolding("0.5")
        try VenueStateFile(path: path, journalID: id).save([ledger])
        #expect(try VenueStateFile(path: path, journalID: id).load() == [ledger])
        #expect {
            try VenueStateFile(path: path, journalID: try second.identity()).load()
        } throws: { error in
            "\(error)".contains("belongs to another journal")
        }
    }

    /// The first quote `scenario`'s market gives for `instrument`.
    func firstQuote(_ scenario: PaperScenario, _ instrument: InstrumentID) -> FixedDecimal? {
        var feed = scenario.feed
        for _ in 0..<64 {
            if case .quote(let id, let quote) = feed.next(), id == instrument { return quote.mid }
        }
        return nil
    }

    @Test("a restarted market continues from the venue state's last marks, not from the seed price", arguments: PaperScenario.Name.allCases)
    func marketContinuesFromSavedMarks(_ name: PaperScenario.Name) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("venues-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        // A run saves its instruments' marks with the venues' books.
        let journal = try temporaryJournal()
        let engine = name.scenario(start: Self.start, seed: 42).makeEngine(startedAt: Self.start)
        engine.attach(journal: journal, venueState: VenueStateFile(path: path, journalID: try journal.identity()))
        engine.run(until: Self.start + .seconds(120))
        let legs = engine.machines[0].config.legs
        let written = try VenueStateFile(path: path).loadMarks()
        for leg in Leg.allCases { #expect(written[legs[leg].id]?.isPositive == true, "\(name): no mark saved for \(legs[leg].id)") }

        // Saved 3 % above where the seed would start: the restarted market starts there.
        let restart = engine.now + .seconds(60)
        let fresh = try PerLeg(a: #require(firstQuote(name.scenario(start: restart, seed: 42), legs.a.id)),
                               b: #require(firstQuote(name.scenario(start: restart, seed: 42), legs.b.id)))
        let marks = Dictionary(uniqueKeysWithValues: Leg.allCases.map { (legs[$0].id, FixedDecimal(units: Int64((fresh[$0].doubleValue * 1.03 * 10).rounded()) * FixedDecimal.one / 10)) })
        let initialPrice = try #require(PaperScenario.resumedInitialPrice(marks: marks) { name.scenario(start: restart, seed: 42, initialPrice: $0) })
        let resumed = name.scenario(start: restart, seed: 42, initialPrice: initialPrice)
        for leg in Leg.allCases {
            let first = try #require(firstQuote(resumed, legs[leg].id))
            let off = abs(first.doubleValue / marks[legs[leg].id]!.doubleValue - 1) * 10_000
            #expect(off < 2, "\(name) leg \(leg): saved \(marks[legs[leg].id]!), resumed at \(first) (\(off) bps off)")
        }
    }

    @Test("saving the venues before any market data keeps the marks the file had")
    func marksCarriedUntilFirstData() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("venues-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let id = InstrumentID(venue: "sim", symbol: "BTCUSD_PERP")
        try VenueStateFile(path: path).save([], marks: [id: "61234.5"])
        var state = VenueStateFile(path: path)
        state.carriedMarks = try state.loadMarks()
        let engine = PaperScenario.basis(start: Self.start).makeEngine(startedAt: Self.start)
        engine.attach(journal: nil, venueState: state)
        #expect(try VenueStateFile(path: path).loadMarks()[id] == "61234.5")
    }
}
