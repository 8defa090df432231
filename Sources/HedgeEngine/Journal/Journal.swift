import Foundation
import GRDB
import HedgeCore

/// The trading journal: an SQLite file (WAL, `synchronous = FULL`) where an order's intent is
/// written before the order is sent, then its fills, the state transitions, cycle results,
/// funding, commands and errors. It is what `hedgetop history` reads and what recovery rebuilds
/// from. Every write is its own transaction, durable when the call returns.
public final class Journal {
    public let path: String
    /// A pool (WAL) when writing; a single read-only connection for `Journal(readingAt:)`.
    let database: any DatabaseWriter
    #if DEBUG
    /// Test seam of the engine's safe-mode tests, in debug builds only: when set, every write
    /// fails with this reason.
    var injectedFailure: String?
    #endif

    /// Opens (creating if needed) the journal at `path`; a new one records `createdAt` (default:
    /// now) as its creation time, which the paper scenarios' dated contracts count from.
    public init(path: String, createdAt: Timestamp = .wallClockNow()) throws(JournalError) {
        self.path = path
        // A newer schema is refused before the pool opens: opening it would already switch the
        // file to WAL and create its -wal and -shm files.
        if FileManager.default.fileExists(atPath: path) {
            let found = try Self.readOnlyQueue(path: path).schemaVersion(path: path)
            if found > Self.schemaVersion { throw Self.newerSchema(path: path, found: found) }
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(2)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        // A new journal is created 0600 here, before SQLite opens it: SQLite gives its -wal and
        // -shm files the database's mode, and the journal holds positions and PnL.
        let created = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if created >= 0 { close(created) }
        do {
            database = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw JournalError(path: path, reason: Self.explain(error))
        }
        try migrate(createdAt: createdAt)
    }

    /// Opens the journal at `path` only to read it (`hedgetop history`): nothing is written or
    /// created beside it, so it works on a read-only file, directory or mount. A missing file
    /// and a newer schema are refused.
    public init(readingAt path: String) throws(JournalError) {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else { throw JournalError(path: path, reason: "no such file") }
        let queue = try Self.readOnlyQueue(path: path)
        let found = try queue.schemaVersion(path: path)
        if found > Self.schemaVersion { throw Self.newerSchema(path: path, found: found) }
        database = queue
    }

    /// A read-only connection that creates no file: SQLite's `mode=ro`, and `immutable=1` when
    /// no writer has a -wal file open beside it (a WAL-mode file opened read-only would otherwise
    /// create its -wal and -shm files, or fail where it cannot).
    private static func readOnlyQueue(path: String) throws(JournalError) -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(2)
        let live = FileManager.default.fileExists(atPath: path + "-wal")
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        let escaped = absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute
        do {
            let queue = try DatabaseQueue(path: "file:\(escaped)?mode=ro" + (live ? "" : "&immutable=1"), configuration: configuration)
            try queue.read { db in _ = try Int.fetchOne(db, sql: "PRAGMA user_version") }
            return queue
        } catch {
            // An SQLite built without URI filenames: read-only still, by the open flag alone.
            do { return try DatabaseQueue(path: path, configuration: configuration) } catch {
                throw JournalError(path: path, reason: Self.explain(error))
            }
        }
    }

    static func newerSchema(path: String, found: Int) -> JournalError {
        JournalError(path: path, reason: "written by a newer hedgetop (schema \(found), this one reads up to \(Self.schemaVersion)); upgrade hedgetop or use another --journal")
    }

    /// Turns SQLite's codes into what a trader can act on.
    static func explain(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_NOTADB, .SQLITE_CORRUPT:
                return "not a hedgetop journal or corrupt (\(error.message ?? "\(error.resultCode)")); move it aside to start a new one"
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                return "locked by another process (another hedgetop on the same journal?)"
            case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY:
                return "cannot open for writing (\(error.message ?? "\(error.resultCode)")); check the path and its permissions"
            default:
                return error.message ?? "\(error)"
            }
        }
        return "\(error)"
    }

    /// Brings the file to `schemaVersion` through `Journal.migrator`; a new journal also
    /// records when it was created. A file from a newer schema is refused before anything is written.
    private func migrate(createdAt: Timestamp) throws(JournalError) {
        do {
            let migrator = Self.migrator
            let (found, migrated) = try database.read { db in
                (try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0, try migrator.hasCompletedMigrations(db))
            }
            if found > Self.schemaVersion { throw Self.newerSchema(path: path, found: found) }
            guard !migrated else { return }
            try migrator.migrate(database)
            if found == 0 {
                try database.write { db in
                    try db.execute(sql: "INSERT OR IGNORE INTO meta (key, value) VALUES ('created_at', ?)", arguments: [createdAt.nanoseconds])
                }
            }
        } catch let error as JournalError {
            throw error
        } catch {
            throw JournalError(path: path, reason: Self.explain(error))
        }
    }

    private func write(_ sql: String, _ arguments: StatementArguments) throws(JournalError) {
        try transaction { db in try db.execute(sql: sql, arguments: arguments) }
    }

    /// One durable transaction; a failure names the file and the cause.
    func transaction(_ body: (Database) throws -> Void) throws(JournalError) {
        #if DEBUG
        if let injectedFailure { throw JournalError(path: path, reason: "write failed: \(injectedFailure)") }
        #endif
        do {
            try database.write { db in try body(db) }
        } catch {
            throw JournalError(path: path, reason: "write failed: \(Self.explain(error))")
        }
    }

    // MARK: - Writing

    /// Records an order before it is sent: if the process dies now, recovery knows to ask the venue.
    func orderIntent(_ order: OrderRequest, strategy: String, at time: Timestamp) throws(JournalError) {
        try write("""
            INSERT INTO orders (id, strategy, leg, venue, symbol, side, quantity, purpose, reduce_only, intent_at, status, filled, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'intent', '0', ?)
            """, [order.id.rawValue, strategy, order.leg.description, order.instrument.venue, order.instrument.symbol,
                  order.side.rawValue, order.quantity.description, order.purpose.rawValue, order.reduceOnly,
                  time.nanoseconds, time.nanoseconds])
    }

    /// Records a venue's answer: fills go to `fills`, and the order's status follows.
    /// A fill of no order the journal holds (a liquidation, a settlement) names its instrument.
    func orderUpdate(_ update: OrderUpdate, strategy: String, leg: Leg, instrument: InstrumentID? = nil, at time: Timestamp) throws(JournalError) {
        let id = update.orderID.rawValue
        switch update {
        case .accepted:
            try write("UPDATE orders SET status = 'accepted', updated_at = ? WHERE id = ? AND status = 'intent'", [time.nanoseconds, id])
        case .filled(let fill, let remaining):
            try transaction { db in
                    let row = try Row.fetchOne(db, sql: "SELECT venue, symbol FROM orders WHERE id = ?", arguments: [id])
                    let venue: String? = instrument?.venue ?? row?["venue"]
                    let symbol: String? = instrument?.symbol ?? row?["symbol"]
                    try db.execute(sql: """
                        INSERT INTO fills (order_id, strategy, leg, side, price, quantity, fee, liquidity, time, venue, symbol, trade_id)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [id, strategy, leg.description, fill.side.rawValue, fill.price.description,
                                         fill.quantity.description, fill.fee.description, fill.liquidity.rawValue, fill.time.nanoseconds,
                                         venue, symbol, fill.tradeID.map { Int64(bitPattern: $0) }])
                    let filled = try String.fetchOne(db, sql: "SELECT filled FROM orders WHERE id = ?", arguments: [id])
                        .flatMap { FixedDecimal($0) } ?? .zero
                    let total = (try? filled + fill.quantity) ?? filled
                    try db.execute(sql: "UPDATE orders SET filled = ?, status = ?, updated_at = ? WHERE id = ?",
                                   arguments: [total.description, remaining.isZero ? "filled" : "partial", time.nanoseconds, id])
            }
        case .rejected(_, let reason):
            try write("UPDATE orders SET status = 'rejected', reason = ?, updated_at = ? WHERE id = ?", [reason, time.nanoseconds, id])
        case .cancelled(_, let filled, let reason):
            try write("UPDATE orders SET status = 'cancelled', filled = ?, reason = ?, updated_at = ? WHERE id = ?",
                      [filled.description, reason, time.nanoseconds, id])
        }
    }

    public func transition(_ transition: Transition, strategy: String) throws(JournalError) {
        try write("INSERT INTO transitions (strategy, from_state, to_state, reason, time) VALUES (?, ?, ?, ?, ?)",
                  [strategy, transition.from.rawValue, transition.to.rawValue, transition.reason, transition.time.nanoseconds])
    }

    public func cycle(_ event: CycleEvent, strategy: String) throws(JournalError) {
        switch event {
        case .opened(let spread, let time):
            try write("INSERT INTO cycles (strategy, opened_at, entry_spread_bps) VALUES (?, ?, ?)",
                      [strategy, time.nanoseconds, spread.description])
        case .closed(let spread, let net, let reason, let time):
            try transaction { db in
                    let open = try Int64.fetchOne(db, sql: "SELECT seq FROM cycles WHERE strategy = ? AND closed_at IS NULL ORDER BY seq DESC LIMIT 1",
                                                  arguments: [strategy])
                    if let open {
                        try db.execute(sql: "UPDATE cycles SET closed_at = ?, exit_spread_bps = ?, net_pnl = ?, reason = ? WHERE seq = ?",
                                       arguments: [time.nanoseconds, spread?.description, net.description, reason, open])
                    } else {
                        try db.execute(sql: "INSERT INTO cycles (strategy, closed_at, exit_spread_bps, net_pnl, reason) VALUES (?, ?, ?, ?, ?)",
                                       arguments: [strategy, time.nanoseconds, spread?.description, net.description, reason])
                    }
            }
        }
    }

    public func funding(strategy: String, leg: Leg, amount: FixedDecimal, rate: FixedDecimal, at time: Timestamp) throws(JournalError) {
        try write("INSERT INTO funding (strategy, leg, amount, rate, time) VALUES (?, ?, ?, ?, ?)",
                  [strategy, leg.description, amount.description, rate.description, time.nanoseconds])
    }

    /// Records a command's answer; `action` is the command's stable journal name
    /// (`StrategyCommand.journalAction`), which recovery reads back.
    public func command(_ acknowledgement: CommandAcknowledgement, strategy: String?, action: String? = nil) throws(JournalError) {
        try write("INSERT INTO commands (command_id, strategy, accepted, message, time, action) VALUES (?, ?, ?, ?, ?, ?)",
                  [Int64(bitPattern: acknowledgement.commandID), strategy, acknowledgement.accepted, acknowledgement.text,
                   acknowledgement.time.nanoseconds, action])
    }

    public func error(_ message: String, strategy: String?, at time: Timestamp) throws(JournalError) {
        try write("INSERT INTO errors (strategy, message, time) VALUES (?, ?, ?)", [strategy, message, time.nanoseconds])
    }

    // MARK: - Reading

    /// A cycle as the journal holds it.
    public struct CycleRow: Sendable, Hashable, Codable {
        public var strategy: String
        public var openedAt: Timestamp?
        public var entrySpreadBps: FixedDecimal?
        public var closedAt: Timestamp?
        public var exitSpreadBps: FixedDecimal?
        public var netPnL: FixedDecimal?
        public var reason: String?
    }

    /// Every cycle, oldest first.
    public func cycles() throws(JournalError) -> [CycleRow] {
        do {
            return try database.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM cycles ORDER BY seq").map { row in
                    CycleRow(
                        strategy: row["strategy"],
                        openedAt: (row["opened_at"] as Int64?).map(Timestamp.init(nanoseconds:)),
                        entrySpreadBps: (row["entry_spread_bps"] as String?).flatMap(FixedDecimal.init),
                        closedAt: (row["closed_at"] as Int64?).map(Timestamp.init(nanoseconds:)),
                        exitSpreadBps: (row["exit_spread_bps"] as String?).flatMap(FixedDecimal.init),
                        netPnL: (row["net_pnl"] as String?).flatMap(FixedDecimal.init),
                        reason: row["reason"])
                }
            }
        } catch {
            throw JournalError(path: path, reason: "read failed: \(Self.explain(error))")
        }
    }

    /// How many rows each table holds, for a summary.
    public func counts() throws(JournalError) -> [String: Int] {
        do {
            return try database.read { db in
                var counts: [String: Int] = [:]
                for table in ["orders", "fills", "transitions", "cycles", "funding", "commands", "errors", "reconciliations"] {
                    counts[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0
                }
                return counts
            }
        } catch {
            throw JournalError(path: path, reason: "read failed: \(Self.explain(error))")
        }
    }
}

extension DatabaseQueue {
    /// The file's `user_version`: the journal schema it was written with (0: none yet).
    fileprivate func schemaVersion(path: String) throws(JournalError) -> Int {
        do {
            return try read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0 }
        } catch {
            throw JournalError(path: path, reason: Journal.explain(error))
        }
    }
}

/// A journal problem, naming the file and what to do.
public struct JournalError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String { "journal \(path): \(reason)" }
}
