import HedgeCore

/// An order the venue lists as open, with what reconciliation needs to adopt it.
public struct VenueOpenOrder: Sendable, Hashable {
    public var symbol: String
    public var side: Side
    public var quantity: FixedDecimal
    /// nil for a market order.
    public var price: FixedDecimal?
    public var state: LiveOrderState

    public init(symbol: String, side: Side, quantity: FixedDecimal, price: FixedDecimal?, state: LiveOrderState) {
        self.symbol = symbol
        self.side = side
        self.quantity = quantity
        self.price = price
        self.state = state
    }
}

/// One symbol's position in one-way mode: signed quantity (long > 0), average entry price.
public struct VenuePosition: Sendable, Hashable {
    public var symbol: String
    public var quantity: FixedDecimal
    public var entryPrice: FixedDecimal

    public init(symbol: String, quantity: FixedDecimal, entryPrice: FixedDecimal) {
        self.symbol = symbol
        self.quantity = quantity
        self.entryPrice = entryPrice
    }
}

/// One asset's wallet balance and what of it is free for new orders.
public struct VenueBalance: Sendable, Hashable {
    public var asset: String
    public var wallet: FixedDecimal
    public var available: FixedDecimal

    public init(asset: String, wallet: FixedDecimal, available: FixedDecimal) {
        self.asset = asset
        self.wallet = wallet
        self.available = available
    }
}

/// One fill as the venue lists it afterwards. `tradeID` (Binance trade `id`, Bybit `execId`) is
/// what makes applying it exactly once possible.
public struct VenueFill: Sendable, Hashable {
    public var tradeID: String
    public var symbol: String
    public var venueOrderID: String
    /// Our id of its order; nil when the venue's answer does not carry it and it could not be
    /// found (Binance's userTrades gives orderId only).
    public var clientOrderID: OrderID?
    public var side: Side
    public var price: FixedDecimal
    public var quantity: FixedDecimal
    /// Paid (negative: a rebate), in `feeAsset`.
    public var fee: FixedDecimal
    public var feeAsset: String
    public var isMaker: Bool
    /// Venue time, Unix milliseconds.
    public var time: Int64

    public init(tradeID: String, symbol: String, venueOrderID: String, clientOrderID: OrderID?, side: Side, price: FixedDecimal,
                quantity: FixedDecimal, fee: FixedDecimal, feeAsset: String, isMaker: Bool, time: Int64) {
        self.tradeID = tradeID
        self.symbol = symbol
        self.venueOrderID = venueOrderID
        self.clientOrderID = clientOrderID
        self.side = side
        self.price = price
        self.quantity = quantity
        self.fee = fee
        self.feeAsset = feeAsset
        self.isMaker = isMaker
        self.time = time
    }
}

/// What one venue says about an account, read over REST for reconciliation: open orders,
/// positions, balances and the fills since a time.
public struct VenueAccountState: Sendable, Hashable {
    public var venue: LiveVenueKind
    /// The venue's time when the reads were done.
    public var readAt: Int64
    public var openOrders: [VenueOpenOrder]
    /// By symbol; symbols read without a position are absent.
    public var positions: [String: VenuePosition]
    public var balances: [String: VenueBalance]
    /// Oldest first (time, then trade id), each trade id once.
    public var fills: [VenueFill]

    public init(venue: LiveVenueKind, readAt: Int64, openOrders: [VenueOpenOrder], positions: [String: VenuePosition],
                balances: [String: VenueBalance], fills: [VenueFill]) {
        self.venue = venue
        self.readAt = readAt
        self.openOrders = openOrders
        self.positions = positions
        self.balances = balances
        self.fills = fills
    }
}

/// Where a listing of trades stands: a time window (at most the venue's 7 days) and, after a
/// full page, the venue's cursor (Binance: the next `fromId`; Bybit: `nextPageCursor`).
struct TradePage: Sendable, Hashable {
    var startTime: Int64
    var endTime: Int64
    var cursor: String?

    /// Both venues refuse windows longer than 7 days.
    static let longestWindow: Int64 = 7 * 24 * 3_600_000
}
