@testable import HedgeCore
@testable import HedgeVenues
import Testing
@testable import HedgeEngine

/// The engine's facts the alerts read: the kill switch tally, how long legs stay apart in a
/// normal run (the unhedged alert must not fire on an opening), and the venue's condition.
@Suite("Engine alert facts")
struct EngineAlertFactsTests {
    static let start = Timestamp(seconds: 1_800_000_000)

    @Test("Each kill switch fired is counted with its time; a kill that reaches no strategy is not")
    func killSwitchTally() {
        let engine = runDemo(seconds: 70, commands: [(30, EngineCommand(id: 1, strategy: "nope", action: .kill)),
                                                     (60, EngineCommand(id: 2, strategy: nil, action: .kill))])
        #expect(engine.snapshot().killSwitch == KillSwitchTally(fired: 1, lastFiredAt: Self.start + .seconds(60)))
    }

    @Test("In the demo's cycles the legs are apart only while an opening or closing fills, far below the alert's 10 s")
    func openingsAreBrief() {
        let engine = PaperScenario.calendarDemo(start: Self.start, seed: 42).makeEngine(startedAt: Self.start)
        var longest: Duration = .zero
        var apart = 0
        var time = Self.start
        while time < Self.start + .seconds(300) {
            time = time + .milliseconds(50)
            engine.run(until: time)
            let strategy = engine.snapshot().strategies[0]
            if let since = strategy.unhedgedSince {
                apart += 1
                #expect(PairHedge(strategy.legs)?.hedged == false)
                longest = max(longest, time - since)
            }
        }
        #expect(engine.machines[0].completedCycles >= 2)
        #expect(longest < AlertDetector.defaultUnhedgedAfter, "legs apart for \(longest)")
        print("openingsAreBrief: \(apart) snapshots of 6000 apart, longest \(longest)")
    }

    @Test("A stale leg makes its venue stale in the snapshot, with the age of its last message")
    func staleVenue() {
        let near = PaperScenario.calendarDemo(start: Self.start).strategies[0].legs.b.id
        let engine = PaperScenario.calendarDemo(start: Self.start, seed: 42, faults: FaultPlan([
            .staleData(near, from: Self.start + .seconds(5), until: Self.start + .seconds(600)),
        ])).makeEngine(startedAt: Self.start)
        engine.run(until: Self.start + .seconds(4))
        #expect(engine.snapshot().venues.first?.condition == .live)
        engine.run(until: Self.start + .seconds(20))
        let venue = engine.snapshot().venues.first
        #expect(venue?.condition == .stale)
        #expect(venue?.lastMessageAge != nil)
    }
}
