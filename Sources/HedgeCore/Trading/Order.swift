/// An order identifier chosen by the strategy, unique per run ("S1-7").
public struct OrderID: Sendable, Hashable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }
}

/// Market orders take liquidity now (IOC: what cannot fill is cancelled); limit orders rest.
public enum OrderType: Sendable, Hashable, Codable {
    case market
    case limit(price: FixedDecimal)
}

/// Why the strategy sent an order, shown on screen and written to the journal.
public enum OrderPurpose: String, Sendable, Hashable, Codable {
    case open, hedge, adjust, close, flatten
}

/// What the strategy asks a venue to do.
public struct OrderRequest: Sendable, Hashable, Codable {
    public var id: OrderID
    public var leg: Leg
    public var instrument: InstrumentID
    public var side: Side
    public var quantity: FixedDecimal
    public var type: OrderType
    public var reduceOnly: Bool
    public var purpose: OrderPurpose

    public init(id: OrderID, leg: Leg, instrument: InstrumentID, side: Side, quantity: FixedDecimal,
                type: OrderType = .market, reduceOnly: Bool = false, purpose: OrderPurpose) {
        self.id = id
        self.leg = leg
        self.instrument = instrument
        self.side = side
        self.quantity = quantity
        self.type = type
        self.reduceOnly = reduceOnly
        self.purpose = purpose
    }
}

/// What the venue knew of the book when it made a fill: a fill priced by a model rather than by
/// recorded levels says so, and the report counts it.
public enum FillBookKnowledge: String, Sendable, Hashable, Codable {
    /// Recorded depth: the fill walked levels the feed showed.
    case depth
    /// Only the top of book was known (before the first depth update): what the top could not
    /// fill was priced one tick worse (NautilusTrader's model).
    case topOnly
    /// The order walked past the deepest level the book keeps (its bound dropped deeper ones):
    /// the rest was priced one tick beyond the deepest kept level, so no bound leaves it unfilled.
    case beyondKeptDepth
}

/// One execution against an order.
public struct Fill: Sendable, Hashable, Codable {
    public var orderID: OrderID
    public var side: Side
    public var price: FixedDecimal
    public var quantity: FixedDecimal
    /// In the contract's settlement asset; negative is a rebate.
    public var fee: FixedDecimal
    public var liquidity: Liquidity
    public var time: Timestamp
    /// The venue's id for this execution, unique per venue. A fill reported twice (a late answer
    /// after a cancel told the truth) carries the same id, so it is counted once.
    public var tradeID: UInt64?
    /// What the simulated venue knew of the book for a taker fill; nil for maker fills and for
    /// venues that do not say.
    public var book: FillBookKnowledge?

    public init(orderID: OrderID, side: Side, price: FixedDecimal, quantity: FixedDecimal,
                fee: FixedDecimal, liquidity: Liquidity, time: Timestamp, tradeID: UInt64? = nil,
                book: FillBookKnowledge? = nil) {
        self.tradeID = tradeID
        self.book = book
        self.orderID = orderID
        self.side = side
        self.price = price
        self.quantity = quantity
        self.fee = fee
        self.liquidity = liquidity
        self.time = time
    }
}

/// What a venue reports about an order.
public enum OrderUpdate: Sendable, Hashable, Codable {
    case accepted(OrderID)
    /// A fill; `remaining` is what is still working (0 when the order is done).
    case filled(Fill, remaining: FixedDecimal)
    case rejected(OrderID, reason: String)
    /// Cancelled (by request, or an IOC remainder) with `filled` executed before.
    case cancelled(OrderID, filled: FixedDecimal, reason: String)

    public var orderID: OrderID {
        switch self {
        case .accepted(let id), .rejected(let id, _), .cancelled(let id, _, _): id
        case .filled(let fill, _): fill.orderID
        }
    }

    /// Whether the order is done after this answer.
    public var endsOrder: Bool {
        switch self {
        case .accepted: false
        case .filled(_, let remaining): remaining.isZero
        case .rejected, .cancelled: true
        }
    }
}
