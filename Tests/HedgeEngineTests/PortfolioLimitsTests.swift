@testable import HedgeCore
@testable import HedgeVenues
import Testing
@testable import HedgeEngine

@Suite("Portfolio limits")
struct PortfolioLimitsTests {
    let start = Timestamp(seconds: 1_800_000_000)

    /// The demo market with `count` copies of its strategy, under `limits`.
    func engine(strategies count: Int, limits: PortfolioLimits, notional: FixedDecimal = 50_000) -> Engine {
        let scenario = PaperScenario.calendarDemo(start: start)
        let configs = (1...count).map { index in
            var config = scenario.strategies[0]
            config.name = "cal-\(index)"
            config.targetNotional = notional
            return config
        }
        return Engine(strategies: configs, venues: scenario.venues, feed: scenario.feed, mode: .paper, startedAt: start, limits: limits)
    }

    func run(_ engine: Engine, seconds: Int64, each: (Engine) -> Void) {
        var time = start
        while time < start + .seconds(seconds) {
            time = time + .milliseconds(100)
            engine.run(until: time)
            each(engine)
        }
    }

    @Test("with at most one open spread, three strategies never hold two at once")
    func maxOpenSpreads() {
        let engine = engine(strategies: 3, limits: PortfolioLimits(maxOpenSpreads: 1))
        var most = 0
        var cycles = 0
        run(engine, seconds: 300) { engine in
            most = max(most, engine.machines.filter(\.hasPosition).count)
            cycles = engine.machines.map(\.completedCycles).reduce(0, +)
        }
        #expect(most == 1)
        #expect(cycles >= 2)
        #expect(engine.snapshot(logTail: 500).log.contains { $0.message.contains("new spreads blocked: 1 spreads open, the limit is 1") })
    }

    @Test("a strategy sized above the per-spread limit never opens, and says why")
    func notionalPerSpread() {
        let engine = engine(strategies: 1, limits: PortfolioLimits(maxNotionalPerSpread: 10_000))
        run(engine, seconds: 120) { _ in }
        #expect(engine.machines[0].completedCycles == 0)
        #expect(!engine.machines[0].hasPosition)
        #expect(engine.machines[0].entryBlockedReason?.contains("above the per-spread limit 10000") == true)
    }

    @Test("the total notional limit lets one 50k spread open but not a second")
    func totalNotional() {
        let engine = engine(strategies: 2, limits: PortfolioLimits(maxTotalNotional: 80_000))
        var most = 0
        run(engine, seconds: 300) { engine in most = max(most, engine.machines.filter(\.hasPosition).count) }
        #expect(most == 1)
    }

    @Test("without limits, copies of a strategy open together")
    func noLimits() {
        let engine = engine(strategies: 2, limits: .none)
        var most = 0
        run(engine, seconds: 300) { engine in most = max(most, engine.machines.filter(\.hasPosition).count) }
        #expect(most == 2)
    }
}
