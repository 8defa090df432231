/// What the entry rule decided on one look at the spread (a quote while scanning, or the check
/// of a detected spread while validating). The machine keeps no tally: it states the fact, the
/// runtime counts it, and a report says why no spread opened without reading text back.
/// The payloads are a leg at most, so stating one per quote is a byte or two: no allocation, no
/// copying (a margin shortfall's amounts are in `HedgingStateMachine.lastMarginShortfall`).
public enum EntryCheck: Sendable, Hashable {
    /// No spread to judge: this leg has had no usable quote yet.
    case legWithoutQuote(Leg)
    /// This leg's quote was refused (crossed, or a price not positive).
    case quoteRefused(Leg)
    /// The rule cannot judge yet: its rolling statistics are warming up (or, for a z rule, the
    /// spread has not moved at all).
    case warmingUp
    /// The deviation from fair was inside the entry band.
    case outsideBand
    /// In the band and worth it: both legs sized, on to validation (SPREAD_DETECTED).
    case detected
    /// Validated on fresh quotes: the first leg's order went out.
    case opened
    /// Looked at, and not taken.
    case notTaken(EntryRefusal)
}

/// Why an entry the rule looked at was not taken.
public enum EntryRefusal: Sendable, Hashable {
    /// In the band while the trader had paused new entries.
    case paused
    /// In the band while a portfolio limit blocked new spreads.
    case portfolioLimit
    /// In the band (or detected), but this leg's market data was older than its `staleAfter`.
    case staleLeg(Leg)
    /// In the band, but the deviation did not pay the round trip's fees, the crossing and the
    /// minimum edge.
    case edgeBelowCosts
    /// In the band, but the earliest expiry was within the expiry guard.
    case expiryGuard
    /// In the band, but the legs could not be sized (lot, minimum notional, the same exposure).
    case cannotSize
    /// In the band, but a venue had too little free margin for a leg (the amounts:
    /// `HedgingStateMachine.lastMarginShortfall`).
    case margin
    /// Detected, then this leg's market data went stale before the first order was sent.
    case staleBeforeSending(Leg)
    /// Detected, then the fresh quotes no longer showed the entry.
    case goneOnFreshQuotes
    /// Detected, then a leg had no quote to validate against.
    case noQuoteToValidate
    /// Detected, then the estimated slippage was above `maxSlippageBps`.
    case slippage
    /// Detected, and no fresh quote came to validate it in time.
    case validationTimeout
}

/// What a leg lacked in margin to open: the amounts in its settlement asset. `required` is nil
/// when it could not be priced, `available` nil when the venue gave no margin information.
public struct MarginShortfall: Sendable, Hashable {
    public var leg: Leg
    public var required: FixedDecimal?
    public var available: FixedDecimal?

    public init(leg: Leg, required: FixedDecimal?, available: FixedDecimal?) {
        self.leg = leg
        self.required = required
        self.available = available
    }
}
