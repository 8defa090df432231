import Foundation
import Testing

/// `hedgetop run` lists the paper scenario's dated contracts at the journal's creation, whatever
/// day it starts: the symbols a journal's positions are held in stay the ones traded.
@Suite("run: dated contracts follow the journal", .serialized)
struct ContractListingCommandTests {
    static func yymmdd(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyMMdd"
        return formatter.string(from: date)
    }

    @Test("a journal created 10 days ago trades its own contracts; one whose contracts expired, holding nothing, lists new ones and says so")
    func contractsFollowTheJournal() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-listing-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let journal = directory + "/j.sqlite"
        func run() throws -> HedgetopProcess {
            try HedgetopProcess.run(["run", "--headless", "--duration", "0.3", "--journal", journal, "--log-file", "$DIR/log"])
        }
        func createdAt() throws -> Int64 {
            let query = try CommandRun("/usr/bin/sqlite3", [journal, "SELECT value FROM meta WHERE key = 'created_at'"])
            return try #require(Int64(query.output.trimmingCharacters(in: .whitespacesAndNewlines)), "meta: \(query.output)\(query.error)")
        }
        func setCreatedAt(_ date: Date) throws {
            let nanoseconds = Int64(date.timeIntervalSince1970) * 1_000_000_000
            let update = try CommandRun("/usr/bin/sqlite3", [journal, "UPDATE meta SET value = '\(nanoseconds)' WHERE key = 'created_at'"])
            #expect(update.status == 0, "\(update.error)")
        }

        let before = Date()
        let first = try run()
        #expect(first.status == 0, "stderr: \(first.error)")
        let created = Double(try createdAt()) / 1e9
        #expect(abs(created - before.timeIntervalSince1970) < 30, "created_at \(created), started \(before)")

        let tenDaysAgo = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 86_400).rounded(.down) * 86_400 - 10 * 86_400)
        try setCreatedAt(tenDaysAgo)
        let later = try run()
        #expect(later.status == 0, "stderr: \(later.error)")
        let near = "BTCUSDT_" + Self.yymmdd(tenDaysAgo.addingTimeInterval(30 * 86_400))
        let far = "BTCUSDT_" + Self.yymmdd(tenDaysAgo.addingTimeInterval(120 * 86_400))
        #expect(later.output.contains("calendar sim:\(far) / sim:\(near),"), "stdout:\n\(later.output)")

        let longAgo = tenDaysAgo.addingTimeInterval(-200 * 86_400)
        try setCreatedAt(longAgo)
        let expired = try run()
        #expect(expired.status == 0, "stderr: \(expired.error)")
        let gone = ["BTCUSDT_" + Self.yymmdd(longAgo.addingTimeInterval(30 * 86_400)), "BTCUSDT_" + Self.yymmdd(longAgo.addingTimeInterval(120 * 86_400))]
        #expect(expired.error.contains("sim:\(gone[0]) (expired ") && expired.error.contains("sim:\(gone[1]) (expired "), "stderr: \(expired.error)")
        #expect(expired.error.contains("expired while nothing ran, with nothing held in them; trading contracts listed from now"), "stderr: \(expired.error)")
        #expect(Double(try createdAt()) / 1e9 >= before.timeIntervalSince1970 - 1)
    }
}
