import GRDB
import HedgeCore

#if canImport(Glibc)
import Glibc
#endif

/// What recovery reads back from the journal, and what it writes about the differences it finds.
extension Journal {
    /// A fill as the journal holds it.
    public struct FillRow: Sendable, Hashable, Codable {
        public var strategy: String
        public var leg: Leg
        public var venue: String?
        public var symbol: String?
        public var fill: Fill
    }

    /// An order the journal saw sent but never saw finish.
    struct UnfinishedOrder: Sendable, Hashable {
        public var strategy: String
        public var request: OrderRequest
        public var status: String
    }

    /// Every fill (of `strategy`, or of all), oldest first.
    public func fills(strategy: String? = nil) throws(JournalError) -> [FillRow] {
        try read { db in
            let sql = "SELECT * FROM fills" + (strategy == nil ? "" : " WHERE strategy = ?") + " ORDER BY seq"
            return try Row.fetchAll(db, sql: sql, arguments: strategy.map { [$0] } ?? []).compactMap { row -> FillRow? in
                guard let leg = Leg(name: row["leg"]), let side = Side(rawValue: row["side"]),
                      let price = FixedDecimal(row["price"] as String), let quantity = FixedDecimal(row["quantity"] as String),
                      let fee = FixedDecimal(row["fee"] as String) else { return nil }
                let tradeID = (row["trade_id"] as Int64?).map { UInt64(bitPattern: $0) }
                let fill = Fill(orderID: OrderID(row["order_id"] as String), side: side, price: price, quantity: quantity, fee: fee,
                                liquidity: Liquidity(rawValue: row["liquidity"]) ?? .taker,
                                time: Timestamp(nanoseconds: row["time"]), tradeID: tradeID)
                return FillRow(strategy: row["strategy"], leg: leg, venue: row["venue"], symbol: row["symbol"], fill: fill)
            }
        }
    }

    /// Funding settled on `strategy`'s legs, oldest first.
    func fundingPayments(strategy: String) throws(JournalError) -> [(leg: Leg, amount: FixedDecimal, time: Timestamp)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT leg, amount, time FROM funding WHERE strategy = ? ORDER BY seq", arguments: [strategy])
                .compactMap { row in
                    guard let leg = Leg(name: row["leg"]), let amount = FixedDecimal(row["amount"] as String) else { return nil }
                    return (leg, amount, Timestamp(nanoseconds: row["time"]))
                }
        }
    }

    /// Orders with an intent (or an acceptance, or part of their fills) and no final answer.
    func unfinishedOrders(strategy: String) throws(JournalError) -> [UnfinishedOrder] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM orders WHERE strategy = ? AND status IN ('intent', 'accepted', 'partial') ORDER BY intent_at, id",
                             arguments: [strategy]).compactMap { row in
                guard let leg = Leg(name: row["leg"]), let side = Side(rawValue: row["side"]),
                      let quantity = FixedDecimal(row["quantity"] as String),
                      let purpose = OrderPurpose(rawValue: row["purpose"]) else { return nil }
                let request = OrderRequest(id: OrderID(row["id"] as String), leg: leg,
                                           instrument: InstrumentID(venue: row["venue"], symbol: row["symbol"]), side: side,
                                           quantity: quantity, reduceOnly: row["reduce_only"], purpose: purpose)
                return UnfinishedOrder(strategy: strategy, request: request, status: row["status"])
            }
        }
    }

    /// Marks an order the venue never received: it can never fill.
    func orderNeverArrived(_ id: OrderID, at time: Timestamp) throws(JournalError) {
        try transaction { db in
            try db.execute(sql: "UPDATE orders SET status = 'lost', reason = 'never reached the venue', updated_at = ? WHERE id = ?",
                           arguments: [time.nanoseconds, id.rawValue])
        }
    }

    /// Marks an order finished as the venue reports it (its fills are written separately).
    public func orderFinished(_ id: OrderID, status: String, filled: FixedDecimal, reason: String, at time: Timestamp) throws(JournalError) {
        try transaction { db in
            try db.execute(sql: "UPDATE orders SET status = ?, filled = ?, reason = ?, updated_at = ? WHERE id = ?",
                           arguments: [status, filled.description, reason, time.nanoseconds, id.rawValue])
        }
    }

    /// The latest cycle of `strategy` that opened and has not closed.
    public func openCycle(strategy: String) throws(JournalError) -> (openedAt: Timestamp, entrySpreadBps: FixedDecimal?)? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT opened_at, entry_spread_bps FROM cycles WHERE strategy = ? AND closed_at IS NULL AND opened_at IS NOT NULL ORDER BY seq DESC LIMIT 1",
                                             arguments: [strategy]) else { return nil }
            return (Timestamp(nanoseconds: row["opened_at"]), (row["entry_spread_bps"] as String?).flatMap(FixedDecimal.init))
        }
    }

    /// What the journal says is held: each instrument its fills leave non-flat, and the
    /// strategies with a cycle open. A start without the venue state is refused on either.
    func heldExposure() throws(JournalError) -> (positions: [InstrumentID: FixedDecimal], openCycles: [String]) {
        var positions: [InstrumentID: FixedDecimal] = [:]
        for row in try fills() {
            guard let venue = row.venue, let symbol = row.symbol else { continue }
            let id = InstrumentID(venue: venue, symbol: symbol)
            let held = positions[id] ?? .zero
            let signed = row.fill.side == .buy ? row.fill.quantity : -row.fill.quantity
            positions[id] = (try? held + signed) ?? held
        }
        let open = try read { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT strategy FROM cycles WHERE closed_at IS NULL AND opened_at IS NOT NULL ORDER BY strategy")
        }
        return (positions.filter { !$0.value.isZero }, open)
    }

    /// How many cycles `strategy` has closed.
    func closedCycleCount(strategy: String) throws(JournalError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM cycles WHERE strategy = ? AND closed_at IS NOT NULL", arguments: [strategy]) ?? 0 }
    }

    /// The trader's latest accepted pause, resume or kill of `strategy` (nil if none, or only
    /// rows from before schema 4, which did not record the action).
    func latestHoldCommand(strategy: String) throws(JournalError) -> (action: HoldAction, commandID: UInt64, time: Timestamp)? {
        let actions = HoldAction.allCases.map(\.rawValue)
        return try read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT action, command_id, time FROM commands
                WHERE strategy = ? AND accepted = 1 AND action IN (\(actions.map { _ in "?" }.joined(separator: ", "))) ORDER BY seq DESC LIMIT 1
                """, arguments: StatementArguments([strategy] + actions))
            guard let row, let action = HoldAction(rawValue: row["action"]) else { return nil }
            return (action, UInt64(bitPattern: row["command_id"]), Timestamp(nanoseconds: row["time"]))
        }
    }

    /// Every order `strategy` sent, by its intent's `strategy` column: recovery gives a strategy
    /// the venue's orders by this, never by how an id begins ("a-b-1" is not strategy a's).
    func orderIDs(strategy: String) throws(JournalError) -> Set<OrderID> {
        let ids = try read { db in try String.fetchAll(db, sql: "SELECT id FROM orders WHERE strategy = ?", arguments: [strategy]) }
        return Set(ids.map { OrderID($0) })
    }

    /// Every order id the journal holds, of any strategy.
    func allOrderIDs() throws(JournalError) -> Set<OrderID> {
        Set(try read { db in try String.fetchAll(db, sql: "SELECT id FROM orders") }.map { OrderID($0) })
    }

    /// The highest N of the order ids "`strategy`-N" already used.
    public func lastOrderNumber(strategy: String) throws(JournalError) -> Int {
        let prefix = strategy + "-"
        let ids = try read { db in try String.fetchAll(db, sql: "SELECT id FROM orders WHERE strategy = ?", arguments: [strategy]) }
        return ids.compactMap { $0.hasPrefix(prefix) ? Int($0.dropFirst(prefix.count)) : nil }.max() ?? 0
    }

    /// The venue's trade ids the journal already holds.
    func tradeIDs(venue: String) throws(JournalError) -> Set<UInt64> {
        try read { db in
            Set(try Int64.fetchAll(db, sql: "SELECT trade_id FROM fills WHERE venue = ? AND trade_id IS NOT NULL", arguments: [venue])
                .map { UInt64(bitPattern: $0) })
        }
    }

    /// This journal's identity: a random id made when it was created (or upgraded), kept in
    /// its `meta` table. The venue state saved for this journal carries it.
    public func identity() throws(JournalError) -> String {
        let id = try read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'journal_id'") }
        guard let id else { throw JournalError(path: path, reason: "has no journal id in its meta table; move it aside to start a new one") }
        return id
    }

    /// When this journal began, which the paper scenarios' dated contracts are listed at, so a
    /// restart on a later day trades (and recovers) the same contracts. A journal older than the
    /// `created_at` meta key gets the earliest time written in it, else `firstStart`, stored
    /// from then on.
    func contractsListedAt(firstStart: Timestamp) throws(JournalError) -> Timestamp {
        if let stored = try read({ db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'created_at'") }) {
            guard let nanoseconds = Int64(stored) else {
                throw JournalError(path: path, reason: "has a created_at of '\(stored)' in its meta table, not a time; move it aside to start a new one")
            }
            return Timestamp(nanoseconds: nanoseconds)
        }
        let earliest = try read { db in
            let sql = ["orders": "intent_at", "fills": "time", "transitions": "time", "funding": "time", "errors": "time",
                       "commands": "time", "cycles": "opened_at", "reconciliations": "time"]
                .map { "SELECT MIN(\($0.value)) AS t FROM \($0.key)" }.joined(separator: " UNION ALL ")
            return try Int64.fetchOne(db, sql: "SELECT MIN(t) FROM (\(sql))").map(Timestamp.init(nanoseconds:))
        }
        let anchor = earliest ?? firstStart
        try transaction { db in
            try db.execute(sql: "INSERT OR IGNORE INTO meta (key, value) VALUES ('created_at', ?)", arguments: [anchor.nanoseconds])
        }
        return anchor
    }

    /// Lists new dated contracts from `time` on: only once nothing is held in the old ones.
    func relistContracts(at time: Timestamp) throws(JournalError) {
        try transaction { db in
            try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('created_at', ?)", arguments: [time.nanoseconds])
        }
    }

    /// The latest time anything was written, so a restarted clock never runs backwards.
    func latestTime() throws(JournalError) -> Timestamp? {
        try read { db in
            let sql = ["orders": "updated_at", "fills": "time", "transitions": "time", "funding": "time", "errors": "time"]
                .map { "SELECT MAX(\($0.value)) AS t FROM \($0.key)" }.joined(separator: " UNION ALL ")
            return try Int64.fetchAll(db, sql: "SELECT MAX(t) FROM (\(sql))").compactMap { $0 }.max().map(Timestamp.init(nanoseconds:))
        }
    }

    /// Records a difference recovery found between the journal and the venue, and what it did.
    public func reconciliation(strategy: String?, instrument: InstrumentID, journal: FixedDecimal, venue: FixedDecimal,
                               action: String, at time: Timestamp) throws(JournalError) {
        try transaction { db in
            try db.execute(sql: "INSERT INTO reconciliations (strategy, venue, symbol, journal_quantity, venue_quantity, action, time) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           arguments: [strategy, instrument.venue, instrument.symbol, journal.description, venue.description, action, time.nanoseconds])
        }
    }

    private func read<T>(_ body: (Database) throws -> T) throws(JournalError) -> T {
        do {
            return try database.read { db in try body(db) }
        } catch {
            throw JournalError(path: path, reason: "read failed: \(Self.explain(error))")
        }
    }
}

extension Leg {
    /// The leg from its journal name ("A", "B").
    init?(name: String) {
        guard let leg = Leg.allCases.first(where: { $0.description == name }) else { return nil }
        self = leg
    }
}

/// One writer per journal: an exclusive advisory lock on `<journal>.lock`, held while the
/// process lives (the kernel drops it when the process dies, even by SIGKILL).
public final class JournalLock: Sendable {
    private let descriptor: Int32

    public init(journalPath path: String) throws(JournalError) {
        let lockPath = path + ".lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw JournalError(path: path, reason: "cannot create \(lockPath): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw JournalError(path: path, reason: "locked by another process (another hedgetop on the same journal?); stop it or use another --journal")
        }
        descriptor = fd
    }

    deinit { close(descriptor) }
}
