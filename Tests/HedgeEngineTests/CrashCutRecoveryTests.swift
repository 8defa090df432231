import Foundation
import GRDB
@testable import HedgeCore
@testable import HedgeVenues
import Testing
@testable import HedgeEngine

/// A crash right after any durable write of a whole cycle, modelled in process: the journal and
/// the venue state are copied as they are after that write (what a SIGKILL would leave), a new
/// engine recovers from the copies, and its history is compared with an uninterrupted run's.
@Suite("Recovery after a crash at every write of a cycle")
struct CrashCutRecoveryTests {
    static let start = Timestamp(seconds: 1_800_000_000)

    func temporaryPath(_ suffix: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("crash-cut-\(UUID().uuidString)\(suffix)").path
    }

    /// What a crash right after a write leaves: the journal's copy, the venue state's books, the time.
    struct Cut {
        var journal: String
        var ledgers: [VenueLedger]
        var at: Timestamp
    }

    /// Runs the demo scenario on a new journal and venue state until its first cycle is closed in
    /// the journal (or the cut is taken); returns how many durable writes that took, the journal's
    /// cycles, and the cut after write `cutAfter`.
    func run(cutAfter: Int?) throws -> (writes: Int, cycles: [Journal.CycleRow], fills: Int, cut: Cut?) {
        let journal = try Journal(path: temporaryPath(".sqlite"), createdAt: Self.start)
        let statePath = temporaryPath(".json")
        let state = VenueStateFile(path: statePath, journalID: try journal.identity())
        let engine = PaperScenario.calendarDemo(start: Self.start).makeEngine(startedAt: Self.start)
        var cut: Cut?
        var failure: (any Error)?
        engine.afterDurableWrite = { count in
            guard count == cutAfter, cut == nil else { return }
            do {
                let copy = temporaryPath(".sqlite")
                try journal.database.backup(to: try DatabaseQueue(path: copy))
                cut = Cut(journal: copy, ledgers: try state.load(), at: engine.now)
            } catch {
                failure = error
            }
        }
        engine.attach(journal: journal, venueState: state)
        while cut == nil, engine.now < Self.start + .seconds(3_600), let next = engine.nextEventTime {
            engine.run(until: next)
            if cutAfter == nil, try journal.cycles().contains(where: { $0.closedAt != nil }) { break }
        }
        if let failure { throw failure }
        return (engine.durableWrites, try journal.cycles(), try journal.fills().count, cut)
    }

    @Test("killed after any journal write of a whole cycle, the restart records each cycle's PnL from its fills, as an uninterrupted run does")
    func everyWriteOfACycle() throws {
        let reference = try run(cutAfter: nil)
        let closed = try #require(reference.cycles.first { $0.closedAt != nil }, "no cycle closed")
        #expect(closed.netPnL != .zero)
        for writes in 1...reference.writes {
            let cut = try #require(try run(cutAfter: writes).cut, "no cut after write \(writes)")
            let journal = try Journal(path: cut.journal)
            let fillsAtCut = try journal.fills().count
            let restart = cut.at + .seconds(1)
            let engine = PaperScenario.calendarDemo(start: restart).makeEngine(startedAt: restart)
            engine.attach(journal: journal, venueState: nil)
            _ = try engine.recover(venueLedgers: cut.ledgers, policy: .flatten)
            // Long enough to price both legs and resolve what recovery found.
            engine.run(until: restart + .seconds(30))
            let cycles = try journal.cycles()
            // Every fill of the cycle was journaled before the cut: the cycle is the reference's.
            if fillsAtCut >= reference.fills {
                let recovered = try #require(cycles.first, "after write \(writes): no cycle")
                #expect(recovered.openedAt == closed.openedAt, "after write \(writes)")
                #expect(recovered.entrySpreadBps == closed.entrySpreadBps, "after write \(writes)")
                #expect(recovered.netPnL == closed.netPnL,
                        "after write \(writes) of \(reference.writes): net \(recovered.netPnL?.description ?? "none"), uninterrupted \(closed.netPnL?.description ?? "none") (\(recovered.reason ?? ""))")
            }
            // A closed cycle never records 0 when it traded.
            for cycle in cycles where cycle.closedAt != nil && cycle.openedAt != nil {
                #expect(cycle.netPnL != .zero, "after write \(writes): \(cycle)")
            }
        }
    }
}
