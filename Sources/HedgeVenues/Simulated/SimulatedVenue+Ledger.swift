import HedgeCore

/// The venue's own books of account: what it must keep across a restart of the program, as a
/// real exchange keeps them whatever happens to its clients. Market state (books, marks) and the
/// random streams are not in it: they come back from the feed.
public struct VenueLedger: Sendable, Hashable, Codable {
    /// An order as the venue remembers it: the request, how it ended, and every answer after
    /// acceptance (fills with their trade ids, the cancel or rejection).
    public struct OrderEntry: Sendable, Hashable, Codable {
        public enum Status: String, Sendable, Hashable, Codable { case working, filled, cancelled, rejected }
        public var request: OrderRequest
        public var status: Status
        public var filled: FixedDecimal
        public var history: [OrderUpdate]
        public var sequence: UInt64
        /// Its answers were never to be delivered (a drop fault).
        public var dropped: Bool
    }

    public var name: String
    public var positions: [Position]
    public var balances: [String: FixedDecimal]
    var isolatedMargin: [InstrumentID: FixedDecimal]
    public var expired: [InstrumentID]
    public var orders: [OrderEntry]
    public var resting: [OrderID]
    var tradeCount: UInt64
    var orderSequence: UInt64

    /// Every fill the venue remembers making for orders (the newest finished orders' and the
    /// working ones': see `SimulatedVenue.retainedFinishedOrders`), oldest first (liquidations and settlements are
    /// not orders: they show in the positions).
    public var fills: [Fill] {
        orders.sorted { $0.sequence < $1.sequence }.flatMap { entry in
            entry.history.compactMap { update -> Fill? in
                if case .filled(let fill, _) = update { return fill }
                return nil
            }
        }
    }
}

extension VenueLedger {
    /// A ledger of a venue that keeps no isolated margin, expiries or counters of its own (a live
    /// venue's books as hedgetop last saw them).
    public init(name: String, positions: [Position], balances: [String: FixedDecimal], orders: [OrderEntry], resting: [OrderID]) {
        self.name = name
        self.positions = positions
        self.balances = balances
        self.isolatedMargin = [:]
        self.expired = []
        self.orders = orders
        self.resting = resting
        self.tradeCount = 0
        self.orderSequence = orders.map(\.sequence).max() ?? 0
    }
}

extension VenueLedger.OrderEntry {
    /// An order of a venue whose answers are never dropped on purpose (a live one).
    public init(request: OrderRequest, status: Status, filled: FixedDecimal, history: [OrderUpdate], sequence: UInt64) {
        self.init(request: request, status: status, filled: filled, history: history, sequence: sequence, dropped: false)
    }
}

/// A ledger that does not fit the venue it is loaded into.
public struct VenueLedgerError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

extension SimulatedVenue {
    /// The venue's durable state, to be written after every change: positions, balances, working
    /// orders and the newest finished ones, never the whole history.
    public var ledger: VenueLedger {
        VenueLedger(
            name: name,
            positions: positions.keys.sorted { $0.symbol < $1.symbol }.compactMap { positions[$0] },
            balances: balances, isolatedMargin: isolatedMargin,
            expired: expired.sorted { $0.symbol < $1.symbol },
            orders: orders.values.sorted { $0.sequence < $1.sequence }.map { record in
                let status: VenueLedger.OrderEntry.Status = switch record.status {
                case .working: .working
                case .filled: .filled
                case .cancelled: .cancelled
                case .rejected: .rejected
                }
                return VenueLedger.OrderEntry(request: record.request, status: status, filled: record.filled,
                                              history: record.history, sequence: record.sequence,
                                              dropped: record.delivery == .dropped)
            },
            resting: resting, tradeCount: tradeCount, orderSequence: orderSequence)
    }

    /// Takes back a ledger written by an earlier run. Positions keep this run's contract specs
    /// (a dated contract's spec is rebuilt each run); a position in an instrument this venue does
    /// not list is refused rather than dropped.
    public mutating func restore(_ ledger: VenueLedger) throws(VenueLedgerError) {
        guard ledger.name == name else {
            throw VenueLedgerError(message: "the saved state is of venue \(ledger.name), not \(name)")
        }
        var restored: [InstrumentID: Position] = [:]
        for var position in ledger.positions {
            guard let spec = contracts[position.spec.id] else {
                if position.isFlat { continue }
                throw VenueLedgerError(message: "venue \(name) holds \(position.quantity) \(position.spec.id.symbol), which this run does not trade; trade it out with the scenario that opened it, or move the venue state aside")
            }
            position.spec = spec
            restored[spec.id] = position
        }
        for id in contracts.keys where restored[id] == nil { restored[id] = Position(spec: contracts[id]!) }
        positions = restored
        balances = ledger.balances
        isolatedMargin = ledger.isolatedMargin
        expired = Set(ledger.expired)
        orders = Dictionary(uniqueKeysWithValues: ledger.orders.map { entry in
            let status: OrderRecord.Status = switch entry.status {
            case .working: .working
            case .filled: .filled
            case .cancelled: .cancelled
            case .rejected: .rejected
            }
            return (entry.request.id, OrderRecord(request: entry.request, status: status, filled: entry.filled,
                                                  history: entry.history, delivery: entry.dropped ? .dropped : .normal,
                                                  sequence: entry.sequence))
        })
        resting = ledger.resting.filter { orders[$0]?.status == .working }
        // A ledger written before the history was bounded may hold every order ever sent.
        forgetOldOrders()
        tradeCount = max(tradeCount, ledger.tradeCount)
        orderSequence = max(orderSequence, ledger.orderSequence)
    }

    /// What the venue knows of an order: nil when it never reached the venue; else its status
    /// and its answers after acceptance (fills with trade ids, then how it ended).
    public func orderStatus(_ id: OrderID) -> (finished: Bool, filled: FixedDecimal, history: [OrderUpdate])? {
        guard let record = orders[id] else { return nil }
        return (record.status != .working, record.filled, record.history)
    }
}
