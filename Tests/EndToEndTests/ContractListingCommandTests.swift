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

    /// The next `count` quarterly deliveries after `date`: 08:00 UTC on the last Friday of March,
    /// June, September and December, as Binance and Bybit deliver.
    static func quarterlies(after date: Date, count: Int) -> [Date] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var year = calendar.component(.year, from: date)
        var month = 3
        var found: [Date] = []
        while found.count < count {
            let firstOfNext = calendar.date(from: DateComponents(year: month == 12 ? year + 1 : year, month: month == 12 ? 1 : month + 1, day: 1))!
            var day = calendar.date(byAdding: .day, value: -1, to: firstOfNext)!
            while calendar.component(.weekday, from: day) != 6 { day = calendar.date(byAdding: .day, value: -1, to: day)! }
            let delivery = day.addingTimeInterval(8 * 3600)
            if delivery > date { found.append(delivery) }
            month += 3
            if month > 12 { month = 3; year += 1 }
        }
        return found
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
        let listed = Self.quarterlies(after: tenDaysAgo, count: 2)
        let near = "BTCUSDT_" + Self.yymmdd(listed[0]), far = "BTCUSDT_" + Self.yymmdd(listed[1])
        #expect(later.output.contains("calendar sim:\(far) / sim:\(near),"), "stdout:\n\(later.output)")

        let longAgo = tenDaysAgo.addingTimeInterval(-200 * 86_400)
        try setCreatedAt(longAgo)
        let expired = try run()
        #expect(expired.status == 0, "stderr: \(expired.error)")
        // Deliveries are at most 14 weeks apart: both quarterlies listed 210 days ago have delivered.
        let gone = Self.quarterlies(after: longAgo, count: 2).map { "BTCUSDT_" + Self.yymmdd($0) }
        #expect(expired.error.contains("sim:\(gone[0]) (expired ") && expired.error.contains("sim:\(gone[1]) (expired "), "stderr: \(expired.error)")
        #expect(expired.error.contains("expired while nothing ran, with nothing held in them; trading contracts listed from now"), "stderr: \(expired.error)")
        #expect(Double(try createdAt()) / 1e9 >= before.timeIntervalSince1970 - 1)
    }
}
