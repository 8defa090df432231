import HedgeCore

/// Limits across all strategies (the `[limits]` table). nil means no limit. Parsed and checked
/// here; the engine enforces them.
public struct PortfolioLimits: Sendable, Hashable, Codable {
    /// Spreads open at once, over all strategies.
    public var maxOpenSpreads: Int?
    /// Notional of one spread (one leg's target notional), USD.
    public var maxNotionalPerSpread: FixedDecimal?
    /// Notional of all open spreads together, USD.
    public var maxTotalNotional: FixedDecimal?
    /// Margin in use over equity, 0 < x ≤ 1, per venue.
    public var maxMarginUtilisation: Double?
    /// A strategy halts (ERROR) after this many failed attempts in a row.
    public var maxConsecutiveErrors: Int?

    public init(maxOpenSpreads: Int? = nil, maxNotionalPerSpread: FixedDecimal? = nil, maxTotalNotional: FixedDecimal? = nil,
                maxMarginUtilisation: Double? = nil, maxConsecutiveErrors: Int? = nil) {
        self.maxOpenSpreads = maxOpenSpreads
        self.maxNotionalPerSpread = maxNotionalPerSpread
        self.maxTotalNotional = maxTotalNotional
        self.maxMarginUtilisation = maxMarginUtilisation
        self.maxConsecutiveErrors = maxConsecutiveErrors
    }

    /// No limits.
    public static let none = PortfolioLimits()
}
