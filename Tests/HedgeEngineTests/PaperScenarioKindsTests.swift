@testable import HedgeCore
@testable import HedgeVenues
import Testing
@testable import HedgeEngine

extension PaperScenario.Name: CustomTestStringConvertible {
    public var testDescription: String { rawValue }
}

@Suite("Paper scenarios by name: calendar, cross, basis")
struct PaperScenarioKindsTests {
    let start = Timestamp(seconds: 1_800_000_000)

    /// Runs `name` for `seconds` of data time in 100 ms steps; returns the engine and when the
    /// first cycle completed.
    func run(_ name: PaperScenario.Name, seed: UInt64 = 42, seconds: Int64) -> (Engine, firstCycle: Duration?) {
        let engine = name.scenario(start: start, seed: seed).makeEngine(startedAt: start)
        var time = start
        var firstCycle: Duration?
        while time < start + .seconds(seconds) {
            time = time + .milliseconds(100)
            engine.run(until: time)
            if firstCycle == nil, engine.machines[0].completedCycles > 0 { firstCycle = time - start }
        }
        return (engine, firstCycle)
    }

    // Holds are tens of seconds to a minute (the market's dislocations fade over half a minute),
    // so a whole cycle of the default seed takes up to three minutes.
    @Test("the default seed completes a whole cycle within three minutes of data time, and the strategy's positions are the venue's", arguments: PaperScenario.Name.allCases)
    func completesACycle(name: PaperScenario.Name) throws {
        let (engine, firstCycle) = run(name, seconds: 180)
        let elapsed = try #require(firstCycle, "\(name): no cycle in 180 s")
        #expect(elapsed <= .seconds(180))
        let states = Set(engine.snapshot().strategies[0].transitions.map(\.to))
        #expect(states.isSuperset(of: [.spreadDetected, .validating, .monitoring, .closing, .completed]), "\(states)")
        // Let any order in flight land before comparing books.
        var time = engine.now
        for _ in 0..<100 where ![.scanning, .monitoring, .completed].contains(engine.machines[0].stateName) {
            time = time + .milliseconds(100)
            engine.run(until: time)
        }
        let machine = engine.machines[0]
        for leg in Leg.allCases {
            let venue = try #require(engine.venuePosition(machine.config.legs[leg].id))
            #expect(venue.quantity == machine.positions[leg].quantity, "leg \(leg)")
        }
    }

    @Test("each scenario is the same run for the same seed, line for line", arguments: [PaperScenario.Name.cross, .basis])
    func deterministic(name: PaperScenario.Name) {
        let lines = { (engine: Engine) in engine.snapshot(logTail: 500).log.map { "\($0.time) \($0.message)" } }
        let first = lines(run(name, seconds: 90).0), second = lines(run(name, seconds: 90).0)
        #expect(first.count > 5)
        #expect(first == second)
    }

    @Test("most seeds show a cycle within two minutes", arguments: [PaperScenario.Name.cross, .basis])
    func mostSeedsAreQuick(name: PaperScenario.Name) {
        var quick = 0
        for seed in UInt64(1)...10 {
            let engine = name.scenario(start: start, seed: seed).makeEngine(startedAt: start)
            var time = start
            while time < start + .seconds(120), engine.machines[0].completedCycles == 0 {
                time = time + .milliseconds(100)
                engine.run(until: time)
            }
            if engine.machines[0].completedCycles > 0 { quick += 1 }
        }
        #expect(quick >= 7, "\(name): \(quick) of 10 seeds completed a cycle within 120 s")
    }

    @Test("each kind trades what it says, with the thresholds of its kind")
    func configurations() throws {
        let cross = PaperScenario.cross(start: start)
        #expect(cross.venues.map(\.name) == ["sim-a", "sim-b"])
        let crossConfig = try #require(cross.strategies.first)
        #expect(crossConfig.kind == .cross)
        // Four fills: 2 × 2 bps (sim-a) + 2 × 2.5 bps (sim-b) = 9 bps, plus 3.
        #expect(crossConfig.entry == .bps(12))

        let calendar = try #require(PaperScenario.calendarDemo(start: start).strategies.first)
        #expect(calendar.kind == .calendar && calendar.entry == .z(2))

        let basis = PaperScenario.basis(start: start)
        let basisConfig = try #require(basis.strategies.first)
        #expect(basisConfig.kind == .basis)
        #expect(basisConfig.legs.a.kind.expiry != nil && basisConfig.legs.b.kind == .perpetual)
        #expect(basisConfig.legs.a.margining == .inverse && basisConfig.legs.b.margining == .inverse)
        // The carry (10 % a year) over the 70 days to the March 2027 quarterly, 0.10 × 70 / 365 × 10 000
        // = 191.78 bps, plus 13.5 bps to enter (205.28 → 205.3) and plus 2 to exit (193.78 → 193.8).
        #expect(basisConfig.entry == .bps("205.3"))
        #expect(basisConfig.exit == .bps("193.8"))
    }

    @Test("names map to their scenarios")
    func names() {
        #expect(PaperScenario.Name.allCases.map(\.rawValue) == ["calendar", "cross", "basis"])
        for name in PaperScenario.Name.allCases {
            let config = name.scenario(start: start, seed: 1).strategies[0]
            #expect(config.kind.rawValue == name.rawValue)
        }
    }
}
