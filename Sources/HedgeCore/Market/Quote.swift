/// The best bid and offer of one instrument at one instant.
public struct Quote: Sendable, Hashable, Codable {
    public var bid: FixedDecimal
    public var bidSize: FixedDecimal
    public var ask: FixedDecimal
    public var askSize: FixedDecimal
    /// The venue's event time.
    public var time: Timestamp

    @inlinable
    public init(bid: FixedDecimal, bidSize: FixedDecimal, ask: FixedDecimal, askSize: FixedDecimal, time: Timestamp) {
        self.bid = bid
        self.bidSize = bidSize
        self.ask = ask
        self.askSize = askSize
        self.time = time
    }

    /// The mid price, rounded half-even to eight places.
    @inlinable public var mid: FixedDecimal {
        // (bid + ask) / 2 in units, rounded half-even; in Int64 when the sum fits (always, for
        // validated prices), else the same steps in Int128.
        let (small, overflow) = bid.units.addingReportingOverflow(ask.units)
        if !overflow {
            let half = small / 2
            let roundUp = small % 2 != 0 && half % 2 != 0
            return FixedDecimal(units: half + (roundUp ? 1 : 0))
        }
        let sum = Int128(bid.units) + Int128(ask.units)
        let half = sum / 2
        let roundUp = sum % 2 != 0 && half % 2 != 0
        return FixedDecimal(units: Int64(half + (roundUp ? 1 : 0)))
    }

    /// The price a taker pays (`buy`) or receives (`sell`) at the top of book.
    @inlinable public func price(toTake side: Side) -> FixedDecimal { side == .buy ? ask : bid }

    /// Size displayed at the top on the side a taker of `side` consumes.
    @inlinable public func size(toTake side: Side) -> FixedDecimal { side == .buy ? askSize : bidSize }

    /// `defect == nil`, without building the reason: the per-quote check.
    @inlinable public var isUsable: Bool {
        bid.units > 0 && ask.units > 0 && bidSize.units >= 0 && askSize.units >= 0 && bid.units <= ask.units
    }

    /// Why the core refuses this quote, or nil when it is usable.
    @inlinable public var defect: QuoteDefect? {
        if !bid.isPositive { return .nonPositivePrice(side: .buy, price: bid) }
        if !ask.isPositive { return .nonPositivePrice(side: .sell, price: ask) }
        if bidSize.isNegative || askSize.isNegative { return .negativeSize }
        if bid > ask { return .crossed(bid: bid, ask: ask) }
        return nil
    }
}

/// A reason a quote is refused. NaN and text that is not a number never become a `FixedDecimal`,
/// so they are refused by the decoder before they get here.
public enum QuoteDefect: Sendable, Hashable, CustomStringConvertible {
    case nonPositivePrice(side: Side, price: FixedDecimal)
    case negativeSize
    case crossed(bid: FixedDecimal, ask: FixedDecimal)
    case notANumber(String)

    public var description: String {
        switch self {
        case .nonPositivePrice(let side, let price): "\(side == .buy ? "bid" : "ask") price \(price) is not positive"
        case .negativeSize: "negative size"
        case .crossed(let bid, let ask): "crossed book: bid \(bid) above ask \(ask)"
        case .notANumber(let text): "price \(text) is not a number"
        }
    }
}
