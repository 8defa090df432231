import Foundation
import Testing

/// `hedgetop run --config` and `hedgetop replay --config` as a trader runs them.
@Suite("Configuration file on the command line")
struct ConfigCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized.path
    static let data = root + "/../shared/data"

    func hedgetop(_ arguments: [String], files: [String: String] = [:]) throws -> HedgetopProcess {
        try HedgetopProcess.run(arguments, files: files)
    }

    @Test("a bad file: every error on stderr with its line and key, exit non-zero, nothing started")
    func badFile() throws {
        let bad = """
        [screen]
        fps = "fast"
        [[strategies]]
        kind = "calendar"
        legs = ["sim:far", "nowhere:near"]
        target_notional = "lots"
        entry = "2z"
        exit = "3z"
        stop_los_bps = 40
        """
        let run = try hedgetop(["run", "--config", "$DIR/bad.toml", "--headless", "--duration", "1"], files: ["bad.toml": bad])
        #expect(run.status != 0)
        #expect(run.error.contains("bad.toml:2: screen.fps: expected an integer, got the string \"fast\""), "stderr: \(run.error)")
        #expect(run.error.contains("bad.toml:5: strategies[0].legs[1]: unknown venue \"nowhere\""), "stderr: \(run.error)")
        #expect(run.error.contains("bad.toml:6: strategies[0].target_notional:"), "stderr: \(run.error)")
        #expect(run.error.contains("bad.toml:8: strategies[0].exit:"), "stderr: \(run.error)")
        #expect(run.error.contains("bad.toml:9: strategies[0].stop_los_bps: unknown key (did you mean stop_loss_bps?)"), "stderr: \(run.error)")
        #expect(run.error.contains("5 errors"), "stderr: \(run.error)")
        // Nothing started: no event log printed, no log file made.
        #expect(run.output.isEmpty)
    }

    @Test("broken TOML names its line and column")
    func brokenTOML() throws {
        let run = try hedgetop(["run", "--config", "$DIR/broken.toml", "--headless", "--duration", "1"],
                              files: ["broken.toml": "[screen]\nfps = = 4\n"])
        #expect(run.status != 0)
        #expect(run.error.contains("broken.toml:2:"), "stderr: \(run.error)")
        #expect(run.error.contains("not valid TOML"), "stderr: \(run.error)")
    }

    @Test("the example file runs headless: both strategies start")
    func exampleRuns() throws {
        // The example names its own journal beside itself; a test keeps its journal in its own directory.
        let run = try hedgetop(["run", "--config", Self.root + "/hedgetop.example.toml", "--journal", "$DIR/journal.sqlite",
                                "--headless", "--duration", "1"])
        #expect(run.status == 0, "stderr: \(run.error)")
        #expect(run.output.contains("[btc-calendar] calendar"), "output: \(run.output)")
        #expect(run.output.contains("[btc-calendar-wide] calendar"), "output: \(run.output)")
        #expect(run.output.contains("25000 USD a leg, enter 3.0σ, exit 1.0σ"), "output: \(run.output)")
    }

    @Test("replay --config takes files, contracts and the strategy from the file")
    func replayConfig() throws {
        let feed = Self.data + "/cryptofeed/20210417_BINANCE_DELIVERY.ws.7.0"
        guard FileManager.default.fileExists(atPath: feed) else { return }
        let text = """
        [replay]
        files = ["\(feed)"]
        contracts = ["\(Self.data)/contract_specs/20210417_dapi.binance.com_dapi_v1_exchangeInfo.json"]
        [[strategies]]
        name = "basis-2021"
        kind = "basis"
        legs = ["binance-coinm:BTCUSD_210924", "binance-coinm:BTCUSD_PERP"]
        target_notional = 50000
        entry = "50bps"
        exit = "10bps"
        """
        let run = try hedgetop(["replay", "--config", "$DIR/replay.toml"], files: ["replay.toml": text])
        #expect(run.status == 0, "stderr: \(run.error)")
        #expect(run.output.contains("basis-2021"), "output: \(run.output)")
        #expect(run.output.contains("input: 9645 lines"), "output: \(run.output)")
    }
}
