import Foundation
import Testing

/// `hedgetop replay` as a quant runs it, on the real recordings in ../shared/data.
@Suite("Replay command")
struct ReplayCommandTests {
    static let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../shared/data").standardized.path
    static let cryptofeed = data + "/cryptofeed/20210417_BINANCE_DELIVERY.ws.7.0"
    static let dapi = data + "/contract_specs/20210417_dapi.binance.com_dapi_v1_exchangeInfo.json"

    func hedgetop(_ arguments: [String]) throws -> HedgetopProcess { try HedgetopProcess.run(arguments) }

    func basisArguments(json: String? = nil) -> [String] {
        var arguments = ["replay", Self.cryptofeed, "--kind", "basis", "--legs", "binance-coinm:BTCUSD_210924,binance-coinm:BTCUSD_PERP",
                         "--contracts", Self.dapi]
        if let json { arguments += ["--json", json] }
        return arguments
    }

    @Test("the 2021 basis replay opens the spread, sells the rich future and reports it")
    func basisReplayReports() throws {
        let json = FileManager.default.temporaryDirectory.appendingPathComponent("basis-\(UUID().uuidString).json").path
        defer { unlink(json) }
        let run = try hedgetop(basisArguments(json: json))
        #expect(run.status == 0, "stderr: \(run.error)")
        #expect(run.output.contains("input: 9645 lines"))
        #expect(run.output.contains("entry 1326.3 bps"))
        #expect(run.output.contains("BTCUSD_210924 -566"))
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        let strategies = try #require(report?["strategies"] as? [[String: Any]])
        #expect(strategies.first?["finalState"] as? String == "MONITORING_SPREAD")
    }

    @Test("replaying the same files twice gives identical reports")
    func deterministic() throws {
        let first = try hedgetop(basisArguments()).output
        let second = try hedgetop(basisArguments()).output
        #expect(!first.isEmpty)
        #expect(first == second)
    }

    @Test("a malformed line stops the replay with its file and line under --on-bad-input stop, and is counted under skip")
    func badInputPolicy() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-bad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = directory.appendingPathComponent("quotes.csv")
        try """
        ts_ns,venue,symbol,bid_px,bid_qty,ask_px,ask_qty
        1723161256000000000,binance-usdm,BTCUSDT,61800.1,1.5,61800.2,2.0
        1723161256100000000,binance-usdm,BTCUSDT,61800.1,1.5,oops,2.0
        1723161256200000000,binance-usdm,BTCUSDT,61800.2,1.5,61800.3,2.0
        1723161256300000000,binance-coinm,BTCUSD_PERP,61790.1,100,61790.2,100

        """.write(to: csv, atomically: true, encoding: .utf8)
        let base = ["replay", csv.path, "--kind", "cross", "--legs", "binance-usdm:BTCUSDT,binance-coinm:BTCUSD_PERP"]
        let stopped = try hedgetop(base + ["--on-bad-input", "stop"])
        #expect(stopped.status != 0)
        #expect(stopped.error.contains("quotes.csv:3"), "stderr: \(stopped.error)")
        let skipped = try hedgetop(base)
        #expect(skipped.status == 0, "stderr: \(skipped.error)")
        #expect(skipped.output.contains("1 skipped"), "output: \(skipped.output)")
    }

    @Test("a leg that is not VENUE:SYMBOL is refused with a clear message")
    func badLegs() throws {
        let run = try hedgetop(["replay", Self.cryptofeed, "--kind", "basis", "--legs", "BTCUSD_PERP"])
        #expect(run.status != 0)
        #expect(run.error.contains("VENUE:SYMBOL"))
    }
}
