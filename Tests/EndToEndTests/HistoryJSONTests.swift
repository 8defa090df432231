import Foundation
import Testing

/// `hedgetop history --json` gives its times as ISO-8601 UTC strings.
@Suite("History JSON")
struct HistoryJSONTests {
    @Test("history --json of a replay's journal gives the cycle's open time as ISO-8601 UTC with milliseconds")
    func isoTimes() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-history-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let journal = directory.appendingPathComponent("journal.sqlite").path
        let replay = try HedgetopProcess.run(["replay", ReplayCommandTests.cryptofeed, "--kind", "basis",
                                              "--legs", "binance-coinm:BTCUSD_210924,binance-coinm:BTCUSD_PERP",
                                              "--contracts", ReplayCommandTests.dapi, "--journal", journal])
        #expect(replay.status == 0, "stderr: \(replay.error)")
        let history = try HedgetopProcess.run(["history", "--journal", journal, "--json"])
        #expect(history.status == 0, "stderr: \(history.error)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(history.output.utf8)) as? [[String: Any]])
        let cycle = try #require(rows.first)
        #expect(cycle["strategy"] as? String == "basis-replay")
        // The 2021 basis opens at 16:38:01.329 UTC on 17 April (the recording's own time).
        #expect(cycle["openedAt"] as? String == "2021-04-17T16:38:01.329Z", "\(history.output)")
        #expect(cycle["closedAt"] == nil, "the spread is still open at the end of the data")
        #expect(cycle["entrySpreadBps"] as? String == "1326.32234007")
    }
}
