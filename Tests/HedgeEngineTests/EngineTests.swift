@testable import HedgeCore
@testable import HedgeVenues
import Testing
@testable import HedgeEngine

/// Runs the default scenario for `seconds` of data time.
func runDemo(seconds: Int64, seed: UInt64 = 42, commands: [(at: Int64, EngineCommand)] = []) -> Engine {
    let start = Timestamp(seconds: 1_800_000_000)
    let engine = PaperScenario.calendarDemo(start: start, seed: seed).makeEngine(startedAt: start)
    var pending = commands
    var time = start
    while time < start + .seconds(seconds) {
        time = time + .milliseconds(100)
        engine.run(until: time)
        while let first = pending.first, start + .seconds(first.at) <= time {
            engine.apply(first.1, at: time)
            pending.removeFirst()
        }
    }
    return engine
}

@Suite("Engine")
struct EngineTests {
    @Test("the same seed gives the same run, line for line")
    func deterministic() {
        let first = runDemo(seconds: 120).snapshot(logTail: 500).log.map { "\($0.time) \($0.message)" }
        let second = runDemo(seconds: 120).snapshot(logTail: 500).log.map { "\($0.time) \($0.message)" }
        #expect(first.count > 10)
        #expect(first == second)
    }

    @Test("every command is acknowledged, in order, accepted or refused with a reason")
    func commandsAcknowledgedInOrder() {
        let engine = runDemo(seconds: 3, commands: [
            (1, EngineCommand(id: 1, strategy: "btc-calendar", action: .close)),
            (1, EngineCommand(id: 2, strategy: "btc-calendar", action: .pause)),
            (2, EngineCommand(id: 3, strategy: "btc-calendar", action: .pause)),
            (2, EngineCommand(id: 4, strategy: "nope", action: .resume)),
            (2, EngineCommand(id: 5, strategy: "btc-calendar", action: .resume)),
        ])
        let acks = engine.snapshot().acknowledgements
        #expect(acks.map(\.commandID) == [1, 2, 3, 4, 5])
        #expect(acks.map(\.accepted) == [false, true, false, false, true])
        #expect(acks[0].message.contains("close refused: nothing open"))
        #expect(acks[3].message.contains("no strategy named nope"))
    }

    @Test("a paused strategy opens nothing")
    func pausedOpensNothing() {
        let engine = runDemo(seconds: 120, commands: [(0, EngineCommand(id: 1, strategy: nil, action: .pause))])
        #expect(engine.machines[0].completedCycles == 0)
        #expect(engine.machines[0].stateName == .scanning)
        #expect(!engine.machines[0].hasPosition)
    }

    @Test("the kill switch flattens and halts")
    func killSwitchFlattensAndHalts() {
        let engine = runDemo(seconds: 200, commands: [(60, EngineCommand(id: 1, strategy: nil, action: .kill))])
        let machine = engine.machines[0]
        #expect(machine.stateName == .error)
        #expect(machine.haltReason?.contains("kill switch") == true)
        #expect(!machine.hasPosition)
        for spec in [machine.config.legs.a, machine.config.legs.b] {
            #expect(engine.venuePosition(spec.id)?.isFlat == true)
        }
    }

    @Test("the strategy's positions always agree with the venue's")
    func positionsAgreeWithVenue() {
        let engine = runDemo(seconds: 300)
        let machine = engine.machines[0]
        #expect(machine.completedCycles >= 2)
        for leg in Leg.allCases {
            #expect(engine.venuePosition(machine.config.legs[leg].id)?.quantity == machine.positions[leg].quantity)
        }
    }

    @Test("chart series stay bounded however long the run")
    func seriesBounded() {
        let engine = runDemo(seconds: 900)
        let strategy = engine.snapshot().strategies[0]
        #expect(strategy.spreadSeries.count <= 720)
        #expect(strategy.spreadSeries.count > 100)
        #expect(zip(strategy.spreadSeries, strategy.spreadSeries.dropFirst()).allSatisfy { $0.time < $1.time })
    }
}

@Suite("Engine loop")
struct EngineLoopTests {
    /// A finite feed: the demo's first `count` events.
    struct PrefixFeed: MarketFeed {
        var base: SyntheticCalendarFeed
        var left: Int
        var contracts: [ContractSpec] { base.contracts }
        mutating func next() -> MarketEvent? {
            guard left > 0 else { return nil }
            left -= 1
            return base.next()
        }
    }

    @Test("at full speed the loop runs the feed to its end and publishes the final snapshot")
    func fastestRunsToEnd() async {
        let start = Timestamp(seconds: 1_800_000_000)
        var scenario = PaperScenario.calendarDemo(start: start)
        scenario.feed = PrefixFeed(base: SyntheticCalendarFeed(.init(start: start)), left: 3000)
        let engine = scenario.makeEngine(mode: .replay, startedAt: start)
        let (snapshots, sink) = EngineLoop<ContinuousClock>.makeSnapshotStream()
        let (_, commands) = CommandSender.makeChannel()
        let loop = EngineLoop(clock: ContinuousClock(), pace: .fastest)
        await loop.run(engine, commands: commands, snapshots: sink)
        var last: EngineSnapshot?
        for await snapshot in snapshots { last = snapshot }
        // 3000 quotes at 100 ms for two legs = 150 s of data.
        #expect(last.map { $0.time - start } ?? .zero >= .seconds(149))
        #expect(last?.mode == .replay)
    }

    @Test("commands sent while the loop runs are acknowledged")
    func commandsReachTheLoop() async throws {
        let (snapshots, sink) = EngineLoop<ContinuousClock>.makeSnapshotStream()
        let (sender, commands) = CommandSender.makeChannel()
        let id = sender.send(.pause, to: "btc-calendar")
        let loop = EngineLoop(clock: ContinuousClock(), pace: .fastest)
        let task = Task {
            let start = Timestamp(seconds: 1_800_000_000)
            var scenario = PaperScenario.calendarDemo(start: start)
            scenario.feed = PrefixFeed(base: SyntheticCalendarFeed(.init(start: start)), left: 200_000)
            await loop.run(scenario.makeEngine(mode: .replay, startedAt: start), commands: commands, snapshots: sink)
        }
        var acknowledged = false
        for await snapshot in snapshots {
            if snapshot.acknowledgements.contains(where: { $0.commandID == id && $0.accepted }) {
                acknowledged = true
                break
            }
        }
        task.cancel()
        await task.value
        #expect(acknowledged)
    }
}

@Suite("Engine snapshot")
struct EngineSnapshotContentTests {
    @Test("the snapshot carries each leg's margin and the measured order round trips")
    func marginAndLatency() throws {
        let snapshot = runDemo(seconds: 120).snapshot()
        let strategy = try #require(snapshot.strategies.first)
        let margin = try #require(strategy.legs.a.margin)
        #expect(margin.available.isPositive)
        #expect((0..<1).contains(margin.utilisation))
        let venue = try #require(snapshot.venues.first)
        let p50 = try #require(venue.latencyMillis)
        let p99 = try #require(venue.latencyP99Millis)
        // The demo venue's order latency is a few milliseconds each way.
        #expect(p50 > 1 && p50 < 100)
        #expect(p99 >= p50)
    }
}
