import Foundation
@testable import HedgeCore
@testable import HedgeVenues
import Testing
@testable import HedgeEngine

/// The replay report says what the data allowed: it ends where the data ends however the engine
/// was paced, names a leg that never had a quote, and says why nothing traded.
@Suite("Replay report")
struct RunReportTests {
    static let usdm = InstrumentID(venue: "binance-usdm", symbol: "BTCUSDT")
    static let coinm = InstrumentID(venue: "binance-coinm", symbol: "BTCUSD_PERP")

    /// A replay engine over `rows` of the quote CSV (ts_ns,venue,symbol,bid_px,bid_qty,ask_px,ask_qty).
    static func engine(_ rows: [String]) throws -> Engine {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString).csv").path
        try (["ts_ns,venue,symbol,bid_px,bid_qty,ask_px,ask_qty"] + rows).joined(separator: "\n").appending("\n")
            .write(toFile: file, atomically: true, encoding: .utf8)
        defer { unlink(file) }
        let catalog = ContractCatalog.builtIn
        let specs = PerLeg(a: try catalog.spec(for: usdm), b: try catalog.spec(for: coinm))
        let feed = try ReplayFeed(paths: [file], instruments: [usdm, coinm])
        let config = StrategyConfig.replayDefaults(kind: .basis, legs: specs)
        let venues = [SimulatedVenue(name: "binance-coinm", contracts: [specs.b]), SimulatedVenue(name: "binance-usdm", contracts: [specs.a])]
        return Engine(strategies: [config], venues: venues, feed: feed, mode: .replay, startedAt: nil)
    }

    /// Two legs a steady 1 bp apart, a quote of each every 100 ms for `seconds`.
    static func steadyRows(seconds: Int, withCoinM: Bool = true) -> [String] {
        (0..<(seconds * 10)).flatMap { step -> [String] in
            let time = 1_723_161_256_000_000_000 + Int64(step) * 100_000_000
            let linear = "\(time),binance-usdm,BTCUSDT,61800.0,2,61800.1,2"
            return withCoinM ? [linear, "\(time + 1),binance-coinm,BTCUSD_PERP,61793.8,100,61793.9,100"] : [linear]
        }
    }

    static func headless(_ engine: Engine) -> RunReport {
        while let next = engine.nextEventTime { engine.run(until: next) }
        return RunReport(engine: engine, from: engine.startedAt, input: nil)
    }

    final class Box: @unchecked Sendable {
        let engine: Engine
        init(_ engine: Engine) { self.engine = engine }
    }

    @Test("a replay ends at its last event's time, headless or paced by the loop's clock (as --watch runs it)")
    func sameEndPacedOrNot() async throws {
        let rows = Self.steadyRows(seconds: 3)
        let last = Timestamp(nanoseconds: 1_723_161_256_000_000_000 + 29 * 100_000_000 + 1)
        let headless = Self.headless(try Self.engine(rows))
        #expect(headless.to == last)

        let box = Box(try Self.engine(rows))
        let loop = EngineLoop(clock: ContinuousClock(), pace: .realTime(speed: 100))
        let (_, sink) = EngineLoop<ContinuousClock>.makeSnapshotStream()
        let (_, commands) = CommandSender.makeChannel()
        await loop.run(box.engine, commands: commands, snapshots: sink)
        let paced = RunReport(engine: box.engine, from: box.engine.startedAt, input: nil)
        #expect(paced.to == last)
        #expect(paced.text.split(separator: "\n").first == headless.text.split(separator: "\n").first)
    }

    @Test("a leg with no quotes is named as a warning, in the JSON, and as the reason nothing traded")
    func legWithoutQuotes() throws {
        let report = Self.headless(try Self.engine(Self.steadyRows(seconds: 2, withCoinM: false)))
        let strategy = try #require(report.strategies.first)
        #expect(strategy.legsWithoutQuotes == ["binance-coinm:BTCUSD_PERP"])
        #expect(report.legsWithoutQuotes == ["binance-coinm:BTCUSD_PERP"])
        #expect(report.text.contains("  warning: binance-coinm:BTCUSD_PERP never had a quote in this data (is its file missing?)"))
        #expect(report.text.contains("  no trades: no quotes for binance-coinm:BTCUSD_PERP in the data, so the spread never existed"))
        let json = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
        #expect(json.contains(#""legsWithoutQuotes":["binance-coinm:BTCUSD_PERP"]"#))
    }

    @Test("a spread that never reaches the entry band says so, and names no leg as missing")
    func neverCrossed() throws {
        let report = Self.headless(try Self.engine(Self.steadyRows(seconds: 2)))
        let strategy = try #require(report.strategies.first)
        #expect(strategy.cycles == 0 && strategy.legsWithoutQuotes.isEmpty)
        // 20 steps of a quote on each leg: 40 quotes, the first before leg B had one, 39 judged.
        #expect(strategy.noTradeReason == "the spread never reached the entry band (entry 50 bps) on any of 39 quotes judged while scanning")
        #expect(report.text.contains("  no trades: the spread never reached the entry band (entry 50 bps) on any of 39 quotes judged while scanning"))
        #expect(report.text.contains("  entries looked at, by quote while scanning: no quote yet on a leg 1, outside the band 39"))
        #expect(!report.text.contains("warning:"))
    }

    @Test("net PnL outside the closed cycles is explained by what causes it")
    func outsideCyclesReason() {
        #expect(RunReport.outsideReason(open: false, inverse: true) == "coin-settled PnL and fees valued at the last price, not at each close")
        #expect(RunReport.outsideReason(open: true, inverse: false) == "the open spread's PnL")
        #expect(RunReport.outsideReason(open: false, inverse: false) == "fills outside a closed cycle")
    }
}
