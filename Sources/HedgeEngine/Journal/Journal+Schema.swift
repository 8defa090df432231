import Foundation
import GRDB

/// The journal's schema: one GRDB migration per version, in the order the versions shipped.
/// A migration is never edited once released; a new version is a new migration at the end.
extension Journal {
    /// The schema this build writes. A file from a newer schema is refused, never rewritten.
    static let schemaVersion = 4

    /// Every migration from an empty file to `schemaVersion`, each registered with `version`.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.register(version: 1) { db in
            // Version 1: orders from their intent on, fills, transitions, cycles, funding,
            // commands and errors.
            try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS orders (
                id TEXT PRIMARY KEY, strategy TEXT NOT NULL, leg TEXT NOT NULL, venue TEXT NOT NULL,
                symbol TEXT NOT NULL, side TEXT NOT NULL, quantity TEXT NOT NULL, purpose TEXT NOT NULL,
                reduce_only INTEGER NOT NULL, intent_at INTEGER NOT NULL,
                status TEXT NOT NULL, filled TEXT NOT NULL, reason TEXT, updated_at INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS fills (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, order_id TEXT NOT NULL, strategy TEXT NOT NULL,
                leg TEXT NOT NULL, side TEXT NOT NULL, price TEXT NOT NULL, quantity TEXT NOT NULL,
                fee TEXT NOT NULL, liquidity TEXT NOT NULL, time INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS transitions (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, strategy TEXT NOT NULL, from_state TEXT NOT NULL,
                to_state TEXT NOT NULL, reason TEXT NOT NULL, time INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS cycles (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, strategy TEXT NOT NULL, opened_at INTEGER,
                entry_spread_bps TEXT, closed_at INTEGER, exit_spread_bps TEXT, net_pnl TEXT, reason TEXT);
            CREATE TABLE IF NOT EXISTS funding (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, strategy TEXT NOT NULL, leg TEXT NOT NULL,
                amount TEXT NOT NULL, rate TEXT NOT NULL, time INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS commands (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, command_id INTEGER NOT NULL, strategy TEXT,
                accepted INTEGER NOT NULL, message TEXT NOT NULL, time INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS errors (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, strategy TEXT, message TEXT NOT NULL, time INTEGER NOT NULL);
            """)
        }
        migrator.register(version: 2) { db in
            // Version 2: fills name their venue, symbol and the venue's trade id (so
            // recovery can tell which venue fills the journal already holds), and
            // reconciliations record every difference recovery found with the venue.
            try db.execute(sql: """
            ALTER TABLE fills ADD COLUMN venue TEXT;
            ALTER TABLE fills ADD COLUMN symbol TEXT;
            ALTER TABLE fills ADD COLUMN trade_id INTEGER;
            CREATE INDEX IF NOT EXISTS fills_by_trade ON fills (venue, trade_id);
            CREATE TABLE IF NOT EXISTS reconciliations (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, strategy TEXT, venue TEXT NOT NULL, symbol TEXT NOT NULL,
                journal_quantity TEXT NOT NULL, venue_quantity TEXT NOT NULL, action TEXT NOT NULL, time INTEGER NOT NULL);
            """)
        }
        migrator.register(version: 3) { db in
            // Version 3: the journal's identity, a random id the venue state saved for
            // this journal carries, so another journal's venue state is refused.
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            try db.execute(sql: "INSERT OR IGNORE INTO meta (key, value) VALUES ('journal_id', ?)",
                           arguments: [UUID().uuidString.lowercased()])
        }
        migrator.register(version: 4) { db in
            // Version 4: an accepted command's action ("pause", "resume", "kill", ...),
            // so a restart keeps the trader's pause and kill switch. Older rows: NULL.
            try db.execute(sql: "ALTER TABLE commands ADD COLUMN action TEXT")
        }
        return migrator
    }
}

extension DatabaseMigrator {
    /// Registers the migration to journal schema `version` as "v`version`"; it also sets
    /// `user_version`, which is what refuses a newer file and what hedgetop read before the
    /// migrator. A journal written then has no `grdb_migrations` table, only its `user_version`:
    /// a version it already holds is marked as applied without running again.
    fileprivate mutating func register(version: Int, _ migration: @escaping @Sendable (Database) throws -> Void) {
        registerMigration("v\(version)") { db in
            guard (try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0) < version else { return }
            try migration(db)
            try db.execute(sql: "PRAGMA user_version = \(version)")
        }
    }
}
