import HedgeCore

/// How long a live limit order may rest: IOC fills what it can now, GTC rests, post-only rests
/// only as a maker (Binance futures `GTX`, Binance spot `LIMIT_MAKER`, Bybit `PostOnly`).
public enum LiveTimeInForce: String, Sendable, Hashable, CaseIterable {
    case ioc, gtc, postOnly
}

/// Market, or limit at a price for a time in force.
public enum LiveOrderKind: Sendable, Hashable {
    case market
    case limit(price: FixedDecimal, timeInForce: LiveTimeInForce)
}

/// An order to send to a live venue. Our order id is the venue's client order id (Binance
/// `newClientOrderId`, Bybit `orderLinkId`), so an order whose answer was lost can be found again.
public struct LiveOrder: Sendable, Hashable {
    public var clientOrderID: OrderID
    public var symbol: String
    public var side: Side
    public var quantity: FixedDecimal
    public var kind: LiveOrderKind
    /// Only reduce a position (futures only; spot has no positions to reduce).
    public var reduceOnly: Bool

    public init(clientOrderID: OrderID, symbol: String, side: Side, quantity: FixedDecimal, kind: LiveOrderKind, reduceOnly: Bool = false) {
        self.clientOrderID = clientOrderID
        self.symbol = symbol
        self.side = side
        self.quantity = quantity
        self.kind = kind
        self.reduceOnly = reduceOnly
    }
}

/// Where an order stands at the venue, in words common to both venues.
public enum LiveOrderStatus: String, Sendable, Hashable {
    /// Accepted and resting (or a conditional order not yet triggered).
    case new
    case partiallyFilled
    case filled
    /// Cancelled, by us or by the venue (IOC remainder, post-only that would have taken);
    /// `executedQuantity` says how much filled before.
    case canceled
    case rejected
    case expired
    /// Taken by the venue, whose answer carries only ids (Bybit's create and cancel): query the
    /// order for its fills.
    case acknowledged

    /// Whether the order may still fill (resting, partly filled, or only acknowledged so far).
    public var isWorking: Bool {
        switch self {
        case .new, .partiallyFilled, .acknowledged: true
        case .filled, .canceled, .rejected, .expired: false
        }
    }
}

/// An order's state as the venue reported it. Quantities and prices are exact decimals.
public struct LiveOrderState: Sendable, Hashable {
    public var clientOrderID: OrderID
    public var venueOrderID: String
    public var status: LiveOrderStatus
    public var executedQuantity: FixedDecimal
    /// The average fill price; nil while nothing is filled (or unknown, as with `acknowledged`).
    public var averagePrice: FixedDecimal?

    public init(clientOrderID: OrderID, venueOrderID: String, status: LiveOrderStatus, executedQuantity: FixedDecimal, averagePrice: FixedDecimal?) {
        self.clientOrderID = clientOrderID
        self.venueOrderID = venueOrderID
        self.status = status
        self.executedQuantity = executedQuantity
        self.averagePrice = averagePrice
    }
}
