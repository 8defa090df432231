import HedgeCore

/// The words of an order, the same on both venues; each dialect spells them its own way.
enum OrderSide: Sendable, Hashable {
    case buy, sell

    /// +1 for a buy, −1 for a sell: the sign a fill gives the position.
    var sign: Int64 { self == .buy ? 1 : -1 }
}

enum OrderKind: Sendable, Hashable { case market, limit }

enum TimeInForce: Sendable, Hashable {
    /// Rests until filled or cancelled.
    case goodTillCancel
    /// Takes what it can now; the rest expires.
    case immediateOrCancel
    /// Fills whole now or not at all.
    case fillOrKill
    /// Rests only: refused (Binance GTX) or cancelled (Bybit PostOnly) if it would take.
    case postOnly
}

/// Where an order stands. Binance: NEW, PARTIALLY_FILLED, FILLED, CANCELED, EXPIRED; Bybit:
/// New, PartiallyFilled, Filled, Cancelled, PartiallyFilledCanceled.
enum OrderStatus: Sendable, Hashable {
    case new, partiallyFilled, filled, canceled, expired

    var isOpen: Bool { self == .new || self == .partiallyFilled }
}

/// An order as the client asked for it, after the dialect has read its parameters.
struct OrderTicket: Sendable, Hashable {
    var symbol: String
    var side: OrderSide
    var kind: OrderKind
    var quantity: FixedDecimal
    /// Limit orders only.
    var price: FixedDecimal?
    var timeInForce: TimeInForce
    var reduceOnly: Bool
    /// The client's own id; nil: the exchange makes one.
    var clientID: String?
}

/// An order the exchange holds: what was asked, what was done.
struct ExchangeOrder: Sendable, Hashable {
    var id: Int64
    var clientID: String
    var request: OrderTicket
    var status: OrderStatus
    /// Base quantity filled so far.
    var executed: FixedDecimal = .zero
    /// Σ price × quantity of the fills (Binance `cumQuote`, Bybit `cumExecValue`).
    var executedQuote: FixedDecimal = .zero
    /// Σ fees of the fills, in the settlement asset (Bybit `cumExecFee`).
    var fee: FixedDecimal = .zero
    /// Venue milliseconds.
    var createdAt: Int64
    var updatedAt: Int64

    /// The average fill price, or zero before any fill.
    var averagePrice: FixedDecimal {
        guard executed.isPositive else { return .zero }
        return (try? executedQuote.divided(by: executed)) ?? .zero
    }

    var remaining: FixedDecimal { (try? request.quantity - executed) ?? .zero }
}

/// Why the exchange refuses an order request; each dialect answers with its venue's code.
enum OrderRefusal: Error, Sendable, Hashable {
    case unknownSymbol
    /// Quantity or price not positive.
    case invalidQuantity
    case missingPrice
    /// The client id is already used by an order of the account.
    case duplicateClientID
    /// The initial margin is more than the available balance.
    case insufficientMargin
    /// Reduce-only with nothing to reduce (no position, or one on the same side).
    case reduceOnlyRejected
    /// Post-only that would take liquidity now.
    case postOnlyWouldTake
    /// No book yet for the symbol (the recording has not reached a snapshot).
    case noBook
    case orderNotFound
}
