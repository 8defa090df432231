import HedgeCore

/// The whole desk at a glance, built with each snapshot: PnL over every strategy (today and
/// since start), spreads open against the limit, the net exposure per base asset over every
/// leg, margin in use per account, and the funding ahead on each perpetual held. With thirty
/// strategies a net long BTC desk shows here at once, not one strategy at a time.
public struct DeskSummary: Sendable, Hashable, Codable {
    /// Net PnL (USD) over every strategy since `todayFrom`.
    public var netToday: FixedDecimal
    /// Realised PnL (USD, before fees and funding, as each strategy's `PnLSummary.realised`) since `todayFrom`.
    public var realisedToday: FixedDecimal
    /// Where "today" starts (`DayBaseline.from`): 00:00 UTC, or a restart later that day.
    public var todayFrom: Timestamp
    /// Net PnL (USD) over every strategy since the desk started (its journal's first trade).
    public var net: FixedDecimal
    public var realised: FixedDecimal
    /// Strategies holding a position or opening one.
    public var openSpreads: Int
    /// `PortfolioLimits.maxOpenSpreads`.
    public var openLimit: Int?
    /// Net exposure per base asset, largest in USD first; assets netting to zero are left out.
    public var exposures: [AssetExposure]
    /// One line per venue account a leg trades on, by venue then asset.
    public var margins: [AccountMargin]
    /// Perpetuals held, soonest funding first.
    public var funding: [FundingAhead]

    public init(netToday: FixedDecimal, realisedToday: FixedDecimal, todayFrom: Timestamp, net: FixedDecimal,
                realised: FixedDecimal, openSpreads: Int, openLimit: Int?, exposures: [AssetExposure],
                margins: [AccountMargin], funding: [FundingAhead]) {
        self.netToday = netToday
        self.realisedToday = realisedToday
        self.todayFrom = todayFrom
        self.net = net
        self.realised = realised
        self.openSpreads = openSpreads
        self.openLimit = openLimit
        self.exposures = exposures
        self.margins = margins
        self.funding = funding
    }
}

/// The desk's net position in one base asset, over every leg of every strategy.
public struct AssetExposure: Sendable, Hashable, Codable {
    public var asset: String
    /// Signed, in the base coin (long > 0): inverse legs counted at their mark.
    public var quantity: FixedDecimal
    /// The same in USD, signed: `quantity` at the mark of the asset's largest leg (the legs'
    /// prices differ by their basis; the coins are what a price move acts on).
    public var usd: FixedDecimal

    public init(asset: String, quantity: FixedDecimal, usd: FixedDecimal) {
        self.asset = asset
        self.quantity = quantity
        self.usd = usd
    }
}

/// Margin of one account (a venue and the asset it settles in), as the venue last reported it.
public struct AccountMargin: Sendable, Hashable, Codable {
    public var venue: String
    public var asset: String
    /// Initial margin in use / equity.
    public var utilisation: Double
    /// Maintenance margin / equity: 1 means liquidation.
    public var marginRatio: Double
    /// Free for new positions, in `asset`.
    public var available: FixedDecimal

    public init(venue: String, asset: String, utilisation: Double, marginRatio: Double, available: FixedDecimal) {
        self.venue = venue
        self.asset = asset
        self.utilisation = utilisation
        self.marginRatio = marginRatio
        self.available = available
    }
}

/// The next funding payment on a perpetual the desk holds.
public struct FundingAhead: Sendable, Hashable, Codable {
    public var instrument: InstrumentID
    /// Per interval, as the venue publishes it; positive: longs pay shorts.
    public var rate: FixedDecimal
    public var time: Timestamp
    /// The desk's net contracts in it, over every strategy (what the venue charges).
    public var held: FixedDecimal

    public init(instrument: InstrumentID, rate: FixedDecimal, time: Timestamp, held: FixedDecimal) {
        self.instrument = instrument
        self.rate = rate
        self.time = time
        self.held = held
    }
}

/// A perpetual's funding as its market data last announced it.
public struct FundingNotice: Sendable, Hashable, Codable {
    public var rate: FixedDecimal
    public var time: Timestamp

    public init(rate: FixedDecimal, time: Timestamp) {
        self.rate = rate
        self.time = time
    }
}

extension DeskSummary {
    /// The desk from its strategies as they stand, the day's baseline, the limits and the
    /// funding announced per instrument. Sums are exact; a sum that overflows is left out.
    public init(strategies: [StrategySnapshot], day: DayBaseline, limits: PortfolioLimits,
                funding notices: [InstrumentID: FundingNotice]) {
        self.init(lines: strategies.map { Line($0, dayMark: day.marks[$0.name]) }, todayFrom: day.from, limits: limits,
                  funding: notices)
    }
}
