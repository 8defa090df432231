import HedgeCore

/// What an account's private stream tells, in words common to both venues: order changes with
/// their fills, positions, balances, and the stream's own moments that call for a reconcile.
public enum PrivateEvent: Sendable, Hashable {
    /// An order changed: placed, filled (in part), cancelled, expired.
    case order(PrivateOrderUpdate)
    /// A position after a fill or a venue's own change (liquidation, ADL).
    case position(PrivatePosition)
    /// A wallet balance after a fill's fee and realized PnL, a funding payment or a transfer.
    case balance(PrivateBalance)
    /// The stream was (re)connected, or its listen key renewed: updates may have been missed
    /// while it was down, so open orders, positions and balances must be asked for by REST.
    case reconcileNeeded(reason: String)
}

/// One fill of an order. The venue's trade id makes applying it idempotent: a fill seen twice
/// (the order topic and a replay after a reconnect) is applied once.
public struct PrivateFill: Sendable, Hashable {
    public var tradeID: String
    public var quantity: FixedDecimal
    public var price: FixedDecimal
    /// The fee charged for this fill, in `feeAsset` (negative: a rebate).
    public var fee: FixedDecimal
    public var feeAsset: String?
    public var isMaker: Bool

    public init(tradeID: String, quantity: FixedDecimal, price: FixedDecimal, fee: FixedDecimal, feeAsset: String?, isMaker: Bool) {
        self.tradeID = tradeID
        self.quantity = quantity
        self.price = price
        self.fee = fee
        self.feeAsset = feeAsset
        self.isMaker = isMaker
    }
}

/// An order's new state as the stream reported it, with the fill that changed it, if any.
public struct PrivateOrderUpdate: Sendable, Hashable {
    /// Our order id; empty for an order placed elsewhere without one (Bybit's web page).
    public var clientOrderID: OrderID
    public var venueOrderID: String
    public var symbol: String
    public var status: LiveOrderStatus
    /// Filled so far, this fill included.
    public var executedQuantity: FixedDecimal
    public var fill: PrivateFill?
    /// The venue's time of the change, Unix ms.
    public var venueTimeMillis: Int64

    public init(clientOrderID: OrderID, venueOrderID: String, symbol: String, status: LiveOrderStatus, executedQuantity: FixedDecimal,
                fill: PrivateFill?, venueTimeMillis: Int64) {
        self.clientOrderID = clientOrderID
        self.venueOrderID = venueOrderID
        self.symbol = symbol
        self.status = status
        self.executedQuantity = executedQuantity
        self.fill = fill
        self.venueTimeMillis = venueTimeMillis
    }
}

/// A position after a change: `quantity` signed (negative: short), zero when closed.
public struct PrivatePosition: Sendable, Hashable {
    public var symbol: String
    public var quantity: FixedDecimal
    public var entryPrice: FixedDecimal
    public var unrealizedPnL: FixedDecimal?
    public var venueTimeMillis: Int64

    public init(symbol: String, quantity: FixedDecimal, entryPrice: FixedDecimal, unrealizedPnL: FixedDecimal?, venueTimeMillis: Int64) {
        self.symbol = symbol
        self.quantity = quantity
        self.entryPrice = entryPrice
        self.unrealizedPnL = unrealizedPnL
        self.venueTimeMillis = venueTimeMillis
    }
}

/// An asset's wallet balance after a change.
public struct PrivateBalance: Sendable, Hashable {
    public var asset: String
    public var walletBalance: FixedDecimal
    public var venueTimeMillis: Int64

    public init(asset: String, walletBalance: FixedDecimal, venueTimeMillis: Int64) {
        self.asset = asset
        self.walletBalance = walletBalance
        self.venueTimeMillis = venueTimeMillis
    }
}

/// A private-stream message that could not be read: which venue, what was wrong, and a short
/// excerpt of the message (private messages carry no secret; the excerpt is cut at 160 bytes).
public struct PrivateStreamFault: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// Not a JSON object.
        case notJSON
        /// A field the message must have is missing or of the wrong type.
        case missingField
        /// A money or quantity field is not an exact decimal.
        case badDecimal
        /// An order status the venues' documentation does not list.
        case unknownStatus
    }

    public var venue: LiveVenueKind
    public var kind: Kind
    public var detail: String

    public init(venue: LiveVenueKind, kind: Kind, detail: String) {
        self.venue = venue
        self.kind = kind
        self.detail = detail
    }

    public var description: String { "\(venue.rawValue) private stream: \(kind.rawValue): \(detail)" }
}
