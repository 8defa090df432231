import Foundation
@testable import HedgeCore
import Testing
@testable import HedgeEngine

@Suite("Journal")
struct JournalTests {
    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString).sqlite").path
    }

    func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    let order = OrderRequest(id: "s-1", leg: .a, instrument: InstrumentID(venue: "sim", symbol: "BTCUSDT"), side: .buy,
                             quantity: "0.5", purpose: .open)

    @Test("an order's intent, fills and final status are kept, and a closed cycle reads back exactly")
    func writesAndReadsBack() throws {
        let path = temporaryPath()
        defer { remove(path) }
        let journal = try Journal(path: path)
        let t0 = Timestamp(seconds: 1_800_000_000)
        try journal.orderIntent(order, strategy: "s", at: t0)
        try journal.orderUpdate(.accepted("s-1"), strategy: "s", leg: .a, at: t0)
        let fill = Fill(orderID: "s-1", side: .buy, price: "61800.3", quantity: "0.5", fee: "15.450075", liquidity: .taker, time: t0)
        try journal.orderUpdate(.filled(fill, remaining: .zero), strategy: "s", leg: .a, at: t0)
        try journal.cycle(.opened(spreadBps: "12.5", time: t0), strategy: "s")
        try journal.cycle(.closed(spreadBps: "1.25", netPnL: "-4.002", reason: "converged", time: t0 + .seconds(30)), strategy: "s")
        let counts = try journal.counts()
        #expect(counts["orders"] == 1 && counts["fills"] == 1 && counts["cycles"] == 1)
        let cycles = try Journal(path: path).cycles()
        #expect(cycles.count == 1)
        #expect(cycles[0].entrySpreadBps == "12.5")
        #expect(cycles[0].netPnL == "-4.002")
        #expect(cycles[0].closedAt == t0 + .seconds(30))
    }

    @Test("a file that is not a journal is refused with a message that says what to do")
    func corruptFileRefused() throws {
        let path = temporaryPath()
        defer { remove(path) }
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try Journal(path: path)
        } throws: { error in
            (error as? JournalError)?.reason.contains("not a hedgetop journal or corrupt") == true
        }
    }

    @Test("a journal from a newer schema is refused, not rewritten")
    func newerSchemaRefused() throws {
        let path = temporaryPath()
        defer { remove(path) }
        _ = try Journal(path: path)
        // Pretend a newer hedgetop wrote it.
        try DatabaseQueue(path: path).write { db in try db.execute(sql: "PRAGMA user_version = 99") }
        #expect {
            _ = try Journal(path: path)
        } throws: { error in
            (error as? JournalError)?.reason.contains("newer hedgetop (schema 99") == true
        }
    }
}

import GRDB
