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
        var net = FixedDecimal.zero, realised = FixedDecimal.zero
        var netToday = FixedDecimal.zero, realisedToday = FixedDecimal.zero
        var open = 0
        var exposure: [String: (quantity: FixedDecimal, largest: FixedDecimal, mark: FixedDecimal?)] = [:]
        // A few accounts at most: searched in place, where a key string per leg cost an
        // allocation each (200 a snapshot with 100 strategies).
        var margins: [AccountMargin] = []
        var held: [InstrumentID: FixedDecimal] = [:]
        for strategy in strategies {
            net = (try? net + strategy.pnl.net) ?? net
            realised = (try? realised + strategy.pnl.realised) ?? realised
            if let mark = day.marks[strategy.name] {
                netToday = (try? netToday + strategy.pnl.net - mark.net) ?? netToday
                realisedToday = (try? realisedToday + strategy.pnl.realised - mark.realised) ?? realisedToday
            }
            let holds = Leg.allCases.contains { !strategy.legs[$0].quantity.isZero }
            if holds || strategy.state.isOpening { open += 1 }
            // A pair hedged but for contract rounding adds no exposure (`PairHedge`'s rule).
            let hedgedPair = PairHedge(strategy.legs)?.hedged ?? false
            for leg in Leg.allCases {
                let snap = strategy.legs[leg]
                if let status = snap.margin {
                    let account = AccountMargin(venue: snap.instrument.venue, asset: snap.settlementAsset,
                                                utilisation: status.utilisation, marginRatio: status.marginRatio,
                                                available: status.available)
                    if let index = margins.firstIndex(where: { $0.venue == account.venue && $0.asset == account.asset }) {
                        // Two legs on one account may have been refreshed at different times: the worse shows.
                        if margins[index].utilisation < status.utilisation { margins[index] = account }
                    } else {
                        margins.append(account)
                    }
                }
                guard !snap.quantity.isZero else { continue }
                held[snap.instrument] = (try? (held[snap.instrument] ?? .zero) + snap.quantity) ?? held[snap.instrument]
                guard !hedgedPair, let asset = snap.baseAsset, let base = snap.baseExposure else { continue }
                var sum = exposure[asset] ?? (.zero, .zero, nil)
                sum.quantity = (try? sum.quantity + base) ?? sum.quantity
                if let mark = snap.mark, base.magnitude > sum.largest {
                    sum.largest = base.magnitude
                    sum.mark = mark
                }
                exposure[asset] = sum
            }
        }
        let exposures = exposure.filter { !$0.value.quantity.isZero }
            .map { asset, sum in
                let usd = sum.mark.flatMap { try? sum.quantity.multiplied(by: $0, rounding: .halfEven) } ?? .zero
                return AssetExposure(asset: asset, quantity: sum.quantity, usd: usd)
            }
            .sorted { ($0.usd.magnitude, $1.asset) > ($1.usd.magnitude, $0.asset) }
        let funding = held.compactMap { id, quantity -> FundingAhead? in
            guard let notice = notices[id] else { return nil }
            return FundingAhead(instrument: id, rate: notice.rate, time: notice.time, held: quantity)
        }.sorted { ($0.time, $0.instrument.venue, $0.instrument.symbol) < ($1.time, $1.instrument.venue, $1.instrument.symbol) }
        self.init(netToday: netToday, realisedToday: realisedToday, todayFrom: day.from, net: net, realised: realised,
                  openSpreads: open, openLimit: limits.maxOpenSpreads, exposures: exposures,
                  margins: margins.sorted { ($0.venue, $0.asset) < ($1.venue, $1.asset) }, funding: funding)
    }
}
