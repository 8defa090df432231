import Foundation
@testable import HedgeCore
@testable import HedgeVenues
import Testing
@testable import HedgeEngine

/// The report's "no trades" line tells the truth: every entry the rule looked at is counted by
/// what it decided, on the real recordings in ../shared/data.
@Suite("Entry checks counted in a replay")
struct EntryCheckReplayTests {
    static let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../shared/data").standardized.path
    static let cryptofeed = data + "/cryptofeed/20210417_BINANCE_DELIVERY.ws.7.0"
    static let dapi = data + "/contract_specs/20210417_dapi.binance.com_dapi_v1_exchangeInfo.json"
    static let usdm2024 = data + "/binance/usdm_btcusdt_20240808.gz"
    static let coinm2024 = data + "/binance/cm_btcusd_perp_20240808.gz"

    /// The 2021 COIN-M basis (BTCUSD_210924 against BTCUSD_PERP, about 1,326 bps apart): the
    /// entry band is reached on the first quotes; `strategy` and `venue` add keys to its tables.
    static func basis2021(strategy: String = "", venue: String = "") -> String {
        """
        [replay]
        files = ["\(cryptofeed)"]
        contracts = ["\(dapi)"]
        [venues.binance-coinm]
        \(venue)
        [[strategies]]
        kind = "basis"
        legs = ["binance-coinm:BTCUSD_210924", "binance-coinm:BTCUSD_PERP"]
        target_notional = 50000
        entry = "50bps"
        exit = "10bps"
        \(strategy)
        """
    }

    /// Replays what `text` (a config file) and `overrides` describe, headless, to its report.
    static func replay(_ text: String, _ overrides: ReplayOverrides = ReplayOverrides()) throws -> RunReport.Strategy {
        let setup = try HedgetopConfig.parse(text, file: "replay.toml").replaySetup(overrides)
        let engine = Engine(strategies: setup.strategies, venues: setup.venues, feed: setup.feed, mode: .replay, startedAt: nil)
        while let next = engine.nextEventTime { engine.run(until: next) }
        return try #require(RunReport(engine: engine, from: engine.startedAt, input: nil).strategies.first)
    }

    static func lines(_ strategy: RunReport.Strategy) -> String {
        [strategy.noTradeReason.map { "no trades: \($0)" }, strategy.entryChecks.line()].compactMap { $0 }.joined(separator: "\n")
    }

    /// The 2024 basis between USD-M BTCUSDT and COIN-M BTCUSD_PERP; `keys` go in its strategy.
    static func basis2024(_ keys: String) -> String {
        """
        [replay]
        files = ["\(usdm2024)", "\(coinm2024)"]
        [[strategies]]
        kind = "basis"
        legs = ["binance-usdm:BTCUSDT", "binance-coinm:BTCUSD_PERP"]
        target_notional = 50000
        \(keys)
        """
    }

    @Test("a spread that never reaches the band says so, with the quotes it judged")
    func bandNeverReached() throws {
        // The two perpetuals stay within about 8 bps of each other: a 50 bps band is never reached.
        let strategy = try Self.replay(Self.basis2024("entry = \"50bps\"\nexit = \"10bps\""))
        let checks = strategy.entryChecks
        #expect(strategy.trades.isEmpty)
        #expect(checks.bandReached == 0 && checks.notTaken.total == 0 && checks.detected == 0)
        // Every quote of both legs after the first of each is judged: tens of thousands (97,105 on fresh books).
        #expect(checks.outsideBand > 50_000 && checks.warmingUp == 0)
        #expect(strategy.noTradeReason == "the spread never reached the entry band (entry 50 bps) on any of \(checks.outsideBand) quotes judged while scanning",
                "\(Self.lines(strategy))")
    }

    @Test("the 2021 ETH calendar, once reported as never reaching its 2σ band, reached it and did not pay its fees")
    func calendarReachedBand() throws {
        var overrides = ReplayOverrides()
        overrides.kind = .calendar
        overrides.legs = ["binance-coinm:ETHUSD_210924", "binance-coinm:ETHUSD_210625"]
        overrides.entry = .z(2)
        overrides.exit = .z(0.5)
        let strategy = try Self.replay(Self.basis2021(), overrides)
        let checks = strategy.entryChecks
        #expect(strategy.trades.isEmpty)
        #expect(checks.warmingUp > 0 && checks.outsideBand > 0)
        #expect(checks.bandReached > 0 && checks.notTaken.edgeBelowCosts == checks.bandReached, "\(Self.lines(strategy))")
        // The last refusal's arithmetic: what the spread could capture before the exit band, short of the costs.
        let edge = try #require(checks.lastEdgeBelowCosts)
        #expect(!edge.pays && edge.captureBps == edge.deviationBps - edge.exitBandBps)
        #expect(strategy.noTradeReason == "the entry band was reached on \(checks.bandReached) quotes while scanning; not taken: edge below fees and crossing \(checks.bandReached) (last: \(edge))")
    }

    @Test("an entry whose edge does not pay the fees is counted as such, not as a band never reached")
    func edgeBelowFees() throws {
        // The 2024 basis at 2σ reaches the band (the cycles at -5.8, -5.5 and -9.1 bps with a
        // 1 bp taker fee); at the contracts' own 5 bps taker fee a round trip costs 20 bps.
        let strategy = try Self.replay(Self.basis2024("entry = \"2z\"\nexit = \"0.5z\""))
        let checks = strategy.entryChecks
        #expect(strategy.trades.isEmpty)
        #expect(checks.bandReached > 0)
        #expect(checks.notTaken.edgeBelowCosts == checks.bandReached, "\(Self.lines(strategy))")
        let reason = try #require(strategy.noTradeReason)
        // 5 bps taker on each of four fills: 20 bps of fees in the last refusal's arithmetic.
        let edge = try #require(checks.lastEdgeBelowCosts)
        #expect(edge.feesBps == 20 && !edge.pays)
        #expect(reason == "the entry band was reached on \(checks.bandReached) quotes while scanning; not taken: edge below fees and crossing \(checks.bandReached) (last: \(edge))")
        #expect(!reason.contains("never reached"))
    }

    @Test("an entry inside the expiry guard is counted as the expiry guard's")
    func expiryGuard() throws {
        // BTCUSD_210924 expires 2021-09-24 08:00, about 3,831 hours after the data: a 4,000 h guard blocks it.
        let strategy = try Self.replay(Self.basis2021(strategy: "expiry_guard = \"4000h\""))
        let checks = strategy.entryChecks
        #expect(strategy.trades.isEmpty)
        #expect(checks.bandReached > 0 && checks.notTaken.expiryGuard == checks.bandReached, "\(Self.lines(strategy))")
        #expect(strategy.noTradeReason == "the entry band was reached on \(checks.bandReached) quotes while scanning; not taken: expiry guard \(checks.bandReached)")

        // The same replay without the guard opens the spread on its first look in the band.
        let open = try Self.replay(Self.basis2021())
        #expect(open.trades.count == 1 && open.noTradeReason == nil)
        #expect(open.entryChecks.detected == 1 && open.entryChecks.opened == 1)
        #expect(open.entryChecks.line()?.contains("detected 1, opened 1") == true, "\(Self.lines(open))")
    }

    @Test("an entry without the margin for it is counted as margin, and the report names the balance to give")
    func margin() throws {
        // 50,000 USD of BTCUSD_PERP posts about 0.8 BTC at 60.6k; 0.01 BTC is not enough.
        let strategy = try Self.replay(Self.basis2021(venue: "balances = { BTC = 0.01 }"))
        let checks = strategy.entryChecks
        #expect(strategy.trades.isEmpty)
        #expect(checks.bandReached > 0 && checks.notTaken.margin == checks.bandReached, "\(Self.lines(strategy))")
        let need = try #require(checks.lastMarginShortfall)
        #expect(need.venue == "binance-coinm" && need.asset == "BTC" && need.available == "0.01")
        let required = try #require(need.required)
        #expect(required > "0.01")
        let whole = try required.rounded(places: 0, .ceiling)
        #expect(strategy.noTradeReason?.contains("not taken: margin \(checks.bandReached) (\(need.instrument) needs \(required) BTC, 0.01 free: give --balance binance-coinm:BTC=\(whole) or balances in [venues.binance-coinm] of the config)") == true,
                "\(Self.lines(strategy))")

    }
}
