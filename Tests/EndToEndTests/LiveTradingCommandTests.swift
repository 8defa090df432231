import Foundation
import Testing

/// LIVE as a trader starts it: `hedgetop-exchange` serves Binance USD-M and Bybit linear with an
/// account on each, and `hedgetop run --config live.toml --live` trades a cross spread on them with
/// keys from the environment. LIVE needs both the file's mode and the flag, shows its plan, asks
/// (or takes --yes), and the journal, `history` and the exchange's own accounts agree to the cent;
/// no byte hedgetop writes holds a secret.
@Suite("LIVE on the local exchange", .serialized)
struct LiveTradingCommandTests {
    static let binanceKey = "e2eBinanceKey0001", binanceSecret = "e2e-binance-SECRET-never-written-4f1c"
    static let bybitKey = "e2eBybitKey00001", bybitSecret = "e2e-bybit-SECRET-never-written-9a7d"

    /// The exchange with both venues, the venues' times moved to now, and an account on each.
    static func startExchange(in directory: URL) throws -> (process: BackgroundProcess, bases: [String: String]) {
        try LivePaperScreenTests.startExchange(in: directory, arguments: [
            "--speed", "1", "--now-times", "--venues", "binance-usdm,bybit-linear", "--log-level", "warning",
            "--account", "\(binanceKey):\(binanceSecret)", "--account", "\(bybitKey):\(bybitSecret)",
        ])
    }

    /// A LIVE file on the exchange's two venues: the recordings' BTC differs by about 5 % between
    /// the venues (2024 and 2026), so a 20 bps entry opens at once; the stop is wide.
    static func configuration(_ bases: [String: String], journal: String, mode: String = "live") -> String {
        var text = """
        mode = "\(mode)"
        [journal]
        path = "\(journal)"

        """
        for venue in ["binance-usdm", "bybit-linear"] {
            text += """

            [venues.\(venue)]
            kind = "\(venue)"
            ws_url = "\(bases["\(venue).ws"]!)"
            rest_url = "\(bases["\(venue).rest"]!)"

            """
        }
        return text + """

        [[strategies]]
        name = "x"
        kind = "cross"
        legs = ["binance-usdm:BTCUSDT", "bybit-linear:BTCUSDT"]
        target_notional = 600
        entry = "20bps"
        exit = "5bps"
        stop_loss_bps = 2000
        """
    }

    static func environment(in directory: URL) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["HEDGETOP_BINANCE_API_KEY"] = binanceKey
        environment["HEDGETOP_BINANCE_API_SECRET"] = binanceSecret
        environment["HEDGETOP_BYBIT_API_KEY"] = bybitKey
        environment["HEDGETOP_BYBIT_API_SECRET"] = bybitSecret
        environment["XDG_STATE_HOME"] = directory.appendingPathComponent("state").path
        environment["XDG_CACHE_HOME"] = directory.appendingPathComponent("cache").path
        environment["HOME"] = directory.path
        return environment
    }

    /// The exchange's account of `key` on `venue`: its position in BTCUSDT (nil when flat), its
    /// order count and its USDT wallet.
    static func account(_ control: String, venue: String, key: String) throws -> (position: String?, orders: Int, usdt: Decimal) {
        let status = try CommandRun("/usr/bin/curl", ["-sS", control + "/_status"]).output
        let root = try #require(try JSONSerialization.jsonObject(with: Data(status.utf8)) as? [String: Any])
        let accounts = try #require((root[venue] as? [String: Any])?["accounts"] as? [String: Any])
        let account = try #require(accounts[key] as? [String: Any], "\(status)")
        let position = ((account["positions"] as? [String: Any])?["BTCUSDT"] as? [String: Any])?["quantity"] as? String
        let usdt = try #require(((account["balances"] as? [String: Any])?["USDT"] as? String).flatMap { Decimal(string: $0) })
        return (position, account["orders"] as? Int ?? -1, usdt)
    }

    /// A test's own directory, the exchange serving it, and a LIVE file on it.
    struct Desk {
        let directory: URL
        let exchange: BackgroundProcess
        let bases: [String: String]
        let control: String
        let config: String
        let journal: String

        init(_ name: String) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-\(name)-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            (exchange, bases) = try LiveTradingCommandTests.startExchange(in: directory)
            control = try #require(bases["control"])
            config = directory.appendingPathComponent("live.toml").path
            journal = directory.appendingPathComponent("journal.sqlite").path
            try LiveTradingCommandTests.configuration(bases, journal: journal).write(toFile: config, atomically: true, encoding: .utf8)
        }

        func close() {
            exchange.stop()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    @Test("LIVE needs the mode and --live and a confirmation; with --yes a cross spread opens and flattens on exit, the journal's net is exactly the exchange's wallets' change, and no secret is written",
          .timeLimit(.minutes(4)))
    func liveCycleAgreesWithTheExchange() throws {
        let desk = try Desk("live")
        defer { desk.close() }
        let (directory, bases, control, config, journal) = (desk.directory, desk.bases, desk.control, desk.config, desk.journal)
        let hedgetop = try TmuxSession.hedgetopPath()
        let environment = Self.environment(in: directory)
        let log = directory.appendingPathComponent("hedgetop.log").path

        // The file's mode without --live, and --live without the mode: refused, nothing sent.
        let noFlag = try CommandRun(hedgetop, ["run", "--config", config, "--headless", "--duration", "2", "--log-file", log], environment: environment)
        #expect(noFlag.status == 1 && noFlag.error.contains("Run with --live to trade"), "\(noFlag.error)")
        let paperConfig = directory.appendingPathComponent("paper.toml").path
        try Self.configuration(bases, journal: journal, mode: "live-paper").write(toFile: paperConfig, atomically: true, encoding: .utf8)
        let noMode = try CommandRun(hedgetop, ["run", "--config", paperConfig, "--live", "--headless", "--duration", "2", "--log-file", log], environment: environment)
        #expect(noMode.status == 1 && noMode.error.contains("add mode = \"live\""), "\(noMode.error)")
        // Both, but no terminal to confirm on and no --yes: the plan, then nothing sent.
        let unconfirmed = try CommandRun(hedgetop, ["run", "--config", config, "--live", "--headless", "--duration", "2", "--log-file", log], environment: environment)
        #expect(unconfirmed.status == 1, "\(unconfirmed.error)")
        #expect(unconfirmed.error.contains("LIVE: real orders with real money"))
        #expect(unconfirmed.error.contains("venue bybit-linear: orders to \(bases["bybit-linear.rest"]!), bybit API key e2eB… (from environment)"), "\(unconfirmed.error)")
        #expect(unconfirmed.error.contains("strategy x: cross binance-usdm:BTCUSDT / bybit-linear:BTCUSDT, 600 USD a leg"))
        #expect(unconfirmed.error.contains("pass --yes") && unconfirmed.error.contains("nothing was sent"))
        #expect(try Self.account(control, venue: "binance-usdm", key: Self.binanceKey).orders == 0)

        // --yes: trades for 8 s, then flattens on the way out.
        let run = try CommandRun(hedgetop, ["run", "--config", config, "--live", "--yes", "--headless", "--duration", "8", "--on-exit", "flatten", "--log-file", log],
                                 environment: environment, seconds: 120)
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.contains("OPENING_SHORT_LEG → MONITORING_SPREAD") || run.output.contains("→ MONITORING_SPREAD"), "\(run.output)")
        let binance = try Self.account(control, venue: "binance-usdm", key: Self.binanceKey)
        let bybit = try Self.account(control, venue: "bybit-linear", key: Self.bybitKey)
        // Opened and closed on each venue: two orders, flat.
        #expect(binance.position == nil && bybit.position == nil, "\(binance) \(bybit)")
        #expect(binance.orders == 2 && bybit.orders == 2, "\(binance) \(bybit)")

        // The journal's cycle is exactly what the exchange's wallets lost or gained.
        let history = try CommandRun(hedgetop, ["history", "--journal", journal, "--json"], environment: environment)
        #expect(history.status == 0, "\(history.error)")
        let cycles = try #require(try JSONSerialization.jsonObject(with: Data(history.output.utf8)) as? [[String: Any]], "\(history.output)")
        #expect(cycles.count == 1, "\(history.output)")
        let net = try #require((cycles.first?["netPnL"] as? String).flatMap { Decimal(string: $0) } ?? (cycles.first?["netPnL"] as? Double).map { Decimal($0) }, "\(history.output)")
        let moved = binance.usdt + bybit.usdt - 200_000
        #expect(net == moved, "journal net \(net), the exchange's wallets moved \(moved)")

        // No byte hedgetop wrote holds either secret: journal, venue state, charts, log, spec
        // cache, standard output and error.
        var written: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: directory.path)
        while let path = enumerator?.nextObject() as? String {
            guard !path.hasPrefix("exchange.") else { continue }
            written.append(directory.appendingPathComponent(path).path)
        }
        #expect(written.contains(journal) && written.contains(log))
        for path in written {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            for secret in [Self.binanceSecret, Self.bybitSecret] {
                #expect(data.range(of: Data(secret.utf8)) == nil, "\(path) holds a secret")
            }
        }
        for text in [noFlag.output, noFlag.error, unconfirmed.output, unconfirmed.error, run.output, run.error, history.output] {
            #expect(!text.contains(Self.binanceSecret) && !text.contains(Self.bybitSecret))
        }
    }

    @Test("SIGKILL between the legs, restart: the venue's fills are reconciled, the half-open spread is flattened, and the journal equals the exchange exactly",
          .timeLimit(.minutes(6)))
    func killBetweenTheLegsThenRestartReconciles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-live-kill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // One account pair per kill point: each run starts from an empty account and journal.
        // Which write each point falls after depends on how the answers were batched, so a run of
        // points: a scan of 5 to 14 killed half of them between the legs, before and after leg
        // A's fill reached the journal.
        let points = Array(6...13)
        let keys = points.map { ("e2eKillBinance\($0)xx", "e2eKillBybit\($0)xxxx") }
        let (exchange, bases) = try LivePaperScreenTests.startExchange(in: directory, arguments: [
            "--speed", "1", "--now-times", "--venues", "binance-usdm,bybit-linear", "--log-level", "warning",
        ] + keys.flatMap { ["--account", "\($0.0):\(Self.binanceSecret)", "--account", "\($0.1):\(Self.bybitSecret)"] })
        defer { exchange.stop() }
        let control = try #require(bases["control"])
        let hedgetop = try TmuxSession.hedgetopPath()
        var leftHalfOpen = 0
        for (point, (binanceKey, bybitKey)) in zip(points, keys) {
            let run = directory.appendingPathComponent("kill-\(point)")
            try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
            let config = run.appendingPathComponent("live.toml").path
            let journal = run.appendingPathComponent("journal.sqlite").path
            try Self.configuration(bases, journal: journal).write(toFile: config, atomically: true, encoding: .utf8)
            var environment = Self.environment(in: run)
            environment["HEDGETOP_BINANCE_API_KEY"] = binanceKey
            environment["HEDGETOP_BYBIT_API_KEY"] = bybitKey
            let log = run.appendingPathComponent("hedgetop.log").path
            var killed = environment
            killed["HEDGETOP_TEST_KILL_AFTER_WRITES"] = "\(point)"
            let crash = try CommandRun(hedgetop, ["run", "--config", config, "--live", "--yes", "--headless", "--duration", "20", "--log-file", log],
                                       environment: killed, seconds: 60)
            #expect(crash.status == 137 || crash.status == 9 || crash.status == -9, "kill point \(point): \(crash.status) \(crash.error)")
            let atKill = (try Self.account(control, venue: "binance-usdm", key: binanceKey), try Self.account(control, venue: "bybit-linear", key: bybitKey))
            if (atKill.0.position == nil) != (atKill.1.position == nil) { leftHalfOpen += 1 }

            let restart = try CommandRun(hedgetop, ["run", "--config", config, "--live", "--yes", "--headless", "--duration", "6", "--on-exit", "flatten", "--log-file", log],
                                         environment: environment, seconds: 120)
            #expect(restart.status == 0, "kill point \(point): \(restart.error)")
            let binance = try Self.account(control, venue: "binance-usdm", key: binanceKey)
            let bybit = try Self.account(control, venue: "bybit-linear", key: bybitKey)
            #expect(binance.position == nil && bybit.position == nil, "kill point \(point): left open \(binance) \(bybit)\n\(restart.output)")
            let history = try CommandRun(hedgetop, ["history", "--journal", journal, "--json"], environment: environment)
            let cycles = try #require(try JSONSerialization.jsonObject(with: Data(history.output.utf8)) as? [[String: Any]], "\(history.output)")
            let net = cycles.compactMap { ($0["netPnL"] as? String).flatMap { Decimal(string: $0) } }.reduce(Decimal(0), +)
            #expect(net == binance.usdt + bybit.usdt - 200_000, "kill point \(point): journal \(net), wallets \(binance.usdt) \(bybit.usdt)\n\(restart.output)")
            if (atKill.0.position == nil) != (atKill.1.position == nil) {
                #expect(restart.output.contains("UNWINDING"), "kill point \(point): the half-open spread was not recovered as such\n\(restart.output)")
            }
        }
        // At least one kill fell between the legs: one venue held a leg, the other none.
        #expect(leftHalfOpen >= 1)
    }

    @Test("In the terminal: the plan, LIVE typed to confirm, LIVE on the header; the kill switch flattens both legs with reduce-only orders and the venues' answers show",
          .timeLimit(.minutes(4)))
    func confirmedOnTheTerminalAndKilled() throws {
        let desk = try Desk("live-tmux")
        defer { desk.close() }
        let (directory, control, config) = (desk.directory, desk.control, desk.config)
        var environment = Self.environment(in: directory)
        environment = environment.filter { $0.key.hasPrefix("HEDGETOP_") || $0.key.hasPrefix("XDG_") }
        let session = try TmuxSession(width: 140, height: 40, environment: environment, arguments: "run --config \(config) --live")
        let plan = try session.waitForScreen(seconds: 60) { $0.contains("type LIVE to start trading") }
        #expect(plan.contains("LIVE: real orders with real money") && plan.contains("strategy x: cross"))
        try session.send("LIVE", "Enter")
        var screen = try session.waitForScreen(seconds: 60) { screen in
            TmuxSession.strategyRow("x", in: screen)?.contains("MONITORING_SPREAD") ?? false
        }
        #expect(screen.split(separator: "\n").first?.contains(" LIVE ") ?? false, "\(screen)")
        #expect(try Self.account(control, venue: "binance-usdm", key: Self.binanceKey).position != nil)

        try session.send("K")
        _ = try session.waitForScreen { $0.contains("KILL SWITCH") }
        try session.send("y")
        // Each venue's answer to its leg's close shows, then the strategy halts flat.
        screen = try session.waitForScreen(seconds: 30) { screen in
            screen.contains("kill switch: flat, halted") && (TmuxSession.strategyRow("x", in: screen)?.contains("HALTED") ?? false)
        }
        let log = (try? String(contentsOf: session.directory.appendingPathComponent("hedgetop.log"), encoding: .utf8)) ?? ""
        #expect(log.contains("leg A close sell 0.009 BTCUSDT reduce-only") && log.contains("leg B close buy 0.009 BTCUSDT reduce-only"), "\(log)")
        #expect(screen.contains("leg A sell 0.009 @") && screen.contains("leg B buy 0.009 @"), "\(screen)")
        let binance = try Self.account(control, venue: "binance-usdm", key: Self.binanceKey)
        let bybit = try Self.account(control, venue: "bybit-linear", key: Self.bybitKey)
        #expect(binance.position == nil && bybit.position == nil, "\(binance) \(bybit)\n\(screen)")
        #expect(binance.orders == 2 && bybit.orders == 2, "\(binance) \(bybit)\n\(screen)")
        try session.send("q")
        _ = try session.waitForExit(seconds: 30)
    }
}
