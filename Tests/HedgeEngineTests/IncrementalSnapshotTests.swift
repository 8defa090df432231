@testable import HedgeCore
@testable import HedgeVenues
import Testing
@_spi(Testing) @testable import HedgeEngine

@Suite("Incremental snapshots equal a rebuild from scratch")
struct IncrementalSnapshotTests {
    let start = Timestamp(seconds: 1_800_000_000)

    /// Whether every field of `a` equals `b`'s (`==` compares only what the screen redraws on);
    /// NaN equals NaN (an exit marker's unknown spread).
    static func sameFacts(_ a: StrategySnapshot, _ b: StrategySnapshot) -> Bool {
        let x = a.box.fields, y = b.box.fields
        func same(_ p: Double?, _ q: Double?) -> Bool { p == q || (p?.isNaN == true && q?.isNaN == true) }
        func same(_ p: (upper: Double, lower: Double)?, _ q: (upper: Double, lower: Double)?) -> Bool {
            same(p?.upper, q?.upper) && same(p?.lower, q?.lower) && (p == nil) == (q == nil)
        }
        let markers = x.markers.count == y.markers.count && zip(x.markers, y.markers).allSatisfy {
            $0.time == $1.time && $0.kind == $1.kind && same($0.spreadBps, $1.spreadBps) && $0.richLeg == $1.richLeg
        }
        return x.name == y.name && x.kind == y.kind && x.state == y.state && x.stateSince == y.stateSince && x.paused == y.paused
            && x.haltReason == y.haltReason && x.legs == y.legs && x.spreadBps == y.spreadBps
            && same(x.rollingMeanBps, y.rollingMeanBps) && same(x.zScore, y.zScore) && same(x.annualisedBasis, y.annualisedBasis)
            && same(x.entryBandBps, y.entryBandBps) && same(x.exitBandBps, y.exitBandBps)
            && x.entryRule == y.entryRule && x.exitRule == y.exitRule && x.entry == y.entry && x.exit == y.exit && x.pnl == y.pnl
            && x.spreadSeries == y.spreadSeries && x.meanSeries == y.meanSeries && x.pnlSeries == y.pnlSeries
            && x.entryBandSeries == y.entryBandSeries && x.exitBandSeries == y.exitBandSeries && markers
            && x.transitions == y.transitions && x.openOrders == y.openOrders && x.completedCycles == y.completedCycles
            && x.haltedByKillSwitch == y.haltedByKillSwitch && x.rebalanceNeeded == y.rebalanceNeeded
            && x.unhedgedSince == y.unhedgedSince
    }

    /// `name`'s scenario with its strategy copied `copies` times, each entering a little later,
    /// so they trade at different moments on the same market.
    func engine(_ name: PaperScenario.Name, copies: Int) -> Engine {
        var scenario = name.scenario(start: start, seed: 42)
        let base = scenario.strategies[0]
        scenario.strategies = (0..<copies).map { index in
            var config = base
            config.name = "\(base.name)-\(index)"
            if case .bps(let bps) = base.entry { config.entry = .bps((try? bps + FixedDecimal(index)) ?? bps) }
            return config
        }
        return scenario.makeEngine(startedAt: start)
    }

    @Test("across a run with several strategies trading, every snapshot equals one built afresh", arguments: [PaperScenario.Name.cross, .basis])
    func equalsRebuildAtEveryStep(name: PaperScenario.Name) throws {
        let engine = engine(name, copies: 4)
        var time = start
        var commandID: UInt64 = 0
        var sawShared = false
        var previous: EngineSnapshot?
        for step in 0..<720 {
            // Mostly 250 ms frames; sometimes no time at all (nothing moved), sometimes a command.
            if step % 9 != 4 { time = time + .milliseconds(250) }
            engine.run(until: time)
            if step % 37 == 20 {
                commandID += 1
                let action: StrategyCommand = step % 74 == 20 ? .pause : .resume
                engine.apply(EngineCommand(id: commandID, strategy: "\(engine.machines[step % 4].config.name)", action: action), at: time)
            }
            let snapshot = engine.snapshot()
            let fresh = engine.strategiesFromScratch()
            try #require(snapshot.strategies.count == fresh.count)
            for (made, built) in zip(snapshot.strategies, fresh) {
                #expect(Self.sameFacts(made, built), "step \(step), \(made.name)")
            }
            #expect(snapshot.desk == DeskSummary(strategies: fresh, day: engine.day, limits: engine.limits, funding: engine.fundingNotices),
                    "step \(step): desk")
            #expect(snapshot.log == Array(engine.eventLog.entries.suffix(200)), "step \(step): log")
            #expect(snapshot.acknowledgements == Array(engine.eventLog.acknowledgements), "step \(step): acknowledgements")
            #expect(snapshot.venues.map(\.staleFor) == (0..<engine.venues.count).map {
                TradingEngine<SimulatedVenue>.staleFor(venue: engine.venues[index: $0].name, in: fresh)
            }, "step \(step): venues")
            if let previous {
                for (old, new) in zip(previous.strategies, snapshot.strategies) where new.sharesBox(with: old) { sawShared = true }
            }
            previous = snapshot
        }
        #expect(engine.machines.contains { $0.completedCycles > 0 }, "no strategy traded")
        #expect(sawShared, "no strategy's part was ever shared")
    }

    @Test("commands to a few strategies between snapshots, the clock still: the changed are rebuilt, the desk and log equal a rebuild")
    func commandsWithoutTimeEqualRebuild() throws {
        let engine = engine(.basis, copies: 6)
        engine.run(until: start + .seconds(60))
        var previous = engine.snapshot()
        var commandID: UInt64 = 0
        for round in 0..<6 {
            let changed = [1, 4].map { engine.machines[$0].config.name }
            for name in changed {
                commandID += 1
                engine.apply(EngineCommand(id: commandID, strategy: name, action: round % 2 == 0 ? .pause : .resume), at: engine.now)
            }
            let snapshot = engine.snapshot()
            let fresh = engine.strategiesFromScratch()
            try #require(snapshot.strategies.count == fresh.count)
            for (index, (made, built)) in zip(snapshot.strategies, fresh).enumerated() {
                #expect(Self.sameFacts(made, built), "round \(round), \(made.name)")
                #expect(made.paused == (changed.contains(made.name) && round % 2 == 0), "round \(round), \(made.name)")
                #expect(made.sharesBox(with: previous.strategies[index]) != changed.contains(made.name), "round \(round), \(made.name)")
            }
            #expect(snapshot.desk == DeskSummary(strategies: fresh, day: engine.day, limits: engine.limits, funding: engine.fundingNotices),
                    "round \(round): desk")
            #expect(snapshot.log == Array(engine.eventLog.entries.suffix(200)), "round \(round): log")
            #expect(snapshot.log.suffix(2).map(\.commandID) == [commandID - 1, commandID], "round \(round): each command logged")
            #expect(snapshot.acknowledgements.suffix(2).map(\.commandID) == [commandID - 1, commandID], "round \(round): each command acknowledged")
            previous = snapshot
        }
    }

    @Test("a second snapshot with nothing changed shares every strategy's part")
    func unchangedSharesEverything() {
        let engine = engine(.cross, copies: 3)
        engine.run(until: start + .seconds(30))
        let first = engine.snapshot()
        let second = engine.snapshot()
        #expect(second.sequence == first.sequence + 1)
        #expect(zip(first.strategies, second.strategies).allSatisfy { $0.sharesBox(with: $1) })
        #expect(first.desk == second.desk)
    }
}
