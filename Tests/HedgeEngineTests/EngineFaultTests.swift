@testable import HedgeCore
@testable import HedgeVenues
import Testing
@testable import HedgeEngine

/// The demo scenario (seed 42) with a fault plan, run for `seconds` of data time.
func runFaulty(_ faults: [Fault], seconds: Int64) -> Engine {
    let start = Timestamp(seconds: 1_800_000_000)
    let engine = PaperScenario.calendarDemo(start: start, seed: 42, faults: FaultPlan(faults)).makeEngine(startedAt: start)
    engine.run(until: start + .seconds(seconds))
    return engine
}

/// When the clean demo first sends an order with `purpose` (faults before it change nothing).
func firstOrderTime(_ purpose: OrderPurpose) throws -> Timestamp {
    let engine = runFaulty([], seconds: 90)
    let entry = engine.snapshot(logTail: 500).log.first { $0.message.hasPrefix("leg ") && $0.message.contains(" \(purpose) ") && $0.message.contains("[") }
    return try #require(entry).time
}

extension Engine {
    var path: [StrategyStateName] { snapshot().strategies[0].transitions.map(\.to) }
    var logText: [String] { snapshot(logTail: 500).log.map(\.message) }

    /// Nothing lost: no disagreement ever with nothing in flight, and none now when idle.
    func expectNoPositionLost(sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(positionBreaks == 0, sourceLocation: sourceLocation)
        if machines[0].workingOrders.isEmpty {
            #expect(positionDisagreements() == [], sourceLocation: sourceLocation)
        }
    }
}

@Suite("Engine with venue faults")
struct EngineFaultTests {
    @Test("a rejected hedge leaves the first leg unhedged: UNWINDING re-hedges, then MONITORING")
    func rejectedHedgeRehedges() {
        let engine = runFaulty([.reject(.next(1, purposes: [.hedge]))], seconds: 120)
        let path = engine.path
        let unwinding = path.firstIndex(of: .unwinding)
        #expect(unwinding != nil)
        #expect(path.dropFirst((unwinding ?? 0) + 1).first == .monitoring)
        #expect(engine.logText.contains { $0.contains("-1008") })
        engine.expectNoPositionLost()
    }

    @Test("hedges always refused: UNWINDING flattens the lone leg and completes")
    func refusedHedgesFlatten() {
        let engine = runFaulty([.reject(OrderSelector(purposes: [.hedge]))], seconds: 90)
        let path = engine.path
        #expect(path.contains(.unwinding))
        #expect(path.last(where: { $0 != .scanning }) == .completed || path.last == .completed)
        #expect(engine.logText.contains { $0.contains("re-hedge failed; flattening") })
        engine.expectNoPositionLost()
    }

    @Test("hedge and flatten both refused: ERROR with the unhedged leg named, and the venue agrees")
    func nothingWorksHalts() {
        let engine = runFaulty([.reject(OrderSelector(purposes: [.hedge, .flatten]))], seconds: 90)
        let machine = engine.machines[0]
        #expect(machine.stateName == .error)
        #expect(machine.haltReason?.contains("UNHEDGED") == true)
        #expect(machine.hasPosition)
        engine.expectNoPositionLost()
    }

    @Test("a dropped answer: the timeout's cancel learns the fills, the hedge follows")
    func droppedAnswerRecovered() {
        let engine = runFaulty([.drop(.next(1, purposes: [.open]))], seconds: 120)
        let log = engine.logText
        #expect(log.contains { $0.contains("answers are lost") })
        #expect(log.contains { $0.contains("timed out; cancelling") })
        #expect(engine.path.contains(.monitoring))
        #expect(engine.machines[0].completedCycles >= 1)
        engine.expectNoPositionLost()
    }

    @Test("answers delayed past the timeout: the cancel tells the truth and the late fills are not counted twice")
    func delayedAnswerCountedOnce() {
        let engine = runFaulty([.delay(.next(1, purposes: [.open]), extra: .seconds(4))], seconds: 120)
        #expect(engine.logText.contains { $0.contains("timed out; cancelling") })
        #expect(engine.path.contains(.monitoring))
        engine.expectNoPositionLost()
    }

    @Test("an outage as the hedge is sent: the order is lost, UNWINDING cannot act, ERROR names the unhedged leg")
    func outageHalts() throws {
        let hedgeAt = try firstOrderTime(.hedge)
        let engine = runFaulty([.outage(from: hedgeAt, until: hedgeAt + .seconds(120))], seconds: 110)
        let machine = engine.machines[0]
        #expect(engine.logText.contains { $0.contains("is down") })
        #expect(engine.path.contains(.unwinding))
        #expect(machine.stateName == .error)
        #expect(machine.haltReason?.contains("UNHEDGED") == true)
        engine.expectNoPositionLost()
        #expect(engine.positionDisagreements() == [])
    }

    @Test("a short outage as the hedge is sent: UNWINDING re-hedges once the venue is back")
    func shortOutageResolves() throws {
        let hedgeAt = try firstOrderTime(.hedge)
        let engine = runFaulty([.outage(from: hedgeAt, until: hedgeAt + .seconds(4))], seconds: 120)
        let path = engine.path
        let unwinding = try #require(path.firstIndex(of: .unwinding))
        #expect(path.dropFirst(unwinding + 1).first == .monitoring)
        engine.expectNoPositionLost()
    }

    @Test("stale data on one leg while the spread is open loses no position")
    func staleDataKeepsPositions() throws {
        let openAt = try firstOrderTime(.open)
        let clean = runFaulty([], seconds: 1)
        let leg = clean.machines[0].config.legs.b.id
        let engine = runFaulty([.staleData(leg, from: openAt, until: openAt + .seconds(30))], seconds: 150)
        #expect(engine.machines[0].completedCycles >= 1)
        engine.expectNoPositionLost()
    }
}

@Suite("Engine with venue settlement")
struct EngineSettlementTests {
    @Test("market data reaches the strategy after its latency, in order per instrument")
    func marketDataLatency() {
        let engine = runDemo(seconds: 30)
        let machine = engine.machines[0]
        // The strategy's quotes are never newer than the engine's clock.
        #expect((machine.quotes.a?.time ?? .zero) <= engine.now)
        #expect(engine.positionBreaks == 0)
    }
}

/// A feed that slips extra events into another, in time order.
struct InjectingFeed: MarketFeed {
    var base: any MarketFeed
    var injections: [MarketEvent]
    var held: MarketEvent?
    var contracts: [ContractSpec] { base.contracts }

    mutating func next() -> MarketEvent? {
        if held == nil { held = base.next() }
        if let first = injections.first, held.map({ first.time <= $0.time }) ?? true {
            injections.removeFirst()
            return first
        }
        defer { held = nil }
        return held
    }
}

@Suite("Engine with venue liquidation")
struct EngineLiquidationTests {
    @Test("an isolated leg liquidated while the spread is open: the strategy is told, flattens the other, and loses nothing")
    func liquidationReachesStrategy() throws {
        let hedgeAt = try firstOrderTime(.hedge)
        let start = Timestamp(seconds: 1_800_000_000)
        var scenario = PaperScenario.calendarDemo(start: start, seed: 42)
        let legA = scenario.strategies[0].legs.a
        var settings = SimulatedVenue.Settings()
        settings.seed = 43
        settings.marginModes = [legA.id: .isolated]
        scenario.venues = [SimulatedVenue(name: legA.id.venue, contracts: scenario.feed.contracts, settings: settings)]
        // Two absurd marks a moment apart: one crosses a long's liquidation price, the other a short's.
        scenario.feed = InjectingFeed(base: scenario.feed, injections: [
            .mark(legA.id, "1000", time: hedgeAt + .seconds(1)),
            .mark(legA.id, "1000000", time: hedgeAt + .seconds(1) + .milliseconds(1)),
        ])
        let engine = scenario.makeEngine(startedAt: start)
        engine.run(until: hedgeAt + .seconds(20))
        let log = engine.logText
        #expect(log.contains { $0.contains("LIQUIDATED") })
        #expect(engine.path.contains(.unwinding))
        #expect(engine.venuePosition(legA.id)?.isFlat == true || engine.machines[0].hasWorkingOrder(on: .a))
        engine.expectNoPositionLost()
    }
}
