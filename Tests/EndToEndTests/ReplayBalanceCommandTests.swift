import Foundation
import Testing

/// `hedgetop replay --balance` and the legs' checks on the command line, on the 2021 COIN-M
/// recording: a coin-margined replay can be given its coin, and a strategy the config file
/// would refuse is refused here too, naming the option.
@Suite("Replay balances and legs on the command line")
struct ReplayBalanceCommandTests {
    static let cryptofeed = ReplayCommandTests.cryptofeed
    static let dapi = ReplayCommandTests.dapi

    func hedgetop(_ arguments: [String], files: [String: String] = [:]) throws -> HedgetopProcess {
        try HedgetopProcess.run(arguments, files: files)
    }

    func basis(_ extra: [String]) -> [String] {
        ["replay", Self.cryptofeed, "--kind", "basis", "--legs", "binance-coinm:BTCUSD_210924,binance-coinm:BTCUSD_PERP",
         "--contracts", Self.dapi] + extra
    }

    @Test("too little coin: the report counts the margin refusals and names --balance; giving it opens the spread")
    func balanceRemedy() throws {
        let short = try hedgetop(basis(["--balance", "binance-coinm:BTC=0.01"]))
        #expect(short.status == 0, "stderr: \(short.error)")
        #expect(short.output.contains("no trades: the entry band was reached on "), "\(short.output)")
        #expect(short.output.contains("; not taken: margin "), "\(short.output)")
        #expect(short.output.contains("BTC, 0.01 free: give --balance binance-coinm:BTC=1 or balances in [venues.binance-coinm] of the config)"), "\(short.output)")

        let funded = try hedgetop(basis(["--balance", "binance-coinm:BTC=1"]))
        #expect(funded.status == 0, "stderr: \(funded.error)")
        #expect(funded.output.contains("entry 1326.3 bps"), "\(funded.output)")
        #expect(funded.output.contains("entries looked at, by quote while scanning: ") && funded.output.contains("detected 1, opened 1"), "\(funded.output)")
    }

    @Test("a bad --balance is refused before anything runs: its form, its amount, its sign, its venue")
    func balanceValidation() throws {
        for (value, message) in [("binance-coinm=6", "--balance takes VENUE:ASSET=AMOUNT (e.g. binance-coinm:BTC=2), got \"binance-coinm=6\""),
                                 ("binance-coinm:BTC=lots", "--balance binance-coinm:BTC=lots: \"lots\" is not an amount of BTC"),
                                 ("binance-coinm:BTC=-2", "--balance binance-coinm:BTC=-2: -2 is negative; a starting balance is 0 or more"),
                                 ("binance-usdm:USDT=5", "--balance: unknown venue \"binance-usdm\" in binance-usdm:USDT=5: the legs trade on binance-coinm")] {
            let run = try hedgetop(basis(["--balance", value]))
            #expect(run.status != 0)
            #expect(run.error.contains(message), "stderr: \(run.error)")
            #expect(!run.output.contains("replay 20"), "nothing ran: \(run.output)")
        }
    }

    @Test("a calendar with a perpetual leg is refused on the command line as in a file, each naming its own key")
    func perpetualCalendar() throws {
        let problem = "a calendar spread needs two dated futures (binance-coinm:BTCUSD_210924, binance-coinm:BTCUSD_PERP); a dated future against a perpetual is a basis spread"
        let alone = try hedgetop(["replay", Self.cryptofeed, "--kind", "calendar", "--legs", "binance-coinm:BTCUSD_210924,binance-coinm:BTCUSD_PERP",
                                  "--contracts", Self.dapi])
        #expect(alone.status == 1)
        #expect(alone.error.contains("hedgetop: --legs: \(problem)"), "stderr: \(alone.error)")

        let file = """
        [replay]
        files = ["\(Self.cryptofeed)"]
        contracts = ["\(Self.dapi)"]
        [[strategies]]
        kind = "calendar"
        legs = ["binance-coinm:BTCUSD_210924", "binance-coinm:BTCUSD_PERP"]
        target_notional = 50000
        entry = "2z"
        exit = "0.5z"
        """
        let configured = try hedgetop(["replay", "--config", "$DIR/replay.toml"], files: ["replay.toml": file])
        #expect(configured.status == 1)
        #expect(configured.error.contains("replay.toml:6: strategies[0].legs: \(problem)"), "stderr: \(configured.error)")

        let basisFile = file.replacingOccurrences(of: "kind = \"calendar\"", with: "kind = \"basis\"")
        let kindOver = try hedgetop(["replay", "--config", "$DIR/replay.toml", "--kind", "calendar"], files: ["replay.toml": basisFile])
        #expect(kindOver.status == 1)
        #expect(kindOver.error.contains("replay.toml: --kind: \(problem)"), "stderr: \(kindOver.error)")
    }
}
