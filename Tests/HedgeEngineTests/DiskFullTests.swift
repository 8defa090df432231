import Foundation
@testable import HedgeCore
@testable import HedgeVenues
import Testing
@testable import HedgeEngine

/// A full disk: neither the journal nor the venue state takes writes for a while.
@Suite("Disk full")
struct DiskFullTests {
    static let start = Timestamp(seconds: 1_800_000_000)

    func temporaryPath(_ suffix: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("disk-full-\(UUID().uuidString)\(suffix)").path
    }

    @Test("fills that cannot be journaled are held and retried, no spread opens until they are durable, and the restart finds every fill at the venue")
    func fillsHeldAndRetried() throws {
        let journal = try Journal(path: temporaryPath(".sqlite"), createdAt: Self.start)
        let statePath = temporaryPath(".json")
        let engine = PaperScenario.calendarDemo(start: Self.start).makeEngine(startedAt: Self.start)
        engine.attach(journal: journal, venueState: VenueStateFile(path: statePath, journalID: try journal.identity()))
        while !engine.machines[0].hasPosition, engine.now < Self.start + .seconds(3_600), let next = engine.nextEventTime { engine.run(until: next) }
        try #require(engine.machines[0].hasPosition)

        // The disk fills up: every journal write fails, and so does every venue-state save
        // (its temporary file cannot be created).
        journal.injectedFailure = "database or disk is full"
        try FileManager.default.createDirectory(atPath: statePath + ".tmp", withIntermediateDirectories: false)
        let opensBefore = engine.venue(named: "sim")!.ledger.orders.filter { $0.request.purpose == .open }.count
        func venueTrades() -> Set<UInt64> { Set(engine.venue(named: "sim")!.ledger.fills.compactMap(\.tradeID)) }
        while venueTrades().subtracting(try journal.tradeIDs(venue: "sim")).count < 2, engine.now < Self.start + .seconds(7_200),
              let next = engine.nextEventTime {
            engine.run(until: next)
        }
        engine.run(until: engine.now + .seconds(2))
        let filled = venueTrades()
        try #require(!filled.isSubset(of: try journal.tradeIDs(venue: "sim")), "no fill arrived while the disk was full")
        #expect(engine.durabilityFailure != nil)
        #expect(engine.machines.allSatisfy { $0.paused })
        #expect(!engine.heldWrites.isEmpty)
        let opens = engine.venue(named: "sim")!.ledger.orders.filter { $0.request.purpose == .open }.count
        #expect(opens == opensBefore, "a spread opened while fills were not durable")

        // Space again: the held writes become durable, in order, and the venue state catches up.
        journal.injectedFailure = nil
        try FileManager.default.removeItem(atPath: statePath + ".tmp")
        engine.run(until: engine.now + .seconds(5))
        #expect(filled.isSubset(of: try journal.tradeIDs(venue: "sim")), "fills still missing from the journal")
        #expect(engine.heldWrites.isEmpty)
        #expect(engine.durabilityFailure == nil)
        #expect(engine.machines.allSatisfy { $0.paused }, "safe mode's pause is the trader's to lift")
        #expect(engine.snapshot(logTail: 500).log.contains { $0.message.contains("safe mode over") })

        // A restart from what is on disk agrees with the venue, fill for fill.
        let saved = try VenueStateFile(path: statePath, journalID: try journal.identity()).load()
        #expect(Set(saved.flatMap(\.fills).compactMap(\.tradeID)).isSuperset(of: filled))
        let restart = engine.now + .seconds(1)
        let again = PaperScenario.calendarDemo(start: restart).makeEngine(startedAt: restart)
        again.attach(journal: try Journal(path: journal.path), venueState: nil)
        let report = try again.recover(venueLedgers: saved, policy: .flatten)
        #expect(!report.lines.contains { $0.contains("never reached the venue") }, "\(report.lines)")
        #expect(report.differences == 0, "\(report.lines)")
    }

    @Test("an order the venue filled whose intent never became durable is adopted on restart with its fills, not left to a position adjustment")
    func heldIntentAdoptedFromTheVenue() throws {
        let journal = try Journal(path: temporaryPath(".sqlite"), createdAt: Self.start)
        let scenario = PaperScenario.calendarDemo(start: Self.start)
        var venue = scenario.venues[0]
        var feed = scenario.feed
        for _ in 0..<4 { if let event = feed.next() { venue.onMarket(event) } }
        let far = scenario.strategies[0].legs.a.id
        // A hedge sent while the disk was full: it filled, its intent was still held when the program died.
        let order = OrderRequest(id: "btc-calendar-3", leg: .a, instrument: far, side: .buy, quantity: "0.5", purpose: .hedge)
        _ = venue.execute(order, at: Self.start)
        let trades = Set(venue.ledger.fills.compactMap(\.tradeID))
        try #require(!trades.isEmpty)
        let engine = scenario.makeEngine(startedAt: Self.start + .seconds(1))
        engine.attach(journal: journal, venueState: nil)
        let report = try engine.recover(venueLedgers: [venue.ledger], policy: .flatten)
        #expect(trades.isSubset(of: try journal.tradeIDs(venue: far.venue)), "\(report.lines)")
        #expect(try journal.counts()["reconciliations"] == 0, "\(report.lines)")
        #expect(try journal.lastOrderNumber(strategy: "btc-calendar") == 3)
        #expect(engine.machines[0].positions.a.quantity == "0.5")
        #expect(report.lines.contains { $0.contains("btc-calendar-3") && $0.contains("no intent in the journal") }, "\(report.lines)")
        #expect(!report.lines.contains { $0.contains("never reached the venue") })
    }

    @Test("a venue-state save that fails leaves no temporary file behind")
    func failedSaveCleansUp() throws {
        let path = temporaryPath(".json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        // The rename over it fails: the path is a directory that is not empty.
        try FileManager.default.createDirectory(atPath: path + "/occupied", withIntermediateDirectories: true)
        #expect(throws: VenueStateError.self) { try VenueStateFile(path: path).save([]) }
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
    }
}
