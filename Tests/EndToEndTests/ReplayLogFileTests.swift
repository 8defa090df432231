import Foundation
import Testing

/// `hedgetop replay --log-file FILE` writes the replay's event log to FILE, as `run` does.
@Suite("Replay log file")
struct ReplayLogFileTests {
    @Test("a replay with --log-file writes its event log there and prints its report as before")
    func replayWritesItsLog() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-replay-log-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("logs/replay.log").path
        let run = try HedgetopProcess.run(["replay", ReplayCommandTests.cryptofeed, "--kind", "basis",
                                           "--legs", "binance-coinm:BTCUSD_210924,binance-coinm:BTCUSD_PERP",
                                           "--contracts", ReplayCommandTests.dapi, "--log-file", log])
        #expect(run.status == 0, "stderr: \(run.error)")
        #expect(run.output.contains("entry 1326.3 bps"))
        let text = try String(contentsOfFile: log, encoding: .utf8)
        // The event log's entries, the same words the screen's log shows: the spread seen and opened.
        #expect(text.contains("basis-replay"), "\(text)")
        #expect(text.contains("SPREAD_DETECTED") || text.contains("detected"), "\(text)")
        let mode = try FileManager.default.attributesOfItem(atPath: log)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}
