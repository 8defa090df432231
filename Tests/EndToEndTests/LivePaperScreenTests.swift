import Foundation
import Testing

/// LIVE-PAPER as a trader rehearses it: `hedgetop-exchange` serves the 2024-08-08 BTC recordings
/// (USD-M and COIN-M) over Binance's protocols with the venues' times moved to now, and
/// `hedgetop run --config` in tmux trades the basis between them.
@Suite("LIVE-PAPER on the local exchange, in tmux", .serialized)
struct LivePaperScreenTests {
    static let sharedData = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data").path

    /// The exchange, its output in `directory`; its venues' base URLs once it says it is ready.
    static func startExchange(in directory: URL, arguments: [String]) throws -> (process: BackgroundProcess, bases: [String: String]) {
        let binary = URL(fileURLWithPath: try TmuxSession.hedgetopPath()).deletingLastPathComponent()
            .appendingPathComponent("hedgetop-exchange").path
        let output = directory.appendingPathComponent("exchange.out").path
        let process = try BackgroundProcess([binary, "--data", sharedData] + arguments,
                                            output: output, error: directory.appendingPathComponent("exchange.err").path)
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("hedgetop-exchange ready") }) {
                var bases: [String: String] = [:]
                for word in line.split(separator: " ") {
                    let parts = word.split(separator: "=", maxSplits: 1)
                    if parts.count == 2 { bases[String(parts[0])] = String(parts[1]) }
                }
                return (process, bases)
            }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        let error = (try? String(contentsOfFile: directory.appendingPathComponent("exchange.err").path, encoding: .utf8)) ?? ""
        throw E2EError("hedgetop-exchange did not get ready: \(error)")
    }

    /// A LIVE-PAPER configuration on the exchange's two Binance futures venues, tuned to trade
    /// within seconds: short statistics, a low entry, no fees.
    static func configuration(_ bases: [String: String], journal: String) -> String {
        var text = """
        [journal]
        path = "\(journal)"

        """
        for venue in ["binance-usdm", "binance-coinm"] {
            text += """

            [venues.\(venue)]
            kind = "\(venue)"
            ws_url = "\(bases["\(venue).ws"]!)"
            rest_url = "\(bases["\(venue).rest"]!)"
            stale_after = "3s"
            taker_fee = 0
            latency_ms = 5
            balances = { USDT = 1000000, BTC = 20 }

            """
        }
        text += """

        [[strategies]]
        name = "btc-basis"
        kind = "cross"
        legs = ["binance-usdm:BTCUSDT", "binance-coinm:BTCUSD_PERP"]
        target_notional = 20000
        entry = "1z"
        exit = "0.2z"
        min_edge_bps = 0
        sample_interval = "100ms"
        window = 60
        warmup_samples = 20
        cooldown = "1s"
        """
        return text
    }

    @Test("The header says LIVE-PAPER and each venue live with its age and latency; the spread trades; a silenced venue goes stale and back",
          .timeLimit(.minutes(4)))
    func livePaperTradesAndShowsHealth() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-livepaper-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (exchange, bases) = try Self.startExchange(in: directory, arguments: [
            "--speed", "1", "--now-times", "--venues", "binance-usdm,binance-coinm", "--log-level", "warning",
        ])
        defer { exchange.stop() }
        let config = directory.appendingPathComponent("live.toml").path
        try Self.configuration(bases, journal: directory.appendingPathComponent("journal.sqlite").path)
            .write(toFile: config, atomically: true, encoding: .utf8)

        let session = try TmuxSession(width: 160, height: 40, environment: ["XDG_CACHE_HOME": directory.path + "/cache"],
                                      arguments: "run --config \(config)")
        var screen = try session.waitForScreen(seconds: 60) { screen in
            screen.contains("LIVE-PAPER") && screen.contains("binance-usdm ● live") && screen.contains("binance-coinm ● live")
                && screen.contains("lat ")
        }
        #expect(screen.contains("LIVE-PAPER"))
        // A trade: both legs filled on the live books (the strategy monitors, closes or has closed).
        screen = try session.waitForScreen(seconds: 120) { screen in
            guard let row = TmuxSession.strategyRow("btc-basis", in: screen) else { return false }
            return row.contains("MONITORING_SPREAD") || row.contains("CLOSING_SPREAD") || row.contains("COMPLETED")
        }
        // Silence COIN-M for 6 s: stale on the header within its 3 s limit, then live again.
        let control = bases["control"]!
        _ = try CommandRun("/usr/bin/curl", ["-sS", "-X", "POST", control + "/_fault/silence?venue=binance-coinm&seconds=6"])
        screen = try session.waitForScreen(seconds: 10) { $0.contains("binance-coinm ● stale") }
        screen = try session.waitForScreen(seconds: 30) { $0.contains("binance-coinm ● live") }
        try session.send("q")
    }
}
