/// How a threshold on the spread's deviation from fair value is expressed.
public enum Threshold: Sendable, Hashable, Codable, CustomStringConvertible {
    /// In basis points of leg B's price.
    case bps(FixedDecimal)
    /// In standard deviations of the rolling spread.
    case z(Double)

    public var description: String {
        switch self {
        case .bps(let value): "\(value) bps"
        case .z(let value): "\(value.formatted1)σ"
        }
    }

    /// The largest threshold in standard deviations a config or a command may set.
    static let maximumZ: Double = 20
    /// The largest threshold in basis points a config or a command may set.
    static let maximumBps: FixedDecimal = 10_000

    /// Why this threshold is beyond what a config or a command may set, or nil.
    public var rangeProblem: String? {
        switch self {
        case .z(let value) where value > Self.maximumZ: "\(self) is out of range (0 to \(Int(Self.maximumZ))σ)"
        case .bps(let value) where value > Self.maximumBps: "\(self) is out of range (0 to \(Self.maximumBps) bps)"
        default: nil
        }
    }
}

extension Double {
    /// One decimal place, for labels.
    public var formatted1: String { formatted(places: 1) }

    /// `places` decimal places (1 to 6), for labels.
    public func formatted(places: Int) -> String {
        // Beyond what an Int holds (or not a number): said plainly, never converted.
        guard isFinite, abs(self) < 1e12 else { return "\(self)" }
        let unit = (0..<max(1, min(6, places))).reduce(1) { acc, _ in acc * 10 }
        let scaled = Int((self * Double(unit)).rounded())
        let whole = scaled / unit
        let fraction = String(abs(scaled % unit))
        let sign = scaled < 0 && whole == 0 ? "-" : ""
        return "\(sign)\(whole)." + String(repeating: "0", count: String(unit).count - 1 - fraction.count) + fraction
    }
}

/// Which leg is sent first when a spread opens; the second always hedges what the first filled.
public enum LegOrder: String, Sendable, Hashable, Codable, CaseIterable {
    /// The leg whose book shows less of the size needed: the harder fill goes first, while
    /// nothing is at risk yet.
    case thinnerFirst = "thinner-first"
    case aFirst = "a-first"
    case bFirst = "b-first"
}

/// Everything that shapes one strategy's decisions. Defaults are a sensible calendar spread.
public struct StrategyConfig: Sendable, Hashable, Codable {
    public var name: String
    public var kind: StrategyKind
    public var legs: PerLeg<ContractSpec>
    /// Target size per leg, in USD of notional.
    public var targetNotional: FixedDecimal
    /// Enter when the deviation from fair value reaches this.
    public var entry: Threshold
    /// Exit (convergence) when the deviation is back within this.
    public var exit: Threshold
    /// Edge required beyond fees and slippage before entering, in bps.
    public var minEdgeBps: FixedDecimal
    /// Close when net PnL reaches this many bps of the target notional.
    public var profitTargetBps: FixedDecimal?
    /// Close when net PnL falls to minus this many bps of the target notional.
    public var stopLossBps: FixedDecimal?
    /// Close when the spread has moved this many bps against the entry.
    public var spreadStopBps: FixedDecimal?
    public var maxHolding: Duration?
    /// Wait after a completed cycle before scanning again, so it cannot thrash on fees.
    public var cooldown: Duration
    /// Close when σ of the spread exceeds this multiple of σ at entry.
    public var volatilityStopMultiple: Double?
    /// Close this long before the earliest expiry of either leg.
    public var expiryGuard: Duration
    /// Close when the venue's margin ratio (maintenance / equity) reaches this.
    public var marginGuardRatio: Double
    /// Refuse an entry whose estimated slippage exceeds this, in bps.
    public var maxSlippageBps: FixedDecimal
    /// An order with no final answer after this is treated as failed.
    public var orderTimeout: Duration
    /// How long UNWINDING may try to re-hedge before it flattens the lone leg.
    public var hedgeDeadline: Duration
    public var maxHedgeAttempts: Int
    /// Rebalance when the legs' base exposure differs by more than this fraction.
    public var driftTolerance: FixedDecimal
    /// The spread is sampled for statistics once per interval.
    public var sampleInterval: Duration
    public var window: Int
    /// Samples needed before z-scores count.
    public var warmupSamples: Int
    /// Stop after one cycle.
    public var singleShot: Bool
    /// Halt (ERROR) after this many failed attempts in a row.
    public var maxConsecutiveErrors: Int
    /// Halt (ERROR) after this many refused quotes in a row while scanning.
    var badQuoteLimit: Int
    /// Which leg opens first.
    public var legOrder: LegOrder = .thinnerFirst
    /// Each leg's venue limit on the age of its market data: older, the leg is stale and no
    /// entry or adjustment is sent on it (closing still is).
    public var staleAfter = PerLeg(repeating: StrategyConfig.defaultStaleAfter)

    /// A leg with no market data for longer than this is stale, unless its venue says otherwise:
    /// three missed mark prices of a venue that sends one a second.
    public static let defaultStaleAfter: Duration = .seconds(3)

    public init(
        name: String, kind: StrategyKind, legs: PerLeg<ContractSpec>, targetNotional: FixedDecimal,
        entry: Threshold, exit: Threshold, minEdgeBps: FixedDecimal = "1",
        profitTargetBps: FixedDecimal? = nil, stopLossBps: FixedDecimal? = "50",
        spreadStopBps: FixedDecimal? = nil, maxHolding: Duration? = .seconds(48 * 3600),
        cooldown: Duration = .seconds(10), volatilityStopMultiple: Double? = 4,
        expiryGuard: Duration = .seconds(3600), marginGuardRatio: Double = 0.8,
        maxSlippageBps: FixedDecimal = "5", orderTimeout: Duration = .seconds(5),
        hedgeDeadline: Duration = .seconds(10), maxHedgeAttempts: Int = 3,
        driftTolerance: FixedDecimal = "0.02", sampleInterval: Duration = .seconds(1),
        window: Int = 120, warmupSamples: Int = 30, singleShot: Bool = false,
        maxConsecutiveErrors: Int = 3, badQuoteLimit: Int = 100
    ) {
        self.name = name
        self.kind = kind
        self.legs = legs
        self.targetNotional = targetNotional
        self.entry = entry
        self.exit = exit
        self.minEdgeBps = minEdgeBps
        self.profitTargetBps = profitTargetBps
        self.stopLossBps = stopLossBps
        self.spreadStopBps = spreadStopBps
        self.maxHolding = maxHolding
        self.cooldown = cooldown
        self.volatilityStopMultiple = volatilityStopMultiple
        self.expiryGuard = expiryGuard
        self.marginGuardRatio = marginGuardRatio
        self.maxSlippageBps = maxSlippageBps
        self.orderTimeout = orderTimeout
        self.hedgeDeadline = hedgeDeadline
        self.maxHedgeAttempts = maxHedgeAttempts
        self.driftTolerance = driftTolerance
        self.sampleInterval = sampleInterval
        self.window = window
        self.warmupSamples = warmupSamples
        self.singleShot = singleShot
        self.maxConsecutiveErrors = maxConsecutiveErrors
        self.badQuoteLimit = badQuoteLimit
    }

    /// Round-trip taker fees in bps: four fills (open and close on both legs).
    public var roundTripFeeBps: FixedDecimal {
        let a = legs.a.fees.taker
        let b = legs.b.fees.taker
        // (2a + 2b) × 10 000
        let sum = (try? (a + b).multiplied(by: 2).multiplied(by: 10_000)) ?? .max
        return sum
    }
}
