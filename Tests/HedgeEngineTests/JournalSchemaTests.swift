import Foundation
import GRDB
@testable import HedgeCore
import Testing
@testable import HedgeEngine

/// Journals written by every earlier schema (Fixtures/journal-schema-N.db, see the README there)
/// open, migrate to today's schema and keep every row.
@Suite("Journal schema")
final class JournalSchemaTests {
    static let strategy = "btc-calendar"
    /// This test's journals; removed when it ends.
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("journal-schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// A copy of the fixture written by `schema`: the bundle's file is never opened.
    func fixture(schema: Int) throws -> String {
        let source = try #require(Bundle.module.url(forResource: "journal-schema-\(schema)", withExtension: "db", subdirectory: "Fixtures"))
        let path = folder.appendingPathComponent("schema-\(schema).sqlite").path
        try FileManager.default.copyItem(atPath: source.path, toPath: path)
        return path
    }

    func freshJournalPath() -> String {
        folder.appendingPathComponent("fresh-\(UUID().uuidString).sqlite").path
    }

    /// Every row of every table, oldest first, as column → value.
    func rows(_ path: String) throws -> [String: [[String: DatabaseValue]]] {
        try DatabaseQueue(path: path).read { db in
            var rows: [String: [[String: DatabaseValue]]] = [:]
            for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") {
                rows[table] = try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY rowid").map { row in
                    Dictionary(uniqueKeysWithValues: row.columnNames.map { ($0, row[$0] as DatabaseValue) })
                }
            }
            return rows
        }
    }

    /// The schema as `sqlite_master` holds it (type, name, table, SQL text), and `user_version`.
    func schema(_ path: String) throws -> (objects: [String], version: Int) {
        try DatabaseQueue(path: path).read { db in
            let objects = try Row.fetchAll(db, sql: "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name").map { row in
                "\(row["type"] as String) \(row["name"] as String) on \(row["tbl_name"] as String): \(row["sql"] as String? ?? "-")"
            }
            return (objects, try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0)
        }
    }

    @Test("a journal written by each earlier schema migrates to today's schema, with every row and value kept",
          arguments: 1...Journal.schemaVersion)
    func migratesEveryRow(schema: Int) throws {
        let path = try fixture(schema: schema)
        #expect(try self.schema(path).version == schema)
        let before = try rows(path)

        let journal = try Journal(path: path)
        let after = try rows(path)
        for (table, oldRows) in before {
            let newRows = try #require(after[table])
            #expect(newRows.count == oldRows.count, "table \(table)")
            for (old, new) in zip(oldRows, newRows) {
                // The old columns keep their values; a column added since is NULL in an old row.
                #expect(new.filter { old[$0.key] != nil } == old, "table \(table)")
                #expect(new.filter { old[$0.key] == nil }.values.allSatisfy { $0.isNull }, "table \(table)")
            }
        }

        // The same tables, columns, indexes and SQL as a journal this build creates.
        let fresh = freshJournalPath()
        _ = try Journal(path: fresh)
        let (migrated, created) = (try self.schema(path), try self.schema(fresh))
        #expect(migrated.objects == created.objects)
        #expect(migrated.version == Journal.schemaVersion)
        #expect(try DatabaseQueue(path: path).read(Journal.migrator.completedMigrations) == ["v1", "v2", "v3", "v4"])

        // What recovery and `history` read back.
        #expect(try journal.counts() == ["orders": 2, "fills": 2, "transitions": 2, "cycles": 2, "funding": 2,
                                         "commands": 2, "errors": 2, "reconciliations": schema >= 2 ? 2 : 0])
        let fills = try journal.fills(strategy: Self.strategy)
        #expect(fills.map(\.fill.price) == ["62253.4", "62253.3"])
        #expect(fills.map(\.fill.quantity) == ["0.653", "0.15"])
        #expect(fills.map(\.venue) == (schema >= 2 ? ["sim", "sim"] : [nil, nil]))
        #expect(fills.map(\.fill.tradeID) == (schema >= 2 ? [1, 2] : [nil, nil]))
        let cycles = try journal.cycles()
        #expect(cycles.map(\.netPnL) == ["-7.83803178", nil])
        #expect(try journal.openCycle(strategy: Self.strategy)?.openedAt == Timestamp(nanoseconds: 1_796_187_189_366_378_604))
        #expect(try journal.unfinishedOrders(strategy: Self.strategy).map(\.request.id) == ["btc-calendar-2"])
        #expect(try journal.lastOrderNumber(strategy: Self.strategy) == 2)
        #expect(try journal.fundingPayments(strategy: Self.strategy).map(\.amount) == ["-5.0866", "4.9989"])
        // Only schema 4 recorded a command's action; an older accepted pause holds nothing.
        #expect(try journal.latestHoldCommand(strategy: Self.strategy)?.action == (schema >= 4 ? HoldAction.pause : nil))
    }

    @Test("a journal keeps the identity and creation time its schema gave it; one from before schema 3 gets an identity that stays",
          arguments: 1...Journal.schemaVersion)
    func keepsIdentityAndCreationTime(schema: Int) throws {
        let path = try fixture(schema: schema)
        let identity = try Journal(path: path).identity()
        if schema >= 3 {
            #expect(identity == "0b5e3c2a-7d41-4f6e-9a83-5c1d2e4f6a70")
        } else {
            #expect(UUID(uuidString: identity) != nil)
        }
        let reopened = try Journal(path: path, createdAt: Timestamp(seconds: 1_900_000_000))
        #expect(try reopened.identity() == identity)
        // Schemas 1 and 2 had no created_at: the earliest time written stands in (a transition's).
        let listedAt = try reopened.contractsListedAt(firstStart: Timestamp(seconds: 1_900_000_000))
        #expect(listedAt == Timestamp(nanoseconds: schema >= 3 ? 1_796_187_163_362_345_832 : 1_796_187_178_145_241_033))
    }

    @Test("opening a migrated journal again changes nothing", arguments: 1...Journal.schemaVersion)
    func reopeningChangesNothing(schema: Int) throws {
        let path = try fixture(schema: schema)
        _ = try Journal(path: path)
        let (schemaBefore, rowsBefore) = (try self.schema(path), try rows(path))
        _ = try Journal(path: path)
        let (schemaAfter, rowsAfter) = (try self.schema(path), try rows(path))
        #expect(schemaAfter.objects == schemaBefore.objects)
        #expect(schemaAfter.version == schemaBefore.version)
        #expect(rowsAfter == rowsBefore)
    }

    @Test("a new journal is written through the migrations, up to this build's schema, and records when it was created")
    func newJournalIsMigrated() throws {
        let path = freshJournalPath()
        let journal = try Journal(path: path, createdAt: Timestamp(seconds: 1_800_000_000))
        #expect(try schema(path).version == Journal.schemaVersion)
        #expect(try DatabaseQueue(path: path).read(Journal.migrator.completedMigrations) == ["v1", "v2", "v3", "v4"])
        #expect(try journal.contractsListedAt(firstStart: Timestamp(seconds: 1_900_000_000)) == Timestamp(seconds: 1_800_000_000))
    }
}
