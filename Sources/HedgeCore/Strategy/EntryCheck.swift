/// What the entry rule decided on one look at the spread (a quote while scanning, or the check
/// of a detected spread while validating). The machine keeps no tally: it states the fact, the
/// runtime counts it, and a report says why no spread opened without reading text back.
/// The payloads are a leg at most, so stating one per quote is a byte or two: no allocation, no
/// copying (a margin shortfall's amounts are in `HedgingStateMachine.lastMarginShortfall`, an
/// edge's arithmetic in `lastEdgeBelowCosts`).
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
    /// In the band, but the capture (the deviation less the exit band) did not pay the round
    /// trip's fees, the crossing and the minimum edge (the figures:
    /// `HedgingStateMachine.lastEdgeBelowCosts`).
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

/// The entry rule's arithmetic on one look at a spread in the band: the capture it can expect
/// (the deviation less the exit band's distance, since the convergence exit closes the spread at
/// the band's edge, not at fair) against what the round trip costs. Typed, so the screen, the
/// journal and a report state the same figures; `description` is the rule in words.
public struct EntryEdge: Sendable, Hashable, Codable, CustomStringConvertible {
    /// |deviation| from the entry rule's fair value, in bps.
    public var deviationBps: Double
    /// How far from that fair value the exit band's near edge lies, in bps: the part of the
    /// deviation the convergence exit leaves uncaptured.
    public var exitBandBps: Double
    /// Taker fees of the round trip (four fills), in bps.
    public var feesBps: Double
    /// Crossing the bid/ask on both legs to enter and to exit, in bps.
    public var crossingBps: Double
    /// `min_edge_bps`: what the trade must earn beyond its costs.
    public var minEdgeBps: Double

    public init(deviationBps: Double, exitBandBps: Double, feesBps: Double, crossingBps: Double, minEdgeBps: Double) {
        self.deviationBps = deviationBps
        self.exitBandBps = exitBandBps
        self.feesBps = feesBps
        self.crossingBps = crossingBps
        self.minEdgeBps = minEdgeBps
    }

    /// What the spread can pay between entry and the exit band, in bps.
    public var captureBps: Double { deviationBps - exitBandBps }
    /// What it must pay: fees, crossing and the minimum edge, in bps.
    public var requiredBps: Double { feesBps + crossingBps + minEdgeBps }
    /// Whether the capture pays the costs: the rule's verdict.
    public var pays: Bool { captureBps >= requiredBps }

    /// `dev 12.4 − exit 3.1 = 9.3 bp ≥ fees 4.0 + cross 2.1 + edge 1.0 = 7.1 bp`: the sums are of
    /// the parts as shown, so the arithmetic reads true; where one place would show a verdict the
    /// figures contradict (`7.1 < 7.1`), two are shown.
    public var description: String {
        for places in [1, 2] {
            func shown(_ value: Double) -> Double { Double(value.formatted(places: places)) ?? value }
            let capture = shown(deviationBps) - shown(exitBandBps)
            let required = shown(feesBps) + shown(crossingBps) + shown(minEdgeBps)
            let shownPays = shown(capture) >= shown(required)
            if shownPays == pays && shown(capture) != shown(required) || places == 2 {
                return "dev \(deviationBps.formatted(places: places)) − exit \(exitBandBps.formatted(places: places)) = \(capture.formatted(places: places)) bp \(pays ? "≥" : "<") "
                    + "fees \(feesBps.formatted(places: places)) + cross \(crossingBps.formatted(places: places)) + edge \(minEdgeBps.formatted(places: places)) = \(required.formatted(places: places)) bp"
            }
        }
        return ""
    }
}
