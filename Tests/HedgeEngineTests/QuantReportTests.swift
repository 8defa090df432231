import Foundation
@testable import HedgeCore
@testable import HedgeVenues
import Testing
@testable import HedgeEngine

/// The replay report as a quant reads it, on the real recordings in ../shared/data: every
/// statistic worked out again by hand from the fills and cycles, the CSV against the JSON, the
/// file hashes against sha256sum, and two runs byte for byte.
@Suite("Replay report for a quant")
struct QuantReportTests {
    static let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("../shared/data").standardized.path
    static let usdmFile = data + "/binance/usdm_btcusdt_20240808.gz"
    static let coinmFile = data + "/binance/cm_btcusd_perp_20240808.gz"
    static let spotFile = data + "/binance/spot_btcusdt_20240808.gz"
    static let cryptofeed = data + "/cryptofeed/20210417_BINANCE_DELIVERY.ws.7.0"
    static let dapi = data + "/contract_specs/20210417_dapi.binance.com_dapi_v1_exchangeInfo.json"

    /// The README's basis replay with three round trips (linear USD-M against inverse COIN-M).
    static var basisZ: ReplayOverrides {
        var overrides = ReplayOverrides()
        overrides.files = [usdmFile, coinmFile]
        overrides.kind = .basis
        overrides.legs = ["binance-usdm:BTCUSDT", "binance-coinm:BTCUSD_PERP"]
        overrides.entry = .z(2)
        overrides.exit = .z(0.5)
        overrides.takerFee = "0.0001"
        return overrides
    }

    /// USD-M against spot: linear both, with a spread that failed while opening.
    static var crossSpot: ReplayOverrides {
        var overrides = basisZ
        overrides.files = [usdmFile, spotFile]
        overrides.kind = .cross
        overrides.legs = ["binance-usdm:BTCUSDT", "binance-spot:BTCUSDT"]
        return overrides
    }

    /// The 2021 COIN-M basis: a spread opened at once and still open at the end.
    static var cryptofeedBasis: ReplayOverrides {
        var overrides = ReplayOverrides()
        overrides.files = [cryptofeed]
        overrides.kind = .basis
        overrides.legs = ["binance-coinm:BTCUSD_210924", "binance-coinm:BTCUSD_PERP"]
        overrides.contracts = [dapi]
        return overrides
    }

    static func replay(_ overrides: ReplayOverrides) async throws -> RunReport {
        let setup = try ReplaySetup(commandLine: overrides)
        let parameters = setup.parameters
        let session = try TradingSession(replaying: setup)
        await session.runToEnd()
        var report = await session.replayResult().report
        report.parameters = try parameters?.wait()
        return report
    }

    /// Each replay runs once for the whole suite (a debug build reads the recordings slowly).
    actor Cache {
        static let shared = Cache()
        var runs: [String: Task<RunReport, any Error>] = [:]
        func report(_ name: String, _ overrides: ReplayOverrides) async throws -> RunReport {
            if let run = runs[name] { return try await run.value }
            let run = Task { try await QuantReportTests.replay(overrides) }
            runs[name] = run
            return try await run.value
        }
    }

    static func json(_ report: RunReport) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(report)
    }

    static let tradingRuns: [(String, ReplayOverrides)] = [("basis-z", basisZ), ("cross-spot", crossSpot)]

    static var hasData: Bool { FileManager.default.fileExists(atPath: usdmFile) }

    @Test("each closed cycle's PnL split adds up from its own fills", arguments: ["basis-z", "cross-spot"])
    func cycleSplitFromFills(run: String) async throws {
        guard Self.hasData else { return }
        let overrides = try #require(Self.tradingRuns.first { $0.0 == run }?.1)
        let report = try await Cache.shared.report(run, overrides)
        let strategy = try #require(report.strategies.first)
        let closed = strategy.cycleResults.filter { $0.net != nil }
        #expect(closed.count == 3)
        #expect(strategy.fills.allSatisfy { $0.cycle != nil })
        for cycle in closed {
            let fills = strategy.fills.filter { $0.cycle == cycle.number }
            #expect(!fills.isEmpty)
            var feesUSD = FixedDecimal.zero, realisedUSD = 0.0
            for result in cycle.legs {
                let legFills = fills.filter { $0.leg == result.leg }
                // Fees: the fills' fees added up, in the leg's settlement asset.
                #expect(result.fees == (try legFills.map(\.fee).sum()), "cycle \(cycle.number) leg \(result.leg)")
                #expect(legFills.allSatisfy { $0.feeAsset == result.asset })
                // Realised price PnL: linear, what the sells brought in less what the buys cost
                // (qty × size × price, the notional); inverse, in the coin, Σ ±contracts × face / price.
                let spec = try ContractCatalog.builtIn.spec(for: InstrumentID(parsing: result.instrument)!)
                if spec.margining == .linear {
                    let sold = try legFills.filter { $0.side == .sell }.map(\.notional).sum()
                    let bought = try legFills.filter { $0.side == .buy }.map(\.notional).sum()
                    #expect(result.realised == (try sold - bought), "cycle \(cycle.number) leg \(result.leg)")
                } else {
                    let coin = legFills.reduce(0.0) { total, fill in
                        total + Double(fill.side == .buy ? 1 : -1) * fill.quantity.doubleValue * spec.contractSize.doubleValue / fill.vwap.doubleValue
                    }
                    #expect(abs(result.realised.doubleValue - coin) < 1e-7, "cycle \(cycle.number): \(result.realised) vs \(coin)")
                }
                feesUSD = try feesUSD + result.fees.multiplied(by: result.usdPrice)
                realisedUSD += result.realised.doubleValue * result.usdPrice.doubleValue
            }
            #expect(cycle.fees == feesUSD)
            let legs = try #require(cycle.legsPnL), fees = try #require(cycle.fees), funding = try #require(cycle.funding), net = try #require(cycle.net)
            #expect((try legs - fees + funding) == net)
            #expect(abs(legs.doubleValue - realisedUSD) < 1e-6)
        }
    }

    @Test("win rate, averages, profit factor, Sharpe, turnover, fees share, drawdown and time in market agree with a hand computation",
          arguments: ["basis-z", "cross-spot"])
    func statisticsByHand(run: String) async throws {
        guard Self.hasData else { return }
        let overrides = try #require(Self.tradingRuns.first { $0.0 == run }?.1)
        let report = try await Cache.shared.report(run, overrides)
        let strategy = try #require(report.strategies.first)
        let statistics = try #require(strategy.statistics)
        let nets = strategy.cycleResults.compactMap(\.net)
        let wins = nets.filter { $0 > .zero }, losses = nets.filter { $0 < .zero }
        #expect(statistics.closedCycles == nets.count)
        #expect(statistics.wins == wins.count && statistics.losses == losses.count)
        #expect(statistics.winRate == Double(wins.count) / Double(nets.count))
        #expect(statistics.averageWin == (wins.isEmpty ? nil : try wins.sum().divided(by: FixedDecimal(wins.count))))
        #expect(statistics.averageLoss == (losses.isEmpty ? nil : try losses.sum().divided(by: FixedDecimal(losses.count))))
        let lost = try losses.sum().magnitude.doubleValue
        #expect(statistics.profitFactor == (lost == 0 ? nil : try wins.sum().doubleValue / lost))
        // Sharpe = mean(r) / sd(r), r = net / 50 000 USD, sd with n − 1.
        let returns = nets.map { $0.doubleValue / 50_000 }
        let mean = returns.reduce(0, +) / Double(returns.count)
        let sd = (returns.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(returns.count - 1)).squareRoot()
        let sharpe = try #require(statistics.sharpe)
        #expect(abs(sharpe - mean / sd) < 1e-9)
        #expect(statistics.sharpeFormula.contains("mean(r) / sd(r)") && statistics.sharpeFormula.contains("n − 1"))
        // Turnover: every fill's notional.
        #expect(statistics.turnover == (try strategy.fills.map(\.notional).sum()))
        // Fees as a share of gross PnL before fees.
        let gross = try strategy.pnl.realised + strategy.pnl.unrealised + strategy.pnl.funding
        #expect(statistics.feesShareOfGross == (gross.isPositive ? strategy.pnl.fees.doubleValue / gross.doubleValue : nil))
        // Max drawdown: the deepest fall from the running peak of the equity curve.
        var peak = FixedDecimal.min, deepest = FixedDecimal.zero
        for point in strategy.equity {
            peak = max(peak, point.net)
            deepest = max(deepest, try peak - point.net)
        }
        #expect(statistics.maxDrawdown == deepest)
        // Time in market: from the fills' execution times, while either leg's position is not 0.
        var positions: [Leg: FixedDecimal] = [.a: .zero, .b: .zero]
        var since: Timestamp?, held = Duration.zero
        for fill in strategy.fills {
            positions[fill.leg] = try positions[fill.leg]! + (fill.side == .buy ? fill.quantity : fill.quantity.negated)
            let holding = positions.values.contains { !$0.isZero }
            if holding, since == nil { since = fill.time }
            if !holding, let start = since { held += fill.time - start; since = nil }
        }
        if let start = since { held += report.to - start }
        #expect(statistics.timeInMarketSeconds == held.secondsDouble)
        #expect(statistics.timeInMarketShare == held.secondsDouble / (report.to - report.from).secondsDouble)
    }

    @Test("each fill row walks its levels, adds up its notional and measures slippage against the decision price")
    func fillRows() async throws {
        guard Self.hasData else { return }
        let report = try await Cache.shared.report("basis-z", Self.basisZ)
        let strategy = try #require(report.strategies.first)
        #expect(strategy.fills.count == 12)
        for fill in strategy.fills {
            let spec = try ContractCatalog.builtIn.spec(for: InstrumentID(parsing: fill.instrument)!)
            #expect(fill.levels >= 1)
            #expect(fill.feeAsset == spec.settlementAsset)
            // Fee: notional in the settlement asset × the 1 bp taker rate given.
            let settlement = spec.margining == .linear ? fill.notional.doubleValue : fill.notional.doubleValue / fill.vwap.doubleValue
            #expect(abs(fill.fee.doubleValue - settlement * 0.0001) <= 1e-8 * Double(fill.levels) + abs(settlement * 0.0001) * 1e-6)
            if spec.margining == .linear {
                #expect(abs(fill.notional.doubleValue - fill.quantity.doubleValue * fill.vwap.doubleValue) < 1e-4)
            } else {
                #expect(fill.notional == (try fill.quantity.multiplied(by: spec.contractSize)))
            }
            let decision = try #require(fill.decisionPrice)
            let worse = fill.side == .buy ? try fill.vwap - decision : try decision - fill.vwap
            #expect(fill.slippageBps == (try FixedDecimal.mulDiv(worse, 10_000, decision)))
        }
        // Each leg of each cycle opened and closed: one row a purpose at least.
        #expect(Set(strategy.fills.map(\.purpose)).isSuperset(of: ["open", "hedge", "close"]))
    }

    @Test("the equity curve starts at 0 at the start, has a point at every fill, and ends at the net PnL")
    func equityCurve() async throws {
        guard Self.hasData else { return }
        let report = try await Cache.shared.report("basis-z", Self.basisZ)
        let strategy = try #require(report.strategies.first)
        #expect(strategy.equity.first == ExecutionRecord.EquityPoint(time: report.from, net: .zero))
        #expect(strategy.equity.last == ExecutionRecord.EquityPoint(time: report.to, net: strategy.pnl.net))
        #expect(zip(strategy.equity, strategy.equity.dropFirst()).allSatisfy { $0.time < $1.time })
        for fill in strategy.fills {
            #expect(strategy.equity.contains { $0.time >= fill.time && $0.time.nanoseconds - fill.time.nanoseconds < 100_000_000 })
        }
    }

    /// RFC 4180 fields of `text` (quoted fields may hold commas, quotes and line breaks).
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false
        var characters = Array(text.unicodeScalars)[...]
        while let c = characters.popFirst() {
            if quoted {
                if c == "\"" {
                    if characters.first == "\"" { field.unicodeScalars.append("\""); characters.removeFirst() } else { quoted = false }
                } else { field.unicodeScalars.append(c) }
            } else if c == "\"" { quoted = true }
            else if c == "," { row.append(field); field = "" }
            else if c == "\r" { continue }
            else if c == "\n" { row.append(field); rows.append(row); row = []; field = "" }
            else { field.unicodeScalars.append(c) }
        }
        return rows
    }

    @Test("the CSV files hold the JSON's numbers, row for row")
    func csvRoundTrip() async throws {
        guard Self.hasData else { return }
        let report = try await Cache.shared.report("cross-spot", Self.crossSpot)
        let object = try #require(try JSONSerialization.jsonObject(with: Self.json(report)) as? [String: Any])
        let strategy = try #require((object["strategies"] as? [[String: Any]])?.first)
        let files = Dictionary(uniqueKeysWithValues: report.csvFiles.map { ($0.name, Self.parseCSV($0.text)) })
        func records(_ name: String) throws -> [[String: String]] {
            let rows = try #require(files[name])
            let header = rows[0]
            return rows.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
        }
        let fills = try records("fills.csv"), jsonFills = try #require(strategy["fills"] as? [[String: Any]])
        #expect(fills.count == jsonFills.count && !fills.isEmpty)
        for (row, json) in zip(fills, jsonFills) {
            #expect(row["quantity"] == json["quantity"] as? String)
            #expect(row["notional"] == json["notional"] as? String)
            #expect(row["vwap"] == json["vwap"] as? String)
            #expect(row["fee"] == json["fee"] as? String)
            #expect(row["fee_asset"] == json["feeAsset"] as? String)
            #expect(row["slippage_bps"] == (json["slippageBps"] as? String ?? ""))
            #expect(row["levels"] == "\(json["levels"] as? Int ?? -1)")
            #expect(row["time_ns"] == "\((json["time"] as? [String: Any])?["nanoseconds"] as? Int64 ?? -1)")
        }
        let cycles = try records("cycles.csv"), jsonCycles = try #require(strategy["cycleResults"] as? [[String: Any]])
        #expect(cycles.count == jsonCycles.count)
        for (row, json) in zip(cycles, jsonCycles) {
            for (column, key) in [("legs_pnl_usd", "legsPnL"), ("fees_usd", "fees"), ("funding_usd", "funding"), ("net_usd", "net"),
                                  ("entry_spread_bps", "entrySpreadBps")] {
                #expect(row[column] == json[key] as? String, "\(column)")
            }
            #expect(row["reason"] == json["reason"] as? String)
        }
        let equity = try records("equity.csv"), jsonEquity = try #require(strategy["equity"] as? [[String: Any]])
        #expect(equity.map { $0["net_usd"] } == jsonEquity.map { $0["net"] as? String })
    }

    @Test("two runs of a replay give byte-identical JSON and identical CSV")
    func deterministic() async throws {
        guard Self.hasData else { return }
        let first = try await Self.replay(Self.cryptofeedBasis), second = try await Self.replay(Self.cryptofeedBasis)
        #expect(!first.strategies[0].fills.isEmpty)
        #expect(try Self.json(first) == Self.json(second))
        #expect(first.csvFiles.map(\.text) == second.csvFiles.map(\.text))
    }

    @Test("the report names every file read, the snapshot file beside the recording too, with its size and SHA-256 as sha256sum gives them")
    func fileHashes() async throws {
        guard Self.hasData else { return }
        let report = try await Cache.shared.report("cryptofeed", Self.cryptofeedBasis)
        let files = try #require(report.parameters?.files)
        #expect(files.map(\.role) == ["recording", "snapshot", "contracts"])
        #expect(files[1].path.hasSuffix("20210417_BINANCE_DELIVERY.http.6.0"))
        for file in files {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
            process.arguments = [file.path]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(output.split(separator: " ").first.map(String.init) == file.sha256)
            let size = try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int
            #expect(Int64(size ?? -1) == file.bytes)
        }
    }

    @Test("the printed command line runs the same replay again")
    func commandReproduces() async throws {
        guard Self.hasData else { return }
        let report = try await Cache.shared.report("cryptofeed", Self.cryptofeedBasis)
        let command = try #require(report.parameters?.command)
        #expect(Array(command.prefix(2)) == ["hedgetop", "replay"])
        var words = command.dropFirst(2)[...]
        var again = ReplayOverrides()
        while let word = words.first, !word.hasPrefix("--") { again.files.append(word); words.removeFirst() }
        while let flag = words.popFirst() {
            let next = words.popFirst()
            let value = try #require(next, "\(flag) has no value")
            switch flag {
            case "--kind": again.kind = StrategyKind(rawValue: value)
            case "--legs": again.legs = value.split(separator: ",").map(String.init)
            case "--entry": again.entry = Threshold(parsing: value)
            case "--exit": again.exit = Threshold(parsing: value)
            case "--notional": again.notional = FixedDecimal(value)
            case "--taker-fee": again.takerFee = FixedDecimal(value)
            case "--contracts": again.contracts.append(value)
            case "--on-bad-input": again.policy = value == "stop" ? .stop : .skip
            case "--speed": again.speed = value
            default: Issue.record("unexpected flag \(flag)")
            }
        }
        #expect(try Self.json(try await Self.replay(again)) == Self.json(report))
    }

    @Test("--csv refuses a symbolic link in place of a file it writes, and a directory it cannot create")
    func csvRefusals() async throws {
        guard Self.hasData else { return }
        let report = try await Cache.shared.report("cryptofeed", Self.cryptofeedBasis)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-csv-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // A fresh directory (and its parent) is created; the files are written with mode 0644.
        let fresh = directory + "/out/csv"
        try report.writeCSV(to: fresh)
        for name in RunReport.csvFileNames {
            let attributes = try FileManager.default.attributesOfItem(atPath: fresh + "/" + name)
            #expect((attributes[.posixPermissions] as? Int ?? 0o777) & 0o022 == 0)
        }
        // A link where fills.csv goes: refused, and the file it points to untouched.
        let linked = directory + "/linked"
        try FileManager.default.createDirectory(atPath: linked, withIntermediateDirectories: true)
        let target = directory + "/target.txt"
        try "keep".write(toFile: target, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: linked + "/fills.csv", withDestinationPath: target)
        #expect(throws: ReportCSVError.self) { try report.writeCSV(to: linked) }
        do { try report.writeCSV(to: linked) } catch { #expect(error.message.contains("symbolic link")) }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep")
        // A directory under a regular file cannot be made.
        do {
            try report.writeCSV(to: target + "/csv")
            Issue.record("a directory under a file was accepted")
        } catch {
            #expect(error.message.contains("cannot create the directory"))
        }
        // A file where the directory should be.
        do {
            try report.writeCSV(to: target)
            Issue.record("a file was taken for a directory")
        } catch {
            #expect(error.message.contains("not a directory"))
        }
    }

    @Test("the printed statistics, tables and chart fit in 80 columns, and the text shows every part")
    func textWidth() async throws {
        guard Self.hasData else { return }
        let report = try await Cache.shared.report("basis-z", Self.basisZ)
        let lines = RunReport.executionLines(report.strategies[0], from: report.from, to: report.to)
        #expect(lines.allSatisfy { $0.count <= 80 }, "\(lines.filter { $0.count > 80 })")
        let text = report.text
        for part in ["equity USD", "statistics:", "cycles, PnL split", "fills (12;", "parameters (this report's run, again):",
                     "hedgetop replay", "sha256 ", "venue binance-usdm: seed 7"] {
            #expect(text.contains(part), "\(part)")
        }
        let parameterLines = report.parameterLines.filter { !$0.contains("/") }
        #expect(parameterLines.allSatisfy { $0.count <= 80 }, "\(parameterLines.filter { $0.count > 80 })")
        // The chart: four rows of braille under their labels and a line of times.
        let chart = lines.drop { !$0.contains("equity USD") }.dropFirst().prefix(5)
        #expect(chart.prefix(4).allSatisfy { $0.unicodeScalars.contains { (0x2800...0x28FF).contains($0.value) } })
    }

    @Test("a table longer than the printed rows shows the first ones and says how many more the JSON and CSV hold")
    func longTables() {
        let rows = (1...1000).map { ["\($0)", "x"] }
        let lines = RunReport.table(["n", "v"], rows, indent: 4, noun: "fills")
        #expect(lines.count == 1 + RunReport.printedRows + 1)
        #expect(lines.last == "    … \(1000 - RunReport.printedRows) more fills: all of them are in --json and --csv")
    }

    @Test("a replay from a configuration file names the file with its hash, and its command line is --config with it")
    func configParameters() async throws {
        guard Self.hasData else { return }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/replay.toml"
        try """
        [replay]
        files = ["\(Self.cryptofeed)"]
        contracts = ["\(Self.dapi)"]
        [[strategies]]
        kind = "basis"
        legs = ["binance-coinm:BTCUSD_210924", "binance-coinm:BTCUSD_PERP"]
        entry = "40bps"
        exit = "10bps"
        target_notional = 20000
        """.write(toFile: path, atomically: true, encoding: .utf8)
        var overrides = ReplayOverrides()
        overrides.entry = .bps(60)
        let setup = try HedgetopConfig.load(path: path).replaySetup(overrides)
        let parameters = try #require(try setup.parameters?.wait())
        #expect(parameters.files.map(\.role) == ["config", "recording", "snapshot", "contracts"])
        #expect(parameters.files[0].bytes == Int64(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? -1))
        #expect(parameters.command == ["hedgetop", "replay", "--config", path, "--entry", "60bps", "--on-bad-input", "skip", "--speed", "max"])
        #expect(parameters.strategies.first?.entry == "60bps")
    }

    @Test("a long replay's equity marks are thinned to a bound, every event point kept, and their spacing doubles")
    func equityMarksBounded() {
        var record = ExecutionRecord()
        record.equity(1, strategy: 0, at: Timestamp(nanoseconds: 0))
        let marks = ExecutionRecord.markPointLimit * 3
        for step in 1...marks {
            let time = Timestamp(nanoseconds: Int64(step) * ExecutionRecord.markIntervalNanoseconds)
            record.mark(FixedDecimal(units: Int64(step % 7) + 2), strategy: 0, at: time)
            if step % 10_000 == 0 { record.equity(-5, strategy: 0, at: time + .nanoseconds(1)) }
        }
        let outcome = record.outcome(strategy: 0, end: Timestamp(nanoseconds: Int64(marks + 1) * ExecutionRecord.markIntervalNanoseconds))
        let events = outcome.equity.filter { $0.net == -5 || $0.net == 1 }
        #expect(events.count == marks / 10_000 + 1)
        #expect(outcome.equity.count <= ExecutionRecord.markPointLimit + events.count + 1)
        #expect(outcome.markSpacing > .nanoseconds(ExecutionRecord.markIntervalNanoseconds))
        #expect(zip(outcome.equity, outcome.equity.dropFirst()).allSatisfy { $0.time < $1.time })
    }
}
