@testable import HedgeCore
import Testing
@testable import HedgeEngine

/// The desk's totals from snapshots of several strategies: linear and inverse legs on three
/// venues, one strategy accidentally net long BTC, one closed yesterday and one closed today.
@Suite("Desk summary")
struct DeskSummaryTests {
    static let midnight = Timestamp(seconds: 1_723_161_600) // 2024-08-09 00:00:00 UTC

    static func spec(_ venue: String, _ symbol: String, inverse: Bool = false) -> ContractSpec {
        ContractSpec(id: InstrumentID(venue: venue, symbol: symbol), kind: .perpetual, margining: inverse ? .inverse : .linear,
                     contractSize: inverse ? 100 : 1, tickSize: "0.1", lotStep: inverse ? 1 : "0.001",
                     baseAsset: symbol.hasPrefix("ETH") ? "ETH" : "BTC", quoteAsset: inverse ? "USD" : "USDT",
                     settlementAsset: inverse ? "BTC" : "USDT")
    }

    /// A leg as the engine's runner builds it: the base exposure is `Position.baseExposure`.
    static func leg(_ spec: ContractSpec, _ quantity: FixedDecimal, mark: FixedDecimal, utilisation: Double) -> LegSnapshot {
        var position = Position(spec: spec)
        position.quantity = quantity
        return LegSnapshot(instrument: spec.id, margining: spec.margining, settlementAsset: spec.settlementAsset, quote: nil,
                           quantity: quantity, averageEntry: mark, mark: mark, unrealisedPnL: .zero, realisedPnL: .zero,
                           fees: .zero, funding: .zero, liquidationPrice: nil,
                           margin: MarginStatus(available: "1000", marginRatio: 0.02, utilisation: utilisation),
                           tickSize: spec.tickSize, baseAsset: spec.baseAsset, baseExposure: try? position.baseExposure(at: mark))
    }

    static func strategy(_ name: String, _ a: LegSnapshot, _ b: LegSnapshot, state: StrategyStateName,
                         realised: FixedDecimal, net: FixedDecimal) -> StrategySnapshot {
        StrategySnapshot(name: name, kind: .cross, state: state, stateSince: midnight, paused: false, haltReason: nil,
                         legs: PerLeg(a: a, b: b), spreadBps: nil, rollingMeanBps: nil, zScore: nil, annualisedBasis: nil,
                         entryBandBps: nil, exitBandBps: nil, entryRule: "", exitRule: "",
                         pnl: PnLSummary(realised: realised, unrealised: .zero, fees: .zero, funding: .zero, net: net),
                         spreadSeries: [], meanSeries: [], pnlSeries: [], markers: [], transitions: [], openOrders: [], completedCycles: 1)
    }

    static let usdmBTC = spec("binance-usdm", "BTCUSDT")
    static let bybitBTC = spec("bybit", "BTCUSDT")
    static let coinmBTC = spec("binance-coinm", "BTCUSD_PERP", inverse: true)
    static let usdmETH = spec("binance-usdm", "ETHUSDT")
    static let bybitETH = spec("bybit", "ETHUSDT")

    static let strategies = [
        // Closed yesterday: flat, its PnL all in the day's baseline.
        strategy("cross-btc", leg(usdmBTC, .zero, mark: "60000", utilisation: 0.10), leg(bybitBTC, .zero, mark: "60010", utilisation: 0.20),
                 state: .scanning, realised: "40", net: "35"),
        // Closed today: flat, all of its PnL is today's.
        strategy("cross-btc-2", leg(usdmBTC, .zero, mark: "60000", utilisation: 0.10), leg(bybitBTC, .zero, mark: "60010", utilisation: 0.20),
                 state: .completed, realised: "25", net: "20"),
        // Long 0.3 BTC linear against 180 inverse contracts of 100 USD at 60,000: 18,000 / 60,000 = 0.3 BTC short.
        strategy("basis-btc", leg(usdmBTC, "0.3", mark: "60000", utilisation: 0.10), leg(coinmBTC, "-180", mark: "60000", utilisation: 0.05),
                 state: .monitoring, realised: .zero, net: "5"),
        // Sold only half of what it bought: the desk is net long 0.1 BTC.
        strategy("lopsided-btc", leg(usdmBTC, "0.2", mark: "60000", utilisation: 0.10), leg(bybitBTC, "-0.1", mark: "60100", utilisation: 0.25),
                 state: .monitoring, realised: .zero, net: "-4"),
        strategy("cross-eth", leg(usdmETH, "2", mark: "2500", utilisation: 0.10), leg(bybitETH, "-2", mark: "2501", utilisation: 0.20),
                 state: .monitoring, realised: .zero, net: "1"),
    ]

    static let day = DayBaseline(from: midnight, marks: [
        "cross-btc": .init(net: "35", realised: "40"),
        "cross-btc-2": .zero,
        "basis-btc": .init(net: "2", realised: .zero),
        "lopsided-btc": .zero,
        "cross-eth": .zero,
    ])

    static let summary = DeskSummary(
        strategies: strategies, day: day, limits: PortfolioLimits(maxOpenSpreads: 3),
        funding: [coinmBTC.id: FundingNotice(rate: "0.0001", time: midnight + .seconds(8 * 3600)),
                  bybitBTC.id: FundingNotice(rate: "-0.00005", time: midnight + .seconds(4 * 3600)),
                  spec("bybit", "SOLUSDT").id: FundingNotice(rate: "0.0003", time: midnight + .seconds(3600))])

    @Test("PnL since start sums every strategy; today leaves out what the day's baseline held")
    func pnlTodayAndSinceStart() {
        // Since start: 35 + 20 + 5 − 4 + 1 = 57 net; 40 + 25 realised.
        #expect(Self.summary.net == "57")
        #expect(Self.summary.realised == "65")
        // Today: (35 − 35) + (20 − 0) + (5 − 2) + (−4 − 0) + (1 − 0) = 20 net; the 25 closed today is realised today, the 40 of yesterday is not.
        #expect(Self.summary.netToday == "20")
        #expect(Self.summary.realisedToday == "25")
        #expect(Self.summary.todayFrom == Self.midnight)
    }

    @Test("a strategy with no baseline yet adds nothing to today")
    func unmarkedStrategyAddsNothingToday() {
        var day = Self.day
        day.marks["lopsided-btc"] = nil
        let summary = DeskSummary(strategies: Self.strategies, day: day, limits: .none, funding: [:])
        #expect(summary.netToday == "24")
        #expect(summary.net == "57")
    }

    @Test("exposure is summed per base asset over legs and strategies, inverse legs in coins")
    func exposurePerBaseAsset() {
        // BTC: 0.3 − 0.3 (basis, inverse at the mark) + 0.2 − 0.1 (lopsided) = +0.1; ETH nets to zero and is left out.
        // In USD at the mark of the largest BTC leg (0.3 at 60,000): 0.1 × 60,000 = 6,000.
        #expect(Self.summary.exposures == [AssetExposure(asset: "BTC", quantity: "0.1", usd: "6000")])
    }

    @Test("a pair hedged but for contract rounding adds no exposure: a hedged desk shows none")
    func roundingResidueIsNoExposure() {
        // 181 inverse contracts at 60,000 are 0.30167 BTC against 0.3 linear: 0.00167 apart, within 1 % of the larger leg.
        let rounded = Self.strategy("basis-rounded", Self.leg(Self.usdmBTC, "0.3", mark: "60000", utilisation: 0.1),
                                    Self.leg(Self.coinmBTC, "-181", mark: "60000", utilisation: 0.05),
                                    state: .monitoring, realised: .zero, net: .zero)
        #expect(DeskSummary(strategies: [rounded], day: Self.day, limits: .none, funding: [:]).exposures.isEmpty)
        // 0.1 BTC short of its hedge is not rounding: it shows.
        let short = Self.strategy("basis-short", Self.leg(Self.usdmBTC, "0.4", mark: "60000", utilisation: 0.1),
                                  Self.leg(Self.coinmBTC, "-180", mark: "60000", utilisation: 0.05),
                                  state: .monitoring, realised: .zero, net: .zero)
        #expect(DeskSummary(strategies: [rounded, short], day: Self.day, limits: .none, funding: [:]).exposures
                    == [AssetExposure(asset: "BTC", quantity: "0.1", usd: "6000")])
    }

    @Test("the inverse leg's coins come from its USD contracts at the mark")
    func inverseLegInCoins() {
        #expect(Self.leg(Self.coinmBTC, "-180", mark: "60000", utilisation: 0).baseExposure == "-0.3")
        #expect(Self.leg(Self.coinmBTC, "-180", mark: "50000", utilisation: 0).baseExposure == "-0.36")
    }

    @Test("open spreads count the strategies holding or opening, against the limit")
    func openSpreadsAgainstLimit() {
        #expect(Self.summary.openSpreads == 3)
        #expect(Self.summary.openLimit == 3)
        var opening = Self.strategies
        opening[0].state = .openingLong
        #expect(DeskSummary(strategies: opening, day: Self.day, limits: .none, funding: [:]).openSpreads == 4)
    }

    @Test("margin shows once per venue account, the worst report of its legs")
    func marginPerAccount() {
        #expect(Self.summary.margins.map { "\($0.venue) \($0.asset) \($0.utilisation)" } == [
            "binance-coinm BTC 0.05", "binance-usdm USDT 0.1", "bybit USDT 0.25",
        ])
    }

    @Test("funding is listed for perpetuals held, soonest first; one not held is left out")
    func fundingOfPerpetualsHeld() {
        #expect(Self.summary.funding.map(\.instrument) == [Self.bybitBTC.id, Self.coinmBTC.id])
        #expect(Self.summary.funding.map(\.rate) == ["-0.00005", "0.0001"])
        #expect(Self.summary.funding.map(\.held) == ["-0.1", "-180"])
        #expect(Self.summary.funding.map(\.time) == [Self.midnight + .seconds(4 * 3600), Self.midnight + .seconds(8 * 3600)])
    }

    @Test("the day starts at 00:00 UTC and rolls at the next")
    func dayBoundaries() {
        #expect(DayBaseline.startOfDay(Self.midnight + .seconds(86_399)) == Self.midnight)
        #expect(DayBaseline.startOfDay(Self.midnight) == Self.midnight)
        #expect(DayBaseline.nextDay(after: Self.midnight) == Self.midnight + .seconds(86_400))
        #expect(DayBaseline.nextDay(after: Self.midnight + .nanoseconds(-1)) == Self.midnight)
    }

    @Test("the engine takes the day's baseline at midnight of its data time, at the last prices before it")
    func engineRollsAtMidnight() throws {
        let midnight = Timestamp(seconds: 1_800_057_600) // 2027-01-15 00:00:00 UTC
        let start = midnight + .seconds(-600)
        let engine = PaperScenario.calendarDemo(start: start, seed: 42).makeEngine(startedAt: start)
        var time = start
        while time < midnight + .nanoseconds(-1) {
            time = min(time + .milliseconds(100), midnight + .nanoseconds(-1))
            engine.run(until: time)
        }
        let before = try #require(engine.snapshot().desk)
        // Started today (yesterday, now): everything so far is today's.
        #expect(before.todayFrom == midnight + .seconds(-86_400))
        #expect(before.netToday == before.net)
        #expect(before.net != .zero, "the demo should have traded before midnight")
        while time < midnight + .seconds(300) {
            time = time + .milliseconds(100)
            engine.run(until: time)
        }
        let after = try #require(engine.snapshot().desk)
        #expect(after.todayFrom == midnight)
        #expect(try after.netToday == after.net - before.net)
        #expect(try after.realisedToday == after.realised - before.realised)
    }
}

/// "Today" across a restart: the journal's trades say whether the day's PnL before the restart
/// is known (all of them today) or not (some from before 00:00: today counts from the restart).
@Suite("Desk summary across a restart")
struct DeskSummaryRestartTests {
    /// Restarts the calendar demo `after` its first hedged spread, recovers it from the journal,
    /// and returns the desk at the first snapshot with prices, with the restart time.
    func deskAfterRestart(after gap: Duration) throws -> (desk: DeskSummary, restart: Timestamp) {
        let recovery = EngineRecoveryTests()
        let journal = try recovery.temporaryJournal()
        let (ledgers, stopped, _) = try recovery.runUntilHedged(.calendar, journal: journal)
        let restart = stopped + gap
        let engine = PaperScenario.Name.calendar.scenario(start: restart, seed: 42, listed: EngineRecoveryTests.start).makeEngine(startedAt: restart)
        engine.attach(journal: journal, venueState: nil)
        _ = try engine.recover(venueLedgers: ledgers, policy: .flatten)
        while engine.machines[0].pnlBreakdown() == nil, engine.now < restart + .seconds(5), let next = engine.nextEventTime {
            engine.run(until: next)
        }
        return (try #require(engine.snapshot().desk), restart)
    }

    @Test("every trade in the journal is from today: today still counts from 00:00 and holds all of it")
    func restartSameDay() throws {
        let (desk, restart) = try deskAfterRestart(after: .seconds(30))
        #expect(desk.todayFrom == DayBaseline.startOfDay(restart))
        #expect(desk.net != .zero, "the spread opened before the restart paid fees")
        #expect(desk.netToday == desk.net)
    }

    @Test("the journal holds trades from yesterday: today counts from the restart, and yesterday's PnL is not in it")
    func restartNextDay() throws {
        let (desk, restart) = try deskAfterRestart(after: .seconds(86_400))
        #expect(desk.todayFrom == restart)
        #expect(desk.net != .zero)
        // Marked at the first prices after the restart: nothing has happened since.
        #expect(desk.netToday == .zero)
        #expect(desk.realisedToday == .zero)
    }
}
