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

    @Test("In the demo's cycles the legs are never apart for as long as the alert waits")
    func openingsAreBrief() {
        let engine = PaperScenario.calendarDemo(start: Self.start, seed: 42).makeEngine(startedAt: Self.start)
        var longest: Duration = .zero
        var time = Self.start
        while time < Self.start + .seconds(200) {
            time = time + .milliseconds(100)
            engine.run(until: time)
            if let since = engine.snapshot().strategies[0].unhedgedSince { longest = max(longest, time - since) }
        }
        #expect(engine.machines[0].completedCycles >= 1)
        #expect(longest < AlertDetector.defaultUnhedgedAfter, "legs apart for \(longest)")
    }

    @Test("A leg left alone (hedge and flatten refused) is unhedged from the first snapshot that saw it, and alerts with the ERROR")
    func loneLegAlerts() throws {
        let engine = PaperScenario.calendarDemo(start: Self.start, seed: 42, faults: FaultPlan([
            .reject(OrderSelector(purposes: [.hedge, .flatten])),
        ])).makeEngine(startedAt: Self.start)
        var detector = AlertDetector()
        var events: [AlertEvent] = []
        var firstApart: Timestamp?
        var time = Self.start
        while time < Self.start + .seconds(90) {
            time = time + .milliseconds(100)
            engine.run(until: time)
            let snapshot = engine.snapshot()
            let strategy = snapshot.strategies[0]
            #expect((strategy.unhedgedSince != nil) == (PairHedge(strategy.legs)?.hedged == false))
            if let since = strategy.unhedgedSince {
                if firstApart == nil { firstApart = time }
                #expect(since == firstApart, "the count starts once and keeps its start")
            }
            events += detector.observe(snapshot)
        }
        let since = try #require(firstApart)
        #expect(engine.machines[0].stateName == .error)
        #expect(events.map(\.kind).contains(.unhedged))
        #expect(events.map(\.kind).contains(.error))
        let unhedged = try #require(events.first { $0.kind == .unhedged })
        // Reported at the first snapshot 10 s or more after the legs came apart.
        #expect(unhedged.engineTime - since >= .seconds(10) && unhedged.engineTime - since < .seconds(10.2))
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
