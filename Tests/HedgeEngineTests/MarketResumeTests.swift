import Foundation
@testable import HedgeCore
@testable import HedgeVenues
import Testing
@testable import HedgeEngine

/// A restarted paper market continues from the state saved with the venues' books (the price,
/// the spread's deviation, the generator's draws), so a recovered spread is held in the market
/// it was opened in instead of one reset to fair.
@Suite("A restarted paper market continues where it stood")
struct MarketResumeTests {
    static let start = Timestamp(seconds: 1_800_000_000)

    /// A run of `name` with a journal and a venue state, stopped as a desk stops once a spread
    /// has been held for 2 s; nil when none opened within 10 minutes.
    func runUntilHolding(_ name: PaperScenario.Name) throws -> (engine: Engine, journal: Journal, path: String)? {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("venues-\(UUID().uuidString).json").path
        let journal = try Journal(path: FileManager.default.temporaryDirectory.appendingPathComponent("resume-\(UUID().uuidString).sqlite").path)
        let engine = name.scenario(start: Self.start, seed: 42).makeEngine(startedAt: Self.start)
        engine.attach(journal: journal, venueState: VenueStateFile(path: path, journalID: try journal.identity()))
        var time = Self.start
        var heldSince: Timestamp?
        while time < Self.start + .seconds(600) {
            time = time + .milliseconds(100)
            engine.run(until: time)
            if engine.machines[0].stateName == .monitoring { heldSince = heldSince ?? time } else { heldSince = nil }
            if let heldSince, time - heldSince >= .seconds(2) {
                engine.retryHeldWritesAtStop()
                return (engine, journal, path)
            }
        }
        return nil
    }

    /// The first quote of each leg `feed` gives.
    func firstQuotes(_ feed: any MarketFeed, _ legs: PerLeg<ContractSpec>) throws -> PerLeg<Quote> {
        var feed = feed
        var quotes: [InstrumentID: Quote] = [:]
        for _ in 0..<64 where quotes.count < 2 {
            if case .quote(let id, let quote) = feed.next() { quotes[id] = quotes[id] ?? quote }
        }
        return PerLeg(a: try #require(quotes[legs.a.id]), b: try #require(quotes[legs.b.id]))
    }

    /// Leg A over leg B, in bps.
    func spread(_ quotes: PerLeg<Quote>) -> Double { (quotes.a.mid.doubleValue / quotes.b.mid.doubleValue - 1) * 10_000 }

    @Test("run, stop, resume: the legs' prices and the spread go on from where they stood, within a tick's move",
          arguments: PaperScenario.Name.allCases)
    func pricesContinue(name: PaperScenario.Name) throws {
        let (engine, _, path) = try #require(try runUntilHolding(name), "\(name): no spread opened")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let legs = engine.machines[0].config.legs
        let strategy = engine.snapshot().strategies[0]
        let last = PerLeg(a: try #require(strategy.legs.a.quote), b: try #require(strategy.legs.b.quote))
        let saved = try #require(try VenueStateFile(path: path).loadMarket(), "no market saved")

        // A minute later, the market continues from the saved state.
        let restart = engine.now + .seconds(60)
        let resumed = try firstQuotes(name.scenario(start: restart, seed: 42, listed: Self.start, resume: saved).feed, legs)
        // One 100 ms step: the underlying's σ is 0.55 × √(0.1 s / 1 y) ≈ 0.1 bp (twice that when
        // volatile), the spread's about 0.3 bp, or a small jump of 2.5 bp; a reset to fair would
        // move it by the whole dislocation the spread was opened on (9 bps or more).
        for leg in Leg.allCases {
            let moved = abs(resumed[leg].mid.doubleValue / last[leg].mid.doubleValue - 1) * 10_000
            #expect(moved < 3, "\(name) leg \(leg): last \(last[leg].mid), resumed at \(resumed[leg].mid) (\(moved) bps)")
        }
        #expect(abs(spread(resumed) - spread(last)) < 3, "\(name): spread was \(spread(last)) bps, resumed at \(spread(resumed)) bps")
    }

    @Test("a recovered open spread is still held a second after the restart, not closed by a market reset to fair",
          arguments: PaperScenario.Name.allCases)
    func recoveredSpreadNotClosedByReset(name: PaperScenario.Name) throws {
        let (engine, journal, path) = try #require(try runUntilHolding(name), "\(name): no spread opened")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let state = VenueStateFile(path: path, journalID: try journal.identity())
        let ledgers = try state.load()
        let restart = engine.now + .seconds(60)
        let resumed = name.scenario(start: restart, seed: 42, listed: Self.start, resume: try state.loadMarket()).makeEngine(startedAt: restart)
        resumed.attach(journal: journal, venueState: nil)
        _ = try resumed.recover(venueLedgers: ledgers, policy: .flatten)
        resumed.run(until: restart + .seconds(1))
        #expect(resumed.machines[0].stateName == .monitoring, "\(name): \(resumed.machines[0].stateName) a second after the restart")
        #expect(resumed.machines[0].completedCycles == engine.machines[0].completedCycles)
    }
}
