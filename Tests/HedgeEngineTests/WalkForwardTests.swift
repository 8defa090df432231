import Foundation
@testable import HedgeCore
@testable import HedgeEngine
import Testing

/// Walk-forward folds: cut exactly by data time, chosen on in-sample data alone.
@Suite("Walk-forward folds")
struct WalkForwardTests {
    @Test("K folds cover the data exactly, consecutive and as equal as nanoseconds allow")
    func foldsCoverTheData() throws {
        let plan = try WalkForwardPlan(first: Timestamp(nanoseconds: 1_000), last: Timestamp(nanoseconds: 1_009), count: 3)
        // span 10 ns (1000 ... 1009 inclusive): cuts at 1000 + 10 × i / 3 = 1000, 1003, 1006; the last ends at 1010.
        #expect(plan.folds.map(\.start.nanoseconds) == [1_000, 1_003, 1_006])
        #expect(plan.folds.map(\.end.nanoseconds) == [1_003, 1_006, 1_010])
        #expect(throws: SweepError.self) { try WalkForwardPlan(first: .zero, last: Timestamp(nanoseconds: 100), count: 1) }
        #expect(throws: SweepError.self) { try WalkForwardPlan(first: .zero, last: Timestamp(nanoseconds: 1), count: 3) }
    }

    @Test("--from and --to read UTC times to the nanosecond and write them back the same")
    func windowTimes() throws {
        let time = try #require(ReplayWindow.parseTime("2024-08-08T23:56:00.123456789Z"))
        #expect(time.nanoseconds == 1_723_161_360_123_456_789)
        #expect(ReplayWindow.text(time) == "2024-08-08T23:56:00.123456789Z")
        #expect(ReplayWindow.parseTime("2024-08-08T23:56:00Z")?.nanoseconds == 1_723_161_360_000_000_000)
        #expect(ReplayWindow.parseTime("1723161360000000000")?.nanoseconds == 1_723_161_360_000_000_000)
        #expect(ReplayWindow.parseTime("2024-13-08T23:56:00Z") == nil)
        #expect(ReplayWindow.parseTime("yesterday") == nil)
        #expect(throws: ReplayFailure.self) { try ReplayWindow(from: "2024-08-08T23:57:00Z", to: "2024-08-08T23:56:00Z") }
    }

    /// A basis spread (USD-M minus COIN-M, in bps of COIN-M's 60,000) that swings out and back
    /// four times a half: to 20 bps in the first half, to 40 bps in the second. Entering at
    /// 10 bps pays in both halves; entering at 30 bps pays nothing in the first half and the
    /// most in the second. A walk-forward that chose on the second half would pick 30 bps.
    static func plantedCSV() throws -> String {
        var lines = ["ts_ns,venue,symbol,bid_px,bid_qty,ask_px,ask_qty"]
        let start: Int64 = 1_723_161_600_000_000_000
        var time = start
        for half in 0..<2 {
            let peak = half == 0 ? 20.0 : 40.0
            for _ in 0..<4 {
                for step in 0..<240 {
                    // 60 s an episode, a quote each 250 ms: 0 for 10 s, up over 5 s, hold 5 s, down over 5 s, 0 after.
                    let second = Double(step) / 4
                    let bps: Double = second < 10 ? 0 : second < 15 ? peak * (second - 10) / 5 : second < 20 ? peak : second < 25 ? peak * (25 - second) / 5 : 0
                    let usdm = (60_000 * (1 + bps / 10_000) * 10).rounded() / 10
                    lines.append("\(time),binance-coinm,BTCUSD_PERP,59999.9,100000,60000.1,100000")
                    lines.append("\(time + 1_000_000),binance-usdm,BTCUSDT,\(String(format: "%.1f", usdm - 0.1)),100,\(String(format: "%.1f", usdm + 0.1)),100")
                    time += 250_000_000
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func write(_ text: String, name: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("walk-forward-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func base(_ path: String) -> ReplayOverrides {
        var base = ReplayOverrides()
        base.files = [path]
        base.kind = .basis
        base.legs = ["binance-usdm:BTCUSDT", "binance-coinm:BTCUSD_PERP"]
        return base
    }

    @Test("the planted pattern: chosen on the first half (10 bps), judged on the second where 30 bps would have won")
    func plantedPatternDoesNotLeak() async throws {
        let path = try Self.write(Self.plantedCSV(), name: "planted.csv")
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let base = Self.base(path)
        let grid = try SweepGrid(lists: [(.entry, "10bps,30bps"), (.exit, "2bps"), (.takerFee, "0")])
        let span = try #require(try ReplaySetup.dataSpan(base))
        let plan = try WalkForwardPlan(first: span.first, last: span.last, count: 2)
        let runs = SweepRun.all(grid: grid, base: base, plan: plan)
        #expect(runs.count == SweepResult.runCount(grid: grid, folds: 2))
        let outcomes = await SweepRunner.run(runs, jobs: 2)
        let result = SweepResult(fingerprint: try SweepFingerprint(base: base, grid: grid, walkForward: 2), grid: grid, plan: plan, rows: outcomes.map(\.row))
        func row(fold: Int, entry: String) throws -> SweepRow {
            try #require(result.foldRows.first { $0.fold == fold && $0.point.values[0] == entry })
        }
        let (low1, high1, low2, high2) = (try row(fold: 1, entry: "10bps"), try row(fold: 1, entry: "30bps"), try row(fold: 2, entry: "10bps"), try row(fold: 2, entry: "30bps"))
        for row in [low1, high1, low2, high2] { #expect(row.failure == nil, "\(row.failure ?? "")") }
        // The pattern as planted: 10 bps trades and earns in both halves, 30 bps only in the second, where it earns more.
        #expect(low1.cycles > 0 && low1.net.isPositive)
        #expect(high1.cycles == 0 && high1.net.isZero)
        #expect(low2.net.isPositive && high2.net > low2.net)
        #expect(result.ranked.count == 2)
        let step = try #require(result.walkForward?.first)
        #expect(result.walkForward?.count == 1)
        #expect(step.chosen.values[0] == "10bps")
        #expect(step.inSampleNet == low1.net)
        #expect(step.outOfSampleNet == low2.net)
        #expect(step.outOfSampleRank == 2)
        #expect(step.outOfSampleBestNet == high2.net)
    }

    @Test("a fold's figures are those of a replay of its own data and the past: the data after it changes nothing")
    func foldIgnoresLaterData() async throws {
        let text = try Self.plantedCSV()
        let path = try Self.write(text, name: "planted.csv")
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let span = try #require(try ReplaySetup.dataSpan(Self.base(path)))
        let plan = try WalkForwardPlan(first: span.first, last: span.last, count: 2)
        // The same data cut just after the first fold's end: what the first fold's replay may see.
        let cut = plan.folds[0].end.nanoseconds
        let firstHalf = text.split(separator: "\n").filter { line in Int64(line.prefix { $0 != "," }).map { $0 < cut } ?? true }.joined(separator: "\n") + "\n"
        let truncated = try Self.write(firstHalf, name: "first-half.csv")
        defer { try? FileManager.default.removeItem(atPath: (truncated as NSString).deletingLastPathComponent) }
        for entry in ["10bps", "30bps"] {
            var whole = Self.base(path)
            whole.entry = Threshold(parsing: entry)
            whole.exit = .bps(2)
            whole.takerFee = .zero
            whole.window = plan.folds[0]
            var alone = whole
            alone.files = [truncated]
            let run = SweepRun(number: 0, point: SweepPoint(index: 0, values: [entry]), fold: 1, overrides: whole)
            let (a, b) = (SweepRunner.replay(run).row, SweepRunner.replay(SweepRun(number: 0, point: run.point, fold: 1, overrides: alone)).row)
            #expect(a == b)
        }
    }
}
