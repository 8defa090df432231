@testable import HedgeCore
@testable import HedgeVenues
import Testing
@testable import HedgeEngine

@Suite("The default paper scenario")
struct PaperScenarioTests {
    let start = Timestamp(seconds: 1_800_000_000)

    /// Data time until the first cycle completes, or nil within `limit`.
    func firstCycle(seed: UInt64, start: Timestamp, limit: Duration = .seconds(300)) -> (Duration, Set<StrategyStateName>)? {
        let engine = PaperScenario.calendarDemo(start: start, seed: seed).makeEngine(startedAt: start)
        var states: Set<StrategyStateName> = []
        var time = start
        while time < start + limit {
            time = time + .milliseconds(100)
            engine.run(until: time)
            if engine.machines[0].completedCycles > 0 {
                for transition in engine.snapshot().strategies[0].transitions { states.insert(transition.to) }
                return (time - start, states)
            }
        }
        return nil
    }

    @Test("a new user sees a whole cycle within two minutes")
    func completesACycleWithinTwoMinutes() throws {
        let (elapsed, states) = try #require(firstCycle(seed: 42, start: start))
        #expect(elapsed <= .seconds(120), "first cycle took \(elapsed)")
        #expect(states.isSuperset(of: [.scanning, .spreadDetected, .validating, .monitoring, .closing, .completed]))
        #expect(states.contains(.openingLong) && states.contains(.openingShort))
    }

    @Test("most seeds show a cycle within two minutes, whatever the start date")
    func mostSeedsAreQuick() {
        let starts = [start, Timestamp(seconds: 1_795_000_000)]
        var quick = 0, total = 0
        for seed in UInt64(1)...10 {
            for start in starts {
                total += 1
                if let (elapsed, _) = firstCycle(seed: seed, start: start), elapsed <= .seconds(120) { quick += 1 }
            }
        }
        #expect(quick * 10 >= total * 7, "\(quick) of \(total) runs completed a cycle within 120 s")
    }
}
