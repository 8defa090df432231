import Foundation
import Testing

/// `hedgetop run --headless` killed with SIGKILL at many points, restarted on the same journal
/// and venue state, and compared with the venue's truth.
@Suite("Crash recovery", .serialized)
struct CrashRecoveryTests {
    struct Run {
        var status: Int32
        var signalled: Bool
        var output: String
        var error: String
    }

    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    var journal: String { directory.appendingPathComponent("journal.sqlite").path }
    var venueState: String { directory.appendingPathComponent("venues.json").path }

    /// Runs hedgetop; `killAfterWrites` makes it SIGKILL itself after that many durable writes,
    /// `killAfter` kills it from outside after that long, `terminateAfter` sends SIGTERM.
    func hedgetop(_ arguments: [String], killAfterWrites: Int? = nil, killAfter: Duration? = nil, terminateAfter: Duration? = nil) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try TmuxSession.hedgetopPath())
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        if let killAfterWrites { environment["HEDGETOP_TEST_KILL_AFTER_WRITES"] = "\(killAfterWrites)" }
        process.environment = environment
        let out = directory.appendingPathComponent("out-\(UUID().uuidString)"), err = directory.appendingPathComponent("err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        if let wait = killAfter ?? terminateAfter {
            Thread.sleep(forTimeInterval: Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18)
            if process.isRunning { kill(process.processIdentifier, killAfter != nil ? SIGKILL : SIGTERM) }
        }
        process.waitUntilExit()
        return Run(status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
                   output: (try? String(contentsOf: out, encoding: .utf8)) ?? "", error: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    func runArguments(duration: Double, extra: [String] = []) -> [String] {
        ["run", "--headless", "--seed", "42", "--speed", "40", "--duration", "\(duration)", "--journal", journal,
         "--venue-state", venueState, "--log-file", directory.appendingPathComponent("log").path] + extra
    }

    func sqlite(_ query: String) throws -> [String] { try sqliteRows(journal, query) }

    func sqliteRows(_ database: String, _ query: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [database, query]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// The venue's truth: positions by symbol, and every fill's trade id, side, quantity, price, fee.
    func venueTruth() throws -> (positions: [String: Decimal], fills: [Int: String]) {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: venueState))) as? [String: Any]
        var positions: [String: Decimal] = [:]
        var fills: [Int: String] = [:]
        for venue in object?["venues"] as? [[String: Any]] ?? [] {
            for position in venue["positions"] as? [[String: Any]] ?? [] {
                let symbol = ((position["spec"] as? [String: Any])?["id"] as? [String: Any])?["symbol"] as? String ?? "?"
                positions[symbol] = Decimal(string: "\(position["quantity"] ?? "0")") ?? 0
            }
            for order in venue["orders"] as? [[String: Any]] ?? [] {
                for update in order["history"] as? [[String: Any]] ?? [] {
                    guard let filled = update["filled"] as? [String: Any], let fill = filled["_0"] as? [String: Any],
                          let trade = fill["tradeID"] as? Int else { continue }
                    fills[trade] = "\(fill["side"]!)|\(fill["quantity"]!)|\(fill["price"]!)|\(fill["fee"]!)"
                }
            }
        }
        return (positions, fills)
    }

    @Test("killed with SIGKILL at many points, it restarts with no unhedged leg and no fill lost")
    func sigkillAtManyPoints() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        // Self-kills right after a chosen durable write (an intent, a venue save, a fill, a
        // transition...), and kills from outside at odd times.
        var generator = SystemRandomNumberGenerator()
        var killed = 0
        for writes in [3, 9, 17, 26, 41, 58] + (0..<4).map({ _ in Int.random(in: 5...80, using: &generator) }) {
            let run = try hedgetop(runArguments(duration: 20), killAfterWrites: writes)
            #expect(run.error.isEmpty || run.error.contains("recovery found") || run.signalled, "stderr: \(run.error)")
            if run.signalled { killed += 1 }
        }
        for millis in [700, 1300, 2100] {
            let run = try hedgetop(runArguments(duration: 20), killAfter: .milliseconds(millis))
            if run.signalled { killed += 1 }
        }
        #expect(killed >= 8)
        // A last run lets recovery settle and flattens on exit.
        let last = try hedgetop(runArguments(duration: 3, extra: ["--on-exit", "flatten"]))
        #expect(last.status == 0, "stderr: \(last.error)\n\(last.output.suffix(2000))")

        // No unhedged leg: the venue is flat everywhere.
        let truth = try venueTruth()
        #expect(!truth.positions.isEmpty)
        for (symbol, quantity) in truth.positions { #expect(quantity == 0, "venue holds \(quantity) \(symbol)") }
        // No fill lost: every venue fill is in the journal, exactly once, with the same figures.
        let rows = try sqlite("SELECT trade_id, side, quantity, price, fee FROM fills WHERE trade_id IS NOT NULL")
        var journaled: [Int: String] = [:]
        for row in rows {
            let parts = row.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            let trade = Int(parts[0])!
            #expect(journaled[trade] == nil, "trade \(trade) journaled twice")
            journaled[trade] = parts.dropFirst().joined(separator: "|")
        }
        #expect(truth.fills.count >= 4)
        for (trade, figures) in truth.fills {
            #expect(journaled[trade] == figures, "venue trade \(trade) \(figures); journal \(journaled[trade] ?? "missing")")
        }
        // PnL consistent: the journal's positions net to flat per leg, every cycle it opened is
        // closed, and history prints them.
        let open = try sqlite("SELECT symbol, SUM(CASE side WHEN 'buy' THEN quantity ELSE -quantity END) FROM fills GROUP BY symbol")
        // (SQLite sums the text quantities as doubles: within 1e-9 is flat; a lot is 0.001.)
        for row in open { #expect(abs(Double(row.split(separator: "|").last ?? "1") ?? 1) < 1e-9, "journal leg not flat: \(row)") }
        #expect(try sqlite("SELECT COUNT(*) FROM cycles WHERE opened_at IS NOT NULL AND closed_at IS NULL") == ["0"])
        let history = try hedgetop(["history", "--journal", journal])
        #expect(history.status == 0)
        #expect(history.output.contains("btc-calendar"))
    }

    @Test("a paper run's cycles are in history; SIGTERM with --on-exit flatten leaves the venue flat")
    func historyAfterPaperRunAndFlattenOnTerm() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try hedgetop(runArguments(duration: 30, extra: ["--on-exit", "flatten"]), terminateAfter: .seconds(6))
        #expect(run.status == 0, "stderr: \(run.error)")
        for (symbol, quantity) in try venueTruth().positions { #expect(quantity == 0, "venue holds \(quantity) \(symbol)") }
        let history = try hedgetop(["history", "--journal", journal])
        #expect(history.status == 0, "stderr: \(history.error)")
        #expect(history.output.contains("btc-calendar"))
        #expect(history.output.range(of: #"\d+ cycles, net [+-]\d+\.\d\d USD"#, options: .regularExpression) != nil, "\(history.output)")
        let json = try hedgetop(["history", "--journal", journal, "--json"])
        #expect(json.output.contains("\"netPnL\""))
    }

    @Test("a second hedgetop on the same journal is refused and does not trade")
    func lockedJournalRefused() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: try TmuxSession.hedgetopPath())
        holder.arguments = runArguments(duration: 8)
        holder.standardOutput = FileHandle.nullDevice
        try holder.run()
        defer { if holder.isRunning { kill(holder.processIdentifier, SIGKILL) }; holder.waitUntilExit() }
        Thread.sleep(forTimeInterval: 1.5)
        let second = try hedgetop(runArguments(duration: 2))
        #expect(second.status != 0)
        #expect(second.error.contains("locked by another process"), "stderr: \(second.error)")
        #expect(second.error.contains("not trading"))
    }

    @Test("two journals in one directory each keep their own venue state; another journal's is refused")
    func venueStatePerJournal() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        func run(_ journal: String, _ extra: [String] = []) throws -> Run {
            try hedgetop(["run", "--headless", "--scenario", "basis", "--seed", "42", "--speed", "40", "--duration", "4",
                          "--journal", directory.appendingPathComponent(journal).path,
                          "--log-file", directory.appendingPathComponent("log").path] + extra)
        }
        let a = try run("a.sqlite")
        #expect(a.status == 0, "stderr: \(a.error)")
        let aState = directory.appendingPathComponent("a.venues-basis.json")
        let aBytes = try Data(contentsOf: aState)
        let b = try run("b.sqlite")
        #expect(b.status == 0, "stderr: \(b.error)")
        #expect(!b.error.contains("recovery found"), "stderr: \(b.error)")
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("b.venues-basis.json").path))
        #expect(try Data(contentsOf: aState) == aBytes, "b's run changed a's venue state")
        // b's journal holds only b's fills: none adopted from a.
        let adopted = try sqliteRows(directory.appendingPathComponent("b.sqlite").path, "SELECT COUNT(*) FROM reconciliations")
        #expect(adopted == ["0"])
        // Pointing c at a's venue state: refused, nothing traded, a's file untouched.
        let c = try run("c.sqlite", ["--venue-state", aState.path])
        #expect(c.status != 0)
        #expect(c.error.contains("belongs to another journal") && c.error.contains("not trading"), "stderr: \(c.error)")
        #expect(try Data(contentsOf: aState) == aBytes)
    }
}
