import HedgeCore

/// What hedgetop believes about one venue account before it reconciles: its open orders by
/// client id, its positions, and the trade ids of every fill it has applied.
public struct AccountBelief: Sendable, Hashable {
    /// An order we think is open.
    public struct Order: Sendable, Hashable {
        public var symbol: String
        public var side: Side
        public var quantity: FixedDecimal
        /// What we have applied of it so far.
        public var executedQuantity: FixedDecimal

        public init(symbol: String, side: Side, quantity: FixedDecimal, executedQuantity: FixedDecimal = .zero) {
            self.symbol = symbol
            self.side = side
            self.quantity = quantity
            self.executedQuantity = executedQuantity
        }
    }

    public var openOrders: [OrderID: Order]
    /// Signed quantity by symbol (long > 0); absent is flat.
    public var positions: [String: FixedDecimal]
    public var appliedTradeIDs: Set<String>

    public init(openOrders: [OrderID: Order] = [:], positions: [String: FixedDecimal] = [:], appliedTradeIDs: Set<String> = []) {
        self.openOrders = openOrders
        self.positions = positions
        self.appliedTradeIDs = appliedTradeIDs
    }
}

/// The outcome of comparing a belief with what the venue says. The venue is right: its fills
/// are applied (each trade id once), its open orders adopted, its positions taken; every
/// difference is told in `differences`, one line each, for the journal and the screen.
public struct AccountReconciliation: Sendable, Hashable {
    /// An order we thought open that the venue no longer has open.
    public struct FinishedOrder: Sendable, Hashable {
        public enum Outcome: Sendable, Hashable {
            /// Its fills reach its quantity.
            case filled
            /// Cancelled or expired at the venue with this much executed.
            case ended(executed: FixedDecimal)
        }

        public var clientOrderID: OrderID
        public var symbol: String
        public var outcome: Outcome
    }

    /// A symbol whose position, after the fills to apply, is not the venue's.
    public struct PositionDifference: Sendable, Hashable {
        public var symbol: String
        /// Ours with the missed fills applied.
        public var expected: FixedDecimal
        public var venue: FixedDecimal
    }

    /// Fills not applied yet, oldest first, each trade id once.
    public var fillsToApply: [VenueFill]
    /// Open at the venue and unknown to us (placed by hand, or by a run that crashed).
    public var ordersToAdopt: [VenueOpenOrder]
    /// Ours, still open, with the venue's state (its executed quantity may have moved).
    public var openOrders: [VenueOpenOrder]
    public var finishedOrders: [FinishedOrder]
    public var positionDifferences: [PositionDifference]
    public var differences: [String]

    /// Nothing to apply and nothing differs.
    public var isInAgreement: Bool { fillsToApply.isEmpty && ordersToAdopt.isEmpty && finishedOrders.isEmpty && positionDifferences.isEmpty && differences.isEmpty }

    /// Compares `belief` with `venue`. Pure: no clock, no I/O.
    public init(belief: AccountBelief, venue: VenueAccountState) {
        var seen = belief.appliedTradeIDs
        fillsToApply = venue.fills.sorted(by: Self.chronological).filter { seen.insert($0.tradeID).inserted }
        var differences: [String] = []
        let label = venue.venue.rawValue
        for fill in fillsToApply {
            let owner = fill.clientOrderID.map { "order \($0)" } ?? "venue order \(fill.venueOrderID)"
            differences.append("\(label): missed fill \(fill.tradeID) of \(owner): \(fill.symbol) \(fill.side) \(fill.quantity) @ \(fill.price), fee \(fill.fee) \(fill.feeAsset)")
        }
        var missedByOrder: [OrderID: FixedDecimal] = [:]
        for fill in fillsToApply {
            guard let id = fill.clientOrderID else { continue }
            missedByOrder[id] = (try? (missedByOrder[id] ?? .zero) + fill.quantity) ?? missedByOrder[id]
        }

        let venueOpen = Dictionary(venue.openOrders.map { ($0.state.clientOrderID, $0) }, uniquingKeysWith: { $1 })
        ordersToAdopt = venue.openOrders.filter { belief.openOrders[$0.state.clientOrderID] == nil }
            .sorted { $0.state.clientOrderID.rawValue < $1.state.clientOrderID.rawValue }
        for order in ordersToAdopt {
            let price = order.price.map { " @ \($0)" } ?? ""
            differences.append("\(label): unknown open order \(order.state.clientOrderID) (venue \(order.state.venueOrderID)): \(order.symbol) \(order.side) \(order.quantity)\(price), executed \(order.state.executedQuantity); adopted")
        }
        var openOrders: [VenueOpenOrder] = []
        var finished: [FinishedOrder] = []
        for (id, ours) in belief.openOrders.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let executed = (try? ours.executedQuantity + (missedByOrder[id] ?? .zero)) ?? ours.executedQuantity
            if let theirs = venueOpen[id] {
                openOrders.append(theirs)
                if theirs.state.executedQuantity != executed {
                    differences.append("\(label): order \(id) executed \(theirs.state.executedQuantity) at the venue, \(executed) here with the missed fills")
                }
            } else if executed >= ours.quantity {
                finished.append(FinishedOrder(clientOrderID: id, symbol: ours.symbol, outcome: .filled))
                differences.append("\(label): order \(id) filled while away (\(ours.symbol) \(ours.side) \(ours.quantity))")
            } else {
                finished.append(FinishedOrder(clientOrderID: id, symbol: ours.symbol, outcome: .ended(executed: executed)))
                differences.append("\(label): order \(id) is no longer open at the venue (cancelled or expired, \(executed) of \(ours.quantity) executed)")
            }
        }
        self.openOrders = openOrders
        finishedOrders = finished

        var expected = belief.positions
        for fill in fillsToApply {
            let signed = fill.side == .buy ? fill.quantity : fill.quantity.negated
            expected[fill.symbol] = (try? (expected[fill.symbol] ?? .zero) + signed) ?? expected[fill.symbol]
        }
        let symbols = Set(expected.keys).union(venue.positions.keys).sorted()
        var positionDifferences: [PositionDifference] = []
        for symbol in symbols {
            let ours = expected[symbol] ?? .zero
            let theirs = venue.positions[symbol]?.quantity ?? .zero
            guard ours != theirs else { continue }
            positionDifferences.append(PositionDifference(symbol: symbol, expected: ours, venue: theirs))
            differences.append("\(label): position \(symbol) is \(theirs) at the venue, \(ours) here with the missed fills; the venue's is taken")
        }
        self.positionDifferences = positionDifferences
        self.differences = differences
    }

    /// By time, then trade id (as numbers when both are, as Binance's are).
    static func chronological(_ a: VenueFill, _ b: VenueFill) -> Bool {
        if a.time != b.time { return a.time < b.time }
        if let x = Int64(a.tradeID), let y = Int64(b.tradeID) { return x < y }
        return a.tradeID < b.tradeID
    }
}
