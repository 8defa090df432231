@testable import HedgeCore
@testable import HedgeVenues

/// A venue whose answers are scripted, the second `Venue` the engine runs on: each order takes
/// the next answer of `script` (then `otherwise`), so a test says what the venue does instead of
/// arranging a market and a fault plan that make the simulated venue do it.
///
/// It keeps the top of book of every quote it is given, fills market orders there in full, holds
/// the positions its fills make, and never settles, liquidates or withholds market data.
struct ScriptedVenue: Venue {
    /// What the venue answers an order with.
    enum Answer: Sendable, Hashable {
        /// Accepted and filled in full at the touch (the ask for a buy, the bid for a sell).
        case fill
        /// Refused with this reason.
        case reject(String)
        /// Accepted and left working, unfilled, until cancelled.
        case acknowledge
    }

    let name: String
    let contracts: [InstrumentID: ContractSpec]
    /// The answers for the next orders, first first.
    var script: [Answer]
    /// The answer once `script` is used up.
    var otherwise: Answer
    /// Every order that reached the venue, in order.
    private(set) var received: [OrderRequest] = []
    private(set) var positions: [InstrumentID: Position]
    private(set) var positionRevision: UInt64 = 0
    private var orders: [OrderID: VenueLedger.OrderEntry] = [:]
    /// The instruments it has had quotes for, by slot, and their latest quotes.
    private var quoted: [InstrumentID] = []
    private var tops: [InstrumentID: Quote] = [:]
    private var lastQuoteAt: Timestamp?
    private var tradeCount: UInt64 = 0

    /// Answers and market data travel this long.
    static let latency: Duration = .milliseconds(5)

    init(name: String, contracts: [ContractSpec], script: [Answer] = [], otherwise: Answer = .fill) {
        self.name = name
        self.contracts = Dictionary(uniqueKeysWithValues: contracts.map { ($0.id, $0) })
        self.positions = Dictionary(uniqueKeysWithValues: contracts.map { ($0.id, Position(spec: $0)) })
        self.script = script
        self.otherwise = otherwise
    }

    // MARK: Orders

    mutating func receive(_ order: OrderRequest, at time: Timestamp, reports: inout [VenueReport])
        -> (updates: [OrderUpdate], delivery: AnswerDelivery) {
        received.append(order)
        let answer = script.isEmpty ? otherwise : script.removeFirst()
        var entry = VenueLedger.OrderEntry(request: order, status: .working, filled: .zero, history: [],
                                           sequence: UInt64(received.count), dropped: false)
        var updates: [OrderUpdate]
        switch answer {
        case .reject(let reason):
            updates = [.rejected(order.id, reason: reason)]
            entry.status = .rejected
        case .acknowledge:
            updates = [.accepted(order.id)]
        case .fill:
            guard let spec = contracts[order.instrument], let top = tops[order.instrument] else {
                updates = [.rejected(order.id, reason: "no market in \(order.instrument)")]
                entry.status = .rejected
                break
            }
            tradeCount += 1
            let price = order.side == .buy ? top.ask : top.bid
            let fee = (try? spec.fee(quantity: order.quantity, price: price, liquidity: .taker)) ?? .zero
            let fill = Fill(orderID: order.id, side: order.side, price: price, quantity: order.quantity,
                            fee: fee, liquidity: .taker, time: time, tradeID: tradeCount)
            _ = try? positions[order.instrument]?.apply(fill)
            positionRevision &+= 1
            updates = [.accepted(order.id), .filled(fill, remaining: .zero)]
            entry.status = .filled
            entry.filled = order.quantity
        }
        // The venue's record of an order keeps what came after its acceptance.
        entry.history = updates.filter { if case .accepted = $0 { false } else { true } }
        orders[order.id] = entry
        return (updates, .normal)
    }

    mutating func cancel(_ id: OrderID, at time: Timestamp) -> [OrderUpdate] {
        guard var entry = orders[id] else { return [.rejected(id, reason: "unknown order")] }
        guard entry.status == .working else { return entry.history }
        let update = OrderUpdate.cancelled(id, filled: .zero, reason: "cancelled")
        entry.status = .cancelled
        entry.history.append(update)
        orders[id] = entry
        return [update]
    }

    func orderStatus(_ id: OrderID) -> (finished: Bool, filled: FixedDecimal, history: [OrderUpdate])? {
        orders[id].map { ($0.status != .working, $0.filled, $0.history) }
    }

    mutating func nextLatency() -> Duration { Self.latency }

    // MARK: Positions, balances and margin

    func marginStatus(asset: String) -> MarginStatus { MarginStatus(available: 1_000_000, marginRatio: 0) }
    func liquidationPrice(_ id: InstrumentID) -> FixedDecimal? { nil }
    func markPrice(_ id: InstrumentID) -> FixedDecimal? { tops[id]?.mid }

    var ledger: VenueLedger {
        VenueLedger(name: name, positions: positions.values.sorted { $0.spec.id.symbol < $1.spec.id.symbol },
                    balances: [:], isolatedMargin: [:], expired: [],
                    orders: orders.values.sorted { $0.sequence < $1.sequence }, resting: [],
                    tradeCount: tradeCount, orderSequence: UInt64(received.count))
    }

    mutating func restore(_ ledger: VenueLedger) throws(VenueLedgerError) {
        for position in ledger.positions { positions[position.spec.id] = position }
        orders = Dictionary(uniqueKeysWithValues: ledger.orders.map { ($0.request.id, $0) })
        positionRevision &+= 1
    }

    // MARK: Market data

    mutating func quoteSlot(for id: InstrumentID) -> Int? {
        guard contracts[id] != nil else { return nil }
        if let slot = quoted.firstIndex(of: id) { return slot }
        quoted.append(id)
        return quoted.count - 1
    }

    mutating func receiveQuote(_ quote: Quote, slot: Int) -> MarketDataReceipt {
        receiveQuote(quote, of: quoted[slot])
    }

    mutating func receiveQuote(_ quote: Quote, of id: InstrumentID) -> MarketDataReceipt {
        if contracts[id] != nil, quote.isUsable {
            tops[id] = quote
            lastQuoteAt = quote.time
        }
        return ([], false, Self.latency.nanosecondsClamped, false)
    }

    mutating func receiveMarket(_ event: MarketEvent) -> MarketDataReceipt {
        if case .depth(let id, let depth) = event, let top = depth.top { return receiveQuote(top, of: id) }
        return ([], false, Self.latency.nanosecondsClamped, false)
    }

    // MARK: Settlement and connection

    var nextSettlementTime: Timestamp? { nil }
    mutating func advance(to time: Timestamp) -> [VenueReport] { [] }

    func health(at time: Timestamp) -> VenueHealth {
        VenueHealth(state: lastQuoteAt == nil ? .connecting : .live, lastMessageAt: lastQuoteAt)
    }
}
