import Foundation
import Testing

/// `hedgetop replay --csv DIR` as a quant runs it, on the real recordings in ../shared/data.
@Suite("Replay --csv")
struct ReplayCSVCommandTests {
    static let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../shared/data").standardized.path
    static let arguments = ["replay", data + "/cryptofeed/20210417_BINANCE_DELIVERY.ws.7.0", "--kind", "basis",
                            "--legs", "binance-coinm:BTCUSD_210924,binance-coinm:BTCUSD_PERP",
                            "--contracts", data + "/contract_specs/20210417_dapi.binance.com_dapi_v1_exchangeInfo.json"]

    @Test("--csv DIR writes fills.csv, cycles.csv and equity.csv; two runs give identical CSV and byte-identical JSON")
    func csvFilesTwice() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-csv-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var outputs: [[String]] = []
        for run in ["first", "second"] {
            let result = try HedgetopProcess.run(Self.arguments + ["--csv", "\(directory)/\(run)", "--json", "\(directory)/\(run).json"])
            #expect(result.status == 0, "stderr: \(result.error)")
            #expect(result.output.contains("fills (2;"))
            #expect(result.output.contains("sha256 "))
            outputs.append(try ["fills.csv", "cycles.csv", "equity.csv"].map { try String(contentsOfFile: "\(directory)/\(run)/\($0)", encoding: .utf8) }
                           + [String(contentsOfFile: "\(directory)/\(run).json", encoding: .utf8)])
        }
        #expect(outputs[0] == outputs[1])
        let fills = outputs[0][0].components(separatedBy: "\r\n")
        #expect(fills.first?.hasPrefix("strategy,cycle,time_ns,time,order_id,leg,instrument,purpose,side,quantity,notional,vwap") == true)
        #expect(fills.filter { !$0.isEmpty }.count == 3)
    }

    @Test("--csv refuses a directory it cannot create before the replay runs, exit 1 with the reason")
    func csvRefusedAtOnce() throws {
        let result = try HedgetopProcess.run(Self.arguments + ["--csv", "$DIR/blocker/csv"], files: ["blocker": "a file, not a directory"])
        #expect(result.status == 1)
        #expect(result.error.contains("--csv"))
        #expect(result.error.contains("cannot create the directory"))
        #expect(result.output.isEmpty)
    }
}
