import HedgeCore

/// A place the engine trades: it takes orders and cancels and answers them, holds positions,
/// balances and margin, passes market data on to the strategies (when, and whether at all), and
/// says how healthy its connection is. `SimulatedVenue` is the paper one.
///
/// The engine is generic over its venue (`TradingEngine<V: Venue>`), so a quote reaches a venue
/// by a direct, specialised call: no existential is opened per quote.
public protocol Venue: Sendable {
    /// The venue's name, as instruments name it (`InstrumentID.venue`).
    var name: String { get }
    /// The contracts it lists.
    var contracts: [InstrumentID: ContractSpec] { get }

    // MARK: Orders

    /// An order reaching the venue at `time`: its answers (none while the venue is down), how they
    /// travel back, and in `reports` anything else the order caused (resting orders filled...).
    mutating func receive(_ order: OrderRequest, at time: Timestamp, reports: inout [VenueReport])
        -> (updates: [OrderUpdate], delivery: AnswerDelivery)
    /// A cancel reaching the venue at `time`, and its answers (none yet from a venue that answers
    /// `.later`).
    mutating func cancel(_ id: OrderID, at time: Timestamp) -> [OrderUpdate]
    /// What the venue knows of an order: whether it is finished, how much filled, its answers.
    func orderStatus(_ id: OrderID) -> (finished: Bool, filled: FixedDecimal, history: [OrderUpdate])?
    /// The delay before an order reaches the venue, or an answer comes back from it.
    mutating func nextLatency() -> Duration

    // MARK: Positions, balances and margin

    /// The venue's position per instrument: what reconciliation trusts.
    var positions: [InstrumentID: Position] { get }
    /// Changes whenever `positions` may have changed, so the engine compares them with the
    /// strategies' only then.
    var positionRevision: UInt64 { get }
    /// Margin free and in use in a settlement asset.
    func marginStatus(asset: String) -> MarginStatus
    /// The mark price at which the instrument's position would be liquidated, if any.
    func liquidationPrice(_ id: InstrumentID) -> FixedDecimal?
    /// The venue's mark price of an instrument, if it has one.
    func markPrice(_ id: InstrumentID) -> FixedDecimal?
    /// The venue's books of account (orders, fills, positions, balances), saved after every change.
    var ledger: VenueLedger { get }
    /// Takes back books of account saved by an earlier run.
    mutating func restore(_ ledger: VenueLedger) throws(VenueLedgerError)

    // MARK: Market data it delivers

    /// The slot of `id`'s book, for `receiveQuote(_:slot:)`: nil when the venue does not list `id`.
    mutating func quoteSlot(for id: InstrumentID) -> Int?
    /// A quote on the instrument at `slot` reaching the venue: what it reports, whether the
    /// strategies must not see the quote, the latency before they do, and whether a position moved.
    mutating func receiveQuote(_ quote: Quote, slot: Int) -> MarketDataReceipt
    /// `receiveQuote(_:slot:)` for an instrument found by its id.
    mutating func receiveQuote(_ quote: Quote, of id: InstrumentID) -> MarketDataReceipt
    /// Market data other than a quote (depth, trades, marks, funding rates) reaching the venue.
    mutating func receiveMarket(_ event: MarketEvent) -> MarketDataReceipt

    /// Its answers come over the network, and always come in the end: an order it has not
    /// finished is never given up as unanswered (a live venue).
    var answersLater: Bool { get }
    /// The venue's books have just been saved: what had to wait for that may go now (a live
    /// venue sends its orders only once the venue state holds them).
    mutating func booksSaved()
    /// What the venue answered on its own time since the last call: a live venue's order answers,
    /// fills and cancels arrive over the network, not in `receive`'s return. The engine takes them
    /// once per turn of its loop.
    mutating func collectReports(at time: Timestamp) -> [VenueReport]

    // MARK: Settlement

    /// The next time something settles on its own (funding, an expiry), if any.
    var nextSettlementTime: Timestamp? { get }
    /// Settles what fell due up to `time`, and says what the strategies must be told.
    mutating func advance(to time: Timestamp) -> [VenueReport]

    // MARK: Connection

    /// How the connection stands at `time`, with the time of the venue's last message.
    func health(at time: Timestamp) -> VenueHealth
    /// The next time after `time` at which the connection's state is known to change (an outage
    /// the venue announced, or one a fault plan injects), so the engine can say so when it does.
    func nextHealthChange(after time: Timestamp) -> Timestamp?
}

extension Venue {
    /// A venue that answers within `receive` and `cancel` (a simulated one) has nothing later.
    public mutating func collectReports(at time: Timestamp) -> [VenueReport] { [] }
    public var answersLater: Bool { false }
    public mutating func booksSaved() {}

    /// A venue that announces nothing ahead: its connection changes are noticed as they happen.
    public func nextHealthChange(after time: Timestamp) -> Timestamp? { nil }
}

/// What a venue did with a piece of market data: what it reports, whether the strategies must not
/// see it (stale data), the market-data latency before they do (in nanoseconds; 0 when withheld),
/// and whether a position moved. A tuple: it is returned per quote.
public typealias MarketDataReceipt = (reports: [VenueReport], withheld: Bool, latencyNanoseconds: Int64, moved: Bool)
