import HedgeCore
import HedgeVenues

/// What the engine asks of a live venue, in the order it asked: sent by `LiveTrader`.
public enum LiveVenueRequest: Sendable, Hashable {
    /// An order, with the engine's time when it decided to send it: the receipt time of the
    /// market data that led to it (tick-to-order is measured from there).
    case place(OrderRequest, decidedAt: Timestamp)
    case cancel(OrderID, InstrumentID)
}

/// One execution as the venue reported it, in our clock (the venue's time less the measured
/// offset) and in the contract's settlement asset.
public struct LiveExecution: Sendable, Hashable {
    /// The venue's trade id: a fill is applied once per (order, trade id), however often reported.
    public var tradeID: String
    public var quantity: FixedDecimal
    public var price: FixedDecimal
    /// Paid (positive) or rebated (negative), in the settlement asset.
    public var fee: FixedDecimal
    public var isMaker: Bool
    public var time: Timestamp

    public init(tradeID: String, quantity: FixedDecimal, price: FixedDecimal, fee: FixedDecimal, isMaker: Bool, time: Timestamp) {
        self.tradeID = tradeID
        self.quantity = quantity
        self.price = price
        self.fee = fee
        self.isMaker = isMaker
        self.time = time
    }
}

/// What came back from a live venue, in arrival order: typed facts for `LiveVenue` to apply.
public enum LiveVenueAnswer: Sendable, Hashable {
    /// The venue has the order (resting, or about to report its fills).
    case accepted(OrderID)
    /// The venue refused it, or it never reached the venue: nothing of it executed.
    case rejected(OrderID, reason: String)
    case fill(OrderID, LiveExecution)
    /// It ended without filling in full (cancelled, an IOC remainder, expired), after every fill
    /// above; `reason` says why.
    case ended(OrderID, reason: String)
    /// Wallet and available balance per asset, as last read.
    case balances([String: VenueBalance])
    /// The connection to the venue's order API, as the trader last found it.
    case health(VenueHealth.State, detail: String?)
}
