@testable import HedgeCore
@testable import HedgeVenues
import Testing
@testable import HedgeEngine

/// The engine drives any `Venue`: the calendar demo's strategy and market run on `ScriptedVenue`
/// as they do on `SimulatedVenue`, and scripted answers drive the state machine.
@Suite("Engine on a scripted venue")
struct EngineScriptedVenueTests {
    static let start = Timestamp(seconds: 1_800_000_000)

    /// The calendar demo (seed 42) on venues made from its simulated ones, run for `seconds`.
    static func run<V: Venue>(seconds: Int64, venues: ([SimulatedVenue]) -> [V]) -> TradingEngine<V> {
        let scenario = PaperScenario.calendarDemo(start: start, seed: 42)
        let engine = TradingEngine(strategies: scenario.strategies, venues: venues(scenario.venues), feed: scenario.feed,
                                   mode: .paper, startedAt: start, limits: scenario.limits)
        engine.run(until: start + .seconds(seconds))
        return engine
    }

    /// The demo on scripted venues that answer `script`, then `otherwise`.
    static func scripted(seconds: Int64, script: [ScriptedVenue.Answer] = [], otherwise: ScriptedVenue.Answer = .fill)
        -> TradingEngine<ScriptedVenue> {
        run(seconds: seconds) { simulated in
            simulated.map { ScriptedVenue(name: $0.name, contracts: Array($0.contracts.values), script: script, otherwise: otherwise) }
        }
    }

    static func path<V: Venue>(_ engine: TradingEngine<V>) -> [StrategyStateName] {
        engine.snapshot().strategies[0].transitions.map(\.to)
    }

    /// Spreads open and close, and the strategy's positions agree with the venue's throughout.
    static func expectRoundTrips<V: Venue>(_ engine: TradingEngine<V>) {
        let machine = engine.machines[0]
        #expect(machine.completedCycles >= 1)
        let path = path(engine)
        #expect(path.contains(.monitoring))
        #expect(path.contains(.closing))
        #expect(engine.positionBreaks == 0)
        for leg in Leg.allCases {
            #expect(engine.venuePosition(machine.config.legs[leg].id)?.quantity == machine.positions[leg].quantity)
        }
    }

    @Test("a spread opens and closes on the simulated venue and on a scripted one that fills every order")
    func spreadOpensAndClosesOnEitherVenue() {
        Self.expectRoundTrips(Self.run(seconds: 300) { $0 })
        let scripted = Self.scripted(seconds: 300)
        Self.expectRoundTrips(scripted)
        let orders = scripted.venue(named: scripted.machines[0].config.legs.a.id.venue)!.received
        #expect(orders.contains { $0.purpose == .open })
        #expect(orders.contains { $0.purpose == .close })
    }

    @Test("a refused opening order sends the strategy back to scanning, and it opens a spread later")
    func refusedOpenScansAgain() throws {
        let engine = Self.scripted(seconds: 120, script: [.reject("-2019 Margin is insufficient")])
        let path = Self.path(engine)
        let opening = try #require(path.firstIndex { $0 == .openingLong || $0 == .openingShort })
        #expect(path[opening + 1] == .scanning)
        #expect(engine.snapshot(logTail: 500).log.contains { $0.message.contains("rejected: -2019 Margin is insufficient") })
        #expect(engine.machines[0].completedCycles >= 1)
        #expect(engine.positionBreaks == 0)
    }

    @Test("a refused hedge leaves the first leg unhedged: UNWINDING re-hedges, then MONITORING")
    func refusedHedgeRehedges() throws {
        let engine = Self.scripted(seconds: 120, script: [.fill, .reject("-1008 Server is currently overloaded with other requests")])
        let path = Self.path(engine)
        let unwinding = try #require(path.firstIndex(of: .unwinding))
        #expect(path.dropFirst(unwinding + 1).first == .monitoring)
        let orders = engine.venue(named: engine.machines[0].config.legs.a.id.venue)!.received
        #expect(orders.prefix(3).map(\.purpose) == [.open, .hedge, .hedge])
        #expect(engine.positionBreaks == 0)
    }

    @Test("a scripted venue is connecting until its first quote, then live with the quote's time as its last message")
    func scriptedHealth() {
        let engine = Self.scripted(seconds: 1)
        let venue = engine.venue(named: engine.machines[0].config.legs.a.id.venue)!
        #expect(venue.health(at: Self.start).state == .live)
        let fresh = ScriptedVenue(name: "x", contracts: [])
        #expect(fresh.health(at: Self.start) == VenueHealth(state: .connecting, lastMessageAt: nil))
    }
}

@Suite("Venue health")
struct VenueHealthTests {
    static let start = Timestamp(seconds: 1_800_000_000)

    @Test("the simulated venue is live, its last message its latest quote, and down during an outage")
    func simulatedHealth() throws {
        let outage = (from: Self.start + .seconds(10), until: Self.start + .seconds(20))
        let engine = runFaulty([.outage(from: outage.from, until: outage.until)], seconds: 5)
        let name = engine.machines[0].config.legs.a.id.venue
        let venue = try #require(engine.venue(named: name))
        let health = venue.health(at: engine.now)
        #expect(health.state == .live)
        let last = try #require(health.lastMessageAt)
        #expect(last <= engine.now && last > Self.start)
        #expect(health.age(at: engine.now) == engine.now - last)
        #expect(venue.health(at: outage.from + .seconds(1)).state == .down)
        #expect(!venue.health(at: outage.from + .seconds(1)).isConnected)
    }

    @Test("the age of the last message: none before one arrives, never negative")
    func age() {
        #expect(VenueHealth(state: .connecting, lastMessageAt: nil).age(at: Self.start) == nil)
        let health = VenueHealth(state: .stale, lastMessageAt: Self.start)
        #expect(health.age(at: Self.start + .seconds(3)) == .seconds(3))
        #expect(health.age(at: Timestamp(nanoseconds: Self.start.nanoseconds - 1_000_000_000)) == .zero)
        #expect(health.isConnected)
    }
}
