import HedgeCore

/// Every entry the rule looked at, counted by what it decided (`EntryCheck`), for the report's
/// "no trades" line and its JSON. A look is one quote while scanning (or the check of a detected
/// spread while validating); the counts are typed, never parsed back from a transition's text.
public struct EntryCheckTally: Sendable, Hashable, Codable {
    /// Quotes on which no spread could be judged: a leg had no quote yet, or its quote was refused.
    public var legWithoutQuote = 0
    public var quoteRefused = 0
    /// Quotes judged while the rolling statistics warmed up.
    public var warmingUp = 0
    /// Quotes with the deviation inside the entry band.
    public var outsideBand = 0
    /// Quotes with the deviation in the entry band: each was detected or not taken.
    public var bandReached = 0
    /// Spreads detected (sized, on to validation) and, of those, opened (first leg sent).
    public var detected = 0
    public var opened = 0
    /// Entries looked at and not taken, by reason.
    public var notTaken = NotTaken()
    /// The last margin shortfall that stopped an entry, with the remedy's facts (set from the
    /// machine's `lastMarginShortfall` by `withMargin(of:)`).
    public var lastMarginShortfall: MarginNeed?
    /// The entry arithmetic of the last spread whose capture did not pay its costs (set from the
    /// machine's `lastEdgeBelowCosts` by `withEdge(of:)`).
    public var lastEdgeBelowCosts: EntryEdge?

    /// Looks not taken, one count per `EntryRefusal`.
    public struct NotTaken: Sendable, Hashable, Codable {
        public var paused = 0
        public var portfolioLimit = 0
        public var staleLeg = 0
        public var edgeBelowCosts = 0
        public var expiryGuard = 0
        public var cannotSize = 0
        public var margin = 0
        public var staleBeforeSending = 0
        public var goneOnFreshQuotes = 0
        public var noQuoteToValidate = 0
        public var slippage = 0
        public var validationTimeout = 0

        /// Every reason with its count, in the order a report lists them.
        public var counts: [(reason: String, count: Int)] {
            [("paused", paused), ("portfolio limit", portfolioLimit), ("stale leg data", staleLeg),
             (Self.edgeReason, edgeBelowCosts),
             ("expiry guard", expiryGuard), ("cannot size", cannotSize), (Self.marginReason, margin),
             ("leg data went stale", staleBeforeSending), ("gone on fresh quotes", goneOnFreshQuotes), ("no quote to validate", noQuoteToValidate),
             ("slippage above the limit", slippage), ("validation timed out", validationTimeout)]
        }

        public var total: Int { counts.reduce(0) { $0 + $1.count } }

        static let marginReason = "margin"
        static let edgeReason = "edge below fees and crossing"
    }

    /// A leg's margin shortfall as the report states it: the venue and asset a balance must be
    /// given for (`--balance VENUE:ASSET=AMOUNT`, or `balances` under `[venues.VENUE]`).
    public struct MarginNeed: Sendable, Hashable, Codable {
        public var instrument: String
        public var venue: String
        public var asset: String
        /// Nil when it could not be priced.
        public var required: FixedDecimal?
        /// Nil when the venue gave no margin information.
        public var available: FixedDecimal?
    }

    public init() {}

    /// Counts one decision.
    @inline(__always)
    mutating func count(_ check: EntryCheck) {
        switch check {
        case .legWithoutQuote: legWithoutQuote += 1
        case .quoteRefused: quoteRefused += 1
        case .warmingUp: warmingUp += 1
        case .outsideBand: outsideBand += 1
        case .detected:
            bandReached += 1
            detected += 1
        case .opened: opened += 1
        case .notTaken(let refusal):
            switch refusal {
            case .paused: bandReached += 1; notTaken.paused += 1
            case .portfolioLimit: bandReached += 1; notTaken.portfolioLimit += 1
            case .staleLeg: bandReached += 1; notTaken.staleLeg += 1
            case .edgeBelowCosts: bandReached += 1; notTaken.edgeBelowCosts += 1
            case .expiryGuard: bandReached += 1; notTaken.expiryGuard += 1
            case .cannotSize: bandReached += 1; notTaken.cannotSize += 1
            case .margin: bandReached += 1; notTaken.margin += 1
            // After detection: the band was counted when the spread was detected.
            case .staleBeforeSending: notTaken.staleBeforeSending += 1
            case .goneOnFreshQuotes: notTaken.goneOnFreshQuotes += 1
            case .noQuoteToValidate: notTaken.noQuoteToValidate += 1
            case .slippage: notTaken.slippage += 1
            case .validationTimeout: notTaken.validationTimeout += 1
            }
        }
    }

    /// The tally with `machine`'s last margin shortfall, named by its leg's contract: the venue
    /// and the asset a balance must be given for.
    func withMargin(of machine: HedgingStateMachine) -> EntryCheckTally {
        var tally = self
        if notTaken.margin > 0, let shortfall = machine.lastMarginShortfall {
            let spec = machine.config.legs[shortfall.leg]
            tally.lastMarginShortfall = MarginNeed(instrument: spec.id.description, venue: spec.id.venue, asset: spec.settlementAsset,
                                                   required: shortfall.required, available: shortfall.available)
        }
        return tally
    }

    /// The tally with `machine`'s last entry whose capture did not pay its costs, with its figures.
    func withEdge(of machine: HedgingStateMachine) -> EntryCheckTally {
        var tally = self
        if notTaken.edgeBelowCosts > 0 { tally.lastEdgeBelowCosts = machine.lastEdgeBelowCosts }
        return tally
    }
}

extension TradingEngine {
    /// Each strategy's entry checks, in the order of `machines`.
    var entryChecks: [EntryCheckTally] { runners.map { $0.entryChecks.withMargin(of: $0.machine).withEdge(of: $0.machine) } }
}
