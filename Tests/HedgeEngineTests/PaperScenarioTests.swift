import HedgeCore
import HedgeVenues
import Testing
@testable import HedgeEngine

@Suite("The default paper scenario")
struct PaperScenarioTests {
    let start = Timestamp(seconds: 1_800_000_000)

    @Test("a new user sees a whole cycle within about a minute")
    func completesACycleWithinAMinute() {
        let engine = PaperScenario.calendarDemo(start: start).makeEngine(startedAt: start)
        var states: Set<StrategyStateName> = []
        var time = start
        while time < start + .seconds(90) {
            time = time + .milliseconds(100)
            engine.run(until: time)
            states.insert(engine.machines[0].stateName)
            if engine.machines[0].completedCycles > 0 { break }
        }
        let log = engine.snapshot().log.map(\.message).joined(separator: "\n")
        #expect(engine.machines[0].completedCycles >= 1, "log:\n\(log)")
        #expect(time <= start + .seconds(75), "first cycle took \(time - start)")
        #expect(states.contains(.monitoring))
    }
}
