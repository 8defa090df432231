import HedgeCore
import HedgeVenues

/// A real venue as the engine sees it: orders leave through a `LiveVenueMailbox` to a
/// `LiveTrader`, which sends them signed over REST; answers and fills come back on their own
/// time and reach the strategies through `collectReports(at:)`. Positions and balances here are
/// what the venue reported, applied once per trade id, so the engine's position check compares
/// the strategies with the venue, not with a model of it.
public struct LiveVenue: Venue {
    public let name: String
    public let contracts: [InstrumentID: ContractSpec]
    let mailbox: LiveVenueMailbox
    /// The books of quotes by slot, for `quoteSlot(for:)`.
    private let slots: [InstrumentID]
    public private(set) var positions: [InstrumentID: Position]
    public private(set) var positionRevision: UInt64 = 0
    private var balances: [String: VenueBalance] = [:]
    private var marks: [InstrumentID: FixedDecimal] = [:]
    private var orders: [OrderID: VenueLedger.OrderEntry] = [:]
    private var orderSequence: UInt64 = 0
    private var connection: VenueHealth.State = .connecting
    private var connectionDetail: String? = "checking the API key and the venue's clock"
    private var lastMessageAt: Timestamp?
    /// Requests waiting for the venue state to hold them (`booksSaved()`).
    private var outbox: [LiveVenueRequest] = []
    /// How many finished orders are kept in the ledger, newest first (working ones always are).
    static let retainedFinishedOrders = 500

    public init(name: String, contracts: [ContractSpec], mailbox: LiveVenueMailbox) {
        self.name = name
        self.contracts = Dictionary(contracts.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.slots = contracts.map(\.id)
        self.mailbox = mailbox
        self.positions = Dictionary(contracts.map { ($0.id, Position(spec: $0)) }, uniquingKeysWith: { first, _ in first })
    }

    // MARK: Orders

    /// Sent on once the venue state holds it (`booksSaved()`): a restart then always knows to ask
    /// the venue about it. The answer comes `.later`, through `collectReports(at:)`.
    public mutating func receive(_ order: OrderRequest, at time: Timestamp, reports: inout [VenueReport]) -> (updates: [OrderUpdate], delivery: AnswerDelivery) {
        orderSequence += 1
        orders[order.id] = VenueLedger.OrderEntry(request: order, status: .working, filled: .zero, history: [], sequence: orderSequence)
        outbox.append(.place(order, decidedAt: time))
        return ([], .later)
    }

    public mutating func cancel(_ id: OrderID, at time: Timestamp) -> [OrderUpdate] {
        if let entry = orders[id], entry.status == .working { outbox.append(.cancel(id, entry.request.instrument)) }
        return []
    }

    public var answersLater: Bool { true }

    public mutating func booksSaved() {
        for request in outbox { mailbox.send(request) }
        outbox.removeAll()
    }

    public func orderStatus(_ id: OrderID) -> (finished: Bool, filled: FixedDecimal, history: [OrderUpdate])? {
        orders[id].map { ($0.status != .working, $0.filled, $0.history) }
    }

    /// Real latency is real: nothing is added in data time.
    public mutating func nextLatency() -> Duration { .zero }

    public mutating func collectReports(at time: Timestamp) -> [VenueReport] {
        let answers = mailbox.takeAnswers()
        guard !answers.isEmpty else { return [] }
        lastMessageAt = time
        var reports: [VenueReport] = []
        for answer in answers {
            for update in apply(answer) { reports.append(.order(update, delivery: .normal)) }
        }
        forgetOldOrders()
        return reports
    }

    /// The order updates an answer makes; none for one already applied (a fill reported by the
    /// order's query and again by the trade list) or for an order this venue never sent.
    private mutating func apply(_ answer: LiveVenueAnswer) -> [OrderUpdate] {
        switch answer {
        case .balances(let read):
            balances.merge(read) { _, new in new }
            return []
        case .health(let state, let detail):
            connection = state
            connectionDetail = detail
            return []
        case .accepted(let id):
            guard var entry = orders[id], entry.status == .working, entry.history.isEmpty else { return [] }
            entry.history.append(.accepted(id))
            orders[id] = entry
            return [.accepted(id)]
        case .rejected(let id, let reason):
            guard var entry = orders[id], entry.status == .working else { return [] }
            let update = OrderUpdate.rejected(id, reason: reason)
            entry.status = .rejected
            entry.history.append(update)
            orders[id] = entry
            return [update]
        case .ended(let id, let reason):
            guard var entry = orders[id], entry.status == .working else { return [] }
            let update = OrderUpdate.cancelled(id, filled: entry.filled, reason: reason)
            entry.status = .cancelled
            entry.history.append(update)
            orders[id] = entry
            return [update]
        case .fill(let id, let execution):
            guard var entry = orders[id] else { return [] }
            let tradeID = Self.tradeNumber(execution.tradeID)
            let applied = entry.history.contains { if case .filled(let fill, _) = $0 { fill.tradeID == tradeID } else { false } }
            // A quantity beyond the decimal's range is no real fill: the trader's own sum refuses it too.
            guard !applied, entry.status != .rejected, let filled = try? entry.filled + execution.quantity,
                  let left = try? entry.request.quantity - filled else { return [] }
            var updates: [OrderUpdate] = []
            if entry.history.isEmpty {
                entry.history.append(.accepted(id))
                updates.append(.accepted(id))
            }
            let fill = Fill(orderID: id, side: entry.request.side, price: execution.price, quantity: execution.quantity, fee: execution.fee,
                            liquidity: execution.isMaker ? .maker : .taker, time: execution.time, tradeID: tradeID)
            entry.filled = filled
            let remaining = max(.zero, left)
            if remaining.isZero { entry.status = .filled }
            let update = OrderUpdate.filled(fill, remaining: remaining)
            entry.history.append(update)
            orders[id] = entry
            if var position = positions[entry.request.instrument] {
                _ = try? position.apply(fill)
                positions[entry.request.instrument] = position
                positionRevision &+= 1
            }
            updates.append(update)
            return updates
        }
    }

    /// A trade id as a number: Binance's are numbers; Bybit's (UUIDs) are hashed (FNV-1a), which
    /// only has to tell one order's fills apart.
    static func tradeNumber(_ id: String) -> UInt64 {
        if let number = UInt64(id) { return number }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in id.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }

    private mutating func forgetOldOrders() {
        let finished = orders.values.filter { $0.status != .working }
        guard finished.count > Self.retainedFinishedOrders else { return }
        for entry in finished.sorted(by: { $0.sequence < $1.sequence }).prefix(finished.count - Self.retainedFinishedOrders) {
            orders[entry.request.id] = nil
        }
    }

    /// The orders sent and not known to have ended, oldest first: what a restart asks the venue about.
    public var workingOrders: [OrderRequest] {
        orders.values.filter { $0.status == .working }.sorted { $0.sequence < $1.sequence }.map(\.request)
    }

    /// Takes the venue's own position (read at a restart): fills it made that hedgetop never saw
    /// (an order of someone else's, a fill older than the trade list reaches) show here, and
    /// recovery adopts the difference into the journal.
    public mutating func adoptPosition(_ id: InstrumentID, quantity: FixedDecimal, entry: FixedDecimal) {
        guard var position = positions[id] else { return }
        position.quantity = quantity
        position.averageEntry = quantity.isZero ? .zero : entry
        positions[id] = position
        positionRevision &+= 1
    }

    /// Answers learnt outside the engine's loop (a restart's reconciliation), applied now.
    public mutating func apply(_ answers: [LiveVenueAnswer]) {
        for answer in answers { _ = apply(answer) }
    }

    // MARK: Positions, balances and margin

    /// The balance the venue last reported; the margin ratio is the maintenance margin of this
    /// venue's positions in `asset` (at the venue's mark, else the last fill's entry) over the wallet.
    public func marginStatus(asset: String) -> MarginStatus {
        guard let balance = balances[asset], balance.wallet > .zero else { return MarginStatus(available: .zero, marginRatio: 0) }
        var maintenance = 0.0
        for (id, position) in positions where !position.isFlat && position.spec.settlementAsset == asset {
            let price = marks[id] ?? position.averageEntry
            guard let exposure = try? position.baseExposure(at: price) else { continue }
            let value = position.spec.margining == .linear ? exposure.magnitude.doubleValue * price.doubleValue : exposure.magnitude.doubleValue
            maintenance += value * position.spec.maintenanceMarginRate.doubleValue
        }
        let wallet = balance.wallet.doubleValue
        return MarginStatus(available: balance.available, marginRatio: maintenance / wallet,
                            utilisation: max(0, (wallet - balance.available.doubleValue) / wallet))
    }

    /// Not read from the venue yet: nil, as for a venue that does not say.
    public func liquidationPrice(_ id: InstrumentID) -> FixedDecimal? { nil }

    public func markPrice(_ id: InstrumentID) -> FixedDecimal? { marks[id] }

    public var ledger: VenueLedger {
        VenueLedger(name: name, positions: positions.keys.sorted { $0.symbol < $1.symbol }.compactMap { positions[$0] },
                    balances: balances.mapValues(\.wallet),
                    orders: orders.values.sorted { $0.sequence < $1.sequence },
                    resting: orders.values.filter { $0.status == .working }.sorted { $0.sequence < $1.sequence }.map(\.request.id))
    }

    public mutating func restore(_ ledger: VenueLedger) throws(VenueLedgerError) {
        for var position in ledger.positions {
            guard let spec = contracts[position.spec.id] else {
                if position.isFlat { continue }
                throw VenueLedgerError(message: "venue \(name) holds \(position.quantity) \(position.spec.id.symbol), which this run does not trade; close it on the venue, or move the venue state aside")
            }
            position.spec = spec
            positions[spec.id] = position
        }
        orders = Dictionary(ledger.orders.map { ($0.request.id, $0) }, uniquingKeysWith: { _, newer in newer })
        orderSequence = max(orderSequence, ledger.orders.map(\.sequence).max() ?? 0)
        positionRevision &+= 1
    }

    // MARK: Market data

    public mutating func quoteSlot(for id: InstrumentID) -> Int? { slots.firstIndex(of: id) }

    public mutating func receiveQuote(_ quote: Quote, slot: Int) -> MarketDataReceipt {
        lastMessageAt = quote.time
        return ([], false, 0, false)
    }

    public mutating func receiveQuote(_ quote: Quote, of id: InstrumentID) -> MarketDataReceipt {
        lastMessageAt = quote.time
        return ([], false, 0, false)
    }

    public mutating func receiveMarket(_ event: MarketEvent) -> MarketDataReceipt {
        if case .mark(let id, let price, _) = event, contracts[id] != nil { marks[id] = price }
        return ([], false, 0, false)
    }

    // MARK: Settlement

    /// Funding and expiries are the venue's to settle: they show in its balances.
    public var nextSettlementTime: Timestamp? { nil }

    public mutating func advance(to time: Timestamp) -> [VenueReport] { [] }

    // MARK: Connection

    /// The order API's connection as the trader last found it.
    public func health(at time: Timestamp) -> VenueHealth {
        VenueHealth(state: connection, lastMessageAt: lastMessageAt, detail: connectionDetail)
    }
}
