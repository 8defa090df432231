import HedgeCore

extension DeskSummary {
    /// What one strategy adds to the desk, read once from its snapshot. The engine keeps each
    /// strategy's line until that strategy is rebuilt or the day's baseline moves, so a desk over
    /// 100 strategies with 4 changed reads 96 lines as they were: reading every strategy afresh
    /// copied each leg out of its box (≈ 4 K instructions a strategy, most of a snapshot).
    /// A class: the desk walks lines by reference, one retain each.
    final class Line: Sendable {
        /// One leg as the desk reads it; a class too, so reading it out of its line retains one
        /// reference instead of each of its strings.
        final class LegPart: Sendable {
            /// The leg's account as the venue last reported it.
            let margin: AccountMargin?
            let instrument: InstrumentID
            let quantity: FixedDecimal
            let baseAsset: String?
            let baseExposure: FixedDecimal?
            let mark: FixedDecimal?

            init(_ leg: LegSnapshot) {
                margin = leg.margin.map {
                    AccountMargin(venue: leg.instrument.venue, asset: leg.settlementAsset, utilisation: $0.utilisation,
                                  marginRatio: $0.marginRatio, available: $0.available)
                }
                instrument = leg.instrument
                quantity = leg.quantity
                baseAsset = leg.baseAsset
                baseExposure = leg.baseExposure
                mark = leg.mark
            }
        }

        let net: FixedDecimal
        let realised: FixedDecimal
        /// The strategy's mark at the start of the day, if it has one.
        let dayMark: DayBaseline.Mark?
        /// Holding a position or opening one.
        let open: Bool
        /// Hedged but for contract rounding (`PairHedge`): its legs add no exposure.
        let hedgedPair: Bool
        let a: LegPart
        let b: LegPart

        init(_ strategy: StrategySnapshot, dayMark: DayBaseline.Mark?) {
            let fields = strategy.box.fields
            net = fields.pnl.net
            realised = fields.pnl.realised
            self.dayMark = dayMark
            open = !fields.legs.a.quantity.isZero || !fields.legs.b.quantity.isZero || fields.state.isOpening
            hedgedPair = PairHedge(fields.legs)?.hedged ?? false
            a = LegPart(fields.legs.a)
            b = LegPart(fields.legs.b)
        }
    }

    /// The desk from its strategies' lines in the strategies' order, the day's start, the limits
    /// and the funding announced per instrument. Sums are exact and made in the same order as
    /// over the strategies themselves; a sum that overflows is left out.
    init<Lines: Sequence<Line>>(lines: Lines, todayFrom: Timestamp, limits: PortfolioLimits,
                                funding notices: [InstrumentID: FundingNotice]) {
        var net = FixedDecimal.zero, realised = FixedDecimal.zero
        var netToday = FixedDecimal.zero, realisedToday = FixedDecimal.zero
        var open = 0
        // A few assets, accounts and instruments at most: searched in place, where a hashed key
        // per leg cost more than the rest of the sum.
        var exposure: [(asset: String, quantity: FixedDecimal, largest: FixedDecimal, mark: FixedDecimal?)] = []
        var margins: [AccountMargin] = []
        var held: [(id: InstrumentID, quantity: FixedDecimal)] = []
        func add(_ leg: Line.LegPart, hedgedPair: Bool) {
            if let account = leg.margin {
                if let index = margins.firstIndex(where: { $0.venue == account.venue && $0.asset == account.asset }) {
                    // Two legs on one account may have been refreshed at different times: the worse shows.
                    if margins[index].utilisation < account.utilisation { margins[index] = account }
                } else {
                    margins.append(account)
                }
            }
            guard !leg.quantity.isZero else { return }
            if let index = held.firstIndex(where: { $0.id == leg.instrument }) {
                held[index].quantity = (try? held[index].quantity + leg.quantity) ?? held[index].quantity
            } else {
                held.append((leg.instrument, leg.quantity))
            }
            guard !hedgedPair, let asset = leg.baseAsset, let base = leg.baseExposure else { return }
            let index: Int
            if let found = exposure.firstIndex(where: { $0.asset == asset }) {
                index = found
            } else {
                exposure.append((asset, .zero, .zero, nil))
                index = exposure.count - 1
            }
            exposure[index].quantity = (try? exposure[index].quantity + base) ?? exposure[index].quantity
            if let mark = leg.mark, base.magnitude > exposure[index].largest {
                exposure[index].largest = base.magnitude
                exposure[index].mark = mark
            }
        }
        for line in lines {
            net = (try? net + line.net) ?? net
            realised = (try? realised + line.realised) ?? realised
            if let mark = line.dayMark {
                netToday = (try? netToday + line.net - mark.net) ?? netToday
                realisedToday = (try? realisedToday + line.realised - mark.realised) ?? realisedToday
            }
            if line.open { open += 1 }
            add(line.a, hedgedPair: line.hedgedPair)
            add(line.b, hedgedPair: line.hedgedPair)
        }
        let exposures = exposure.filter { !$0.quantity.isZero }
            .map { sum in
                let usd = sum.mark.flatMap { try? sum.quantity.multiplied(by: $0, rounding: .halfEven) } ?? .zero
                return AssetExposure(asset: sum.asset, quantity: sum.quantity, usd: usd)
            }
            .sorted { ($0.usd.magnitude, $1.asset) > ($1.usd.magnitude, $0.asset) }
        let funding = held.compactMap { id, quantity -> FundingAhead? in
            guard let notice = notices[id] else { return nil }
            return FundingAhead(instrument: id, rate: notice.rate, time: notice.time, held: quantity)
        }.sorted { ($0.time, $0.instrument.venue, $0.instrument.symbol) < ($1.time, $1.instrument.venue, $1.instrument.symbol) }
        self.init(netToday: netToday, realisedToday: realisedToday, todayFrom: todayFrom, net: net, realised: realised,
                  openSpreads: open, openLimit: limits.maxOpenSpreads, exposures: exposures,
                  margins: margins.sorted { ($0.venue, $0.asset) < ($1.venue, $1.asset) }, funding: funding)
    }
}
