/// SCANNING → SPREAD_DETECTED → VALIDATING → the first leg: the entry rule, sizing, validation.
extension HedgingStateMachine {
    /// VALIDATING's payload: a spread worth trading, as sized when it was detected.
    struct Opportunity: Sendable {
        var sides: PerLeg<Side>
        var quantities: PerLeg<FixedDecimal>
        var firstLeg: Leg
        var detectedSpreadBps: FixedDecimal
        var detectedAt: Timestamp
    }

    mutating func onQuote(_ leg: Leg, _ quote: Quote, now: Timestamp, into actions: inout [StrategyAction]) {
        // `isUsable` first: building the optional reason per quote cost more than the check.
        if !quote.isUsable, let defect = quote.defect {
            consecutiveBadQuotes += 1
            actions.append(.alert(.warning, "leg \(leg) \(config.legs[leg].id) quote refused: \(defect)"))
            if case .scanning = state { entryCheck = .quoteRefused(leg) }
            if case .scanning = state, consecutiveBadQuotes >= config.badQuoteLimit {
                enter(.error(ErrorState(reason: "bad market data: \(consecutiveBadQuotes) quotes refused in a row, last: \(defect)", holding: Holding())),
                      "bad market data", now: now, into: &actions)
            }
            return
        }
        consecutiveBadQuotes = 0
        quotes[leg] = quote
        guard let a = quotes.a, let b = quotes.b, let bps = try? SpreadMath.bps(a.mid, b.mid) else {
            if case .scanning = state { entryCheck = .legWithoutQuote(quotes.a == nil ? .a : .b) }
            return
        }
        spreadBps = bps
        sample(bps, now: now)

        switch state {
        case .scanning:
            switch detect(now: now, into: &actions) {
            case .open(let opportunity):
                entryCheck = .detected
                enter(.validating(opportunity), "sized \(opportunity.quantities.a)/\(opportunity.quantities.b); awaiting fresh quotes",
                      from: .spreadDetected, now: now, into: &actions)
                actions.append(.scheduleTimer(.validationTimeout, at: now + config.orderTimeout))
            case .pass(let check):
                entryCheck = check
            }
        case .validating(let opportunity):
            validate(opportunity, now: now, into: &actions)
        case .monitoring(let cycle):
            checkExits(cycle, now: now, into: &actions)
        case .unwinding:
            resumeRecoveryIfPriced(now: now, into: &actions)
        case .openingFirst, .openingSecond, .adjusting, .closing, .completed, .error:
            break
        }
    }

    /// Adds the spread to the statistics once per sample interval.
    mutating func sample(_ bps: FixedDecimal, now: Timestamp) {
        if let next = nextSampleAt, now < next { return }
        statistics.add(bps.doubleValue)
        nextSampleAt = now + config.sampleInterval
    }

    /// The fair spread in bps as `threshold` judges it. A z threshold is always against the
    /// rolling mean; a bps threshold against the kind's fair value: 0 where the legs converge
    /// (cross, basis), the rolling mean for a calendar (carry).
    public func fairSpreadBps(for threshold: Threshold) -> Double? {
        let mean = statistics.count >= config.warmupSamples ? statistics.mean : nil
        if case .z = threshold { return mean }
        switch config.kind {
        case .cross, .basis: return 0
        case .calendar: return mean
        }
    }

    /// The fair spread the entry rule judges against.
    public var fairSpreadBps: Double? { fairSpreadBps(for: config.entry) }

    /// How far the spread is from fair as `threshold` judges it, in bps (positive: A is rich).
    public func deviationBps(for threshold: Threshold) -> Double? {
        guard let spreadBps, let fair = fairSpreadBps(for: threshold) else { return nil }
        return spreadBps.doubleValue - fair
    }

    /// The deviation the entry rule judges.
    public var deviationBps: Double? { deviationBps(for: config.entry) }

    /// The current z-score of the spread against its rolling window, once warmed up.
    public var zScore: Double? {
        guard statistics.count >= config.warmupSamples, let spreadBps else { return nil }
        return statistics.zScore(spreadBps.doubleValue)
    }

    /// |deviation| measured in the threshold's unit, or nil while it cannot be judged.
    func measure(_ threshold: Threshold) -> Double? {
        guard let deviation = deviationBps(for: threshold) else { return nil }
        switch threshold {
        case .bps: return abs(deviation)
        case .z:
            guard statistics.count >= config.warmupSamples, let sd = statistics.standardDeviation, sd > 1e-9 else { return nil }
            return abs(deviation) / sd
        }
    }

    func limit(_ threshold: Threshold) -> Double {
        switch threshold {
        case .bps(let value): value.doubleValue
        case .z(let value): value
        }
    }

    /// The band where the entry (or exit) rule holds, in bps of spread, for the chart.
    public func band(_ threshold: Threshold) -> (upper: Double, lower: Double)? {
        guard let fair = fairSpreadBps(for: threshold) else { return nil }
        let width: Double
        switch threshold {
        case .bps(let value): width = value.doubleValue
        case .z(let value):
            guard statistics.count >= config.warmupSamples, let sd = statistics.standardDeviation else { return nil }
            width = value * sd
        }
        return (fair + width, fair - width)
    }

    mutating func refreshChartLines() {
        chartLines = ChartLines(mean: fairSpreadBps(for: .z(1)), entryBand: band(config.entry).map(ChartLines.Band.init),
                                exitBand: band(config.exit).map(ChartLines.Band.init))
    }

    /// Crossing the bid/ask on both legs to enter and again to exit, in bps of leg B.
    func crossingCostBps() -> Double? {
        guard let a = quotes.a, let b = quotes.b else { return nil }
        let bMid = b.mid.doubleValue
        guard bMid > 0 else { return nil }
        let halfA = (a.ask.doubleValue - a.bid.doubleValue) / 2
        let halfB = (b.ask.doubleValue - b.bid.doubleValue) / 2
        return (halfA + halfB) * 2 / bMid * 10_000
    }

    /// What the entry rule decided on one quote while scanning.
    enum EntryDecision {
        /// A sized opportunity: the caller enters VALIDATING from SPREAD_DETECTED.
        case open(Opportunity)
        /// Nothing opens; the check says why.
        case pass(EntryCheck)
    }

    /// How far the exit band's near edge lies from the entry rule's fair value, on the side of
    /// `deviation`, in bps: a spread that converges is closed there, so this much of the
    /// deviation is never captured. Nil while the exit band cannot be drawn (a z exit warming up).
    func exitBandDistanceBps(deviation: Double) -> Double? {
        guard let fair = fairSpreadBps(for: config.entry), let exit = band(config.exit) else { return nil }
        // Above fair the spread comes down to the band's upper edge; below, up to its lower one.
        return deviation > 0 ? exit.upper - fair : fair - exit.lower
    }

    /// The entry rule: deviation past the threshold (the band) and a capture (the deviation less
    /// the exit band) that pays fees, crossing and `minEdgeBps`, outside the expiry guard, not
    /// paused or blocked by a limit, sized within margin. Returns the sized opportunity, or why
    /// none is taken.
    mutating func detect(now: Timestamp, into actions: inout [StrategyAction]) -> EntryDecision {
        guard let deviation = deviationBps, let measured = measure(config.entry) else { return .pass(.warmingUp) }
        guard measured >= limit(config.entry) else { return .pass(.outsideBand) }
        if paused { return .pass(.notTaken(.paused)) }
        if entryBlockedReason != nil { return .pass(.notTaken(.portfolioLimit)) }
        // A stale leg's price is not a price: no spread is taken on it.
        if let leg = staleLeg(at: now) { return .pass(.notTaken(.staleLeg(leg))) }
        guard let crossing = crossingCostBps(), let spread = spreadBps else { return .pass(.legWithoutQuote(quotes.a == nil ? .a : .b)) }
        guard let exitBand = exitBandDistanceBps(deviation: deviation) else { return .pass(.warmingUp) }
        let edge = EntryEdge(deviationBps: abs(deviation), exitBandBps: exitBand, feesBps: config.roundTripFeeBps.doubleValue,
                             crossingBps: crossing, minEdgeBps: config.minEdgeBps.doubleValue)
        guard edge.pays else {
            lastEdgeBelowCosts = edge
            return .pass(.notTaken(.edgeBelowCosts))
        }
        if let expiry = earliestExpiry, now + config.expiryGuard >= expiry { return .pass(.notTaken(.expiryGuard)) }

        // SPREAD_DETECTED is a passing state: prices are locked and both legs sized right now.
        pass(through: .spreadDetected, "\(edge); spread \(spread.formatted(places: 1)) bps, entry \(config.entry)",
             entryEdge: edge, now: now, into: &actions)

        // Buy the cheap leg, sell the rich one: deviation > 0 means A is rich.
        let sides = deviation > 0 ? PerLeg(a: Side.sell, b: .buy) : PerLeg(a: .buy, b: .sell)
        switch size(sides: sides) {
        case .success(let (quantities, firstLeg)):
            if let shortfall = marginShortfall(quantities) {
                enter(.scanning, "insufficient margin: \(describe(shortfall))", from: .spreadDetected, now: now, into: &actions)
                lastMarginShortfall = shortfall
                return .pass(.notTaken(.margin))
            }
            return .open(Opportunity(sides: sides, quantities: quantities, firstLeg: firstLeg, detectedSpreadBps: spread, detectedAt: now))
        case .failure(let reason):
            enter(.scanning, "cannot size: \(reason.message)", from: .spreadDetected, now: now, into: &actions)
            return .pass(.notTaken(.cannotSize))
        }
    }

    struct SizingFailure: Error { var message: String }

    /// Sizes both legs to the target notional and picks the thinner book to go first.
    /// Both legs round to the same base exposure within one lot.
    func size(sides: PerLeg<Side>) -> Result<(PerLeg<FixedDecimal>, Leg), SizingFailure> {
        guard let qa = quotes.a, let qb = quotes.b else { return .failure(SizingFailure(message: "no quotes")) }
        let prices = PerLeg(a: qa.price(toTake: sides.a), b: qb.price(toTake: sides.b))
        do {
            let base = try config.targetNotional.divided(by: qb.mid, rounding: .down)
            // Depth: displayed size on the side we take, as a fraction of what we need.
            var cover = PerLeg(repeating: 0.0)
            for leg in Leg.allCases {
                let spec = config.legs[leg]
                let needed = try spec.quantity(forBase: base, price: prices[leg], rounding: .down)
                let shown = (leg == .a ? qa : qb).size(toTake: sides[leg])
                cover[leg] = needed.isPositive ? shown.doubleValue / needed.doubleValue : .infinity
            }
            let first: Leg = switch config.legOrder {
            case .thinnerFirst: cover.a <= cover.b ? .a : .b
            case .aFirst: .a
            case .bFirst: .b
            }
            let second = first.other
            let firstQuantity = try config.legs[first].quantity(forBase: base, price: prices[first], rounding: .down)
            if let problem = config.legs[first].violation(quantity: firstQuantity, price: prices[first]) {
                return .failure(SizingFailure(message: "leg \(first) \(problem)"))
            }
            let exposure = try config.legs[first].baseExposure(quantity: firstQuantity, price: prices[first])
            let secondQuantity = try config.legs[second].quantity(forBase: exposure, price: prices[second], rounding: .halfEven)
            if let problem = config.legs[second].violation(quantity: secondQuantity, price: prices[second]) {
                return .failure(SizingFailure(message: "leg \(second) \(problem)"))
            }
            let secondExposure = try config.legs[second].baseExposure(quantity: secondQuantity, price: prices[second])
            let lot = try max(config.legs[first].baseExposure(quantity: config.legs[first].lotStep, price: prices[first]),
                              config.legs[second].baseExposure(quantity: config.legs[second].lotStep, price: prices[second]))
            if try (exposure - secondExposure).magnitude > lot {
                return .failure(SizingFailure(message: "legs do not round to the same exposure within one lot"))
            }
            // Beyond the venue's maximum, each leg goes as child orders; refused here, before
            // anything is sent, when it cannot be split into few enough legal ones.
            for (leg, quantity) in [(first, firstQuantity), (second, secondQuantity)] {
                do throws(OrderLimitRefusal) { _ = try config.legs[leg].childQuantities(quantity, market: true, price: prices[leg]) }
                catch { return .failure(SizingFailure(message: "leg \(leg) \(error.message)")) }
            }
            var quantities = PerLeg(repeating: FixedDecimal.zero)
            quantities[first] = firstQuantity
            quantities[second] = secondQuantity
            return .success((quantities, first))
        } catch {
            return .failure(SizingFailure(message: "\(error)"))
        }
    }

    /// What is missing to post initial margin on both venues, or nil when there is enough.
    func marginShortfall(_ quantities: PerLeg<FixedDecimal>) -> MarginShortfall? {
        for leg in Leg.allCases {
            let spec = config.legs[leg]
            guard let margin = margins[leg] else { return MarginShortfall(leg: leg, required: nil, available: nil) }
            guard let quote = quotes[leg],
                  let notional = try? spec.settlementNotional(quantity: quantities[leg], price: quote.mid),
                  let required = try? notional.multiplied(by: spec.initialMarginRate, rounding: .up) else {
                return MarginShortfall(leg: leg, required: nil, available: margin.available)
            }
            if required > margin.available {
                return MarginShortfall(leg: leg, required: required, available: margin.available)
            }
        }
        return nil
    }

    /// A margin shortfall in words, for the transition's reason.
    func describe(_ shortfall: MarginShortfall) -> String {
        let leg = shortfall.leg, spec = config.legs[leg]
        guard let available = shortfall.available else { return "no margin information for leg \(leg) \(spec.id)" }
        guard let required = shortfall.required else { return "cannot price margin for leg \(leg)" }
        return "leg \(leg) \(spec.id) needs \(required) \(spec.settlementAsset), \(available) free"
    }

    /// VALIDATING: fresh quotes must still show the entry, the books must hold the size, and the
    /// slippage estimate must be within bounds. Then the first leg is sent.
    mutating func validate(_ opportunity: Opportunity, now: Timestamp, into actions: inout [StrategyAction]) {
        if let leg = staleLeg(at: now) {
            actions.append(.cancelTimer(.validationTimeout))
            entryCheck = .notTaken(.staleBeforeSending(leg))
            enter(.scanning, "no entry: " + staleText(leg, at: now), now: now, into: &actions)
            return
        }
        guard let deviation = deviationBps, let measured = measure(config.entry), measured >= limit(config.entry),
              (deviation > 0) == (opportunity.sides.a == .sell) else {
            actions.append(.cancelTimer(.validationTimeout))
            entryCheck = .notTaken(.goneOnFreshQuotes)
            enter(.scanning, "opportunity gone on fresh quotes", now: now, into: &actions)
            return
        }
        for leg in Leg.allCases {
            guard let slippage = estimatedSlippageBps(leg: leg, side: opportunity.sides[leg], quantity: opportunity.quantities[leg]) else {
                actions.append(.cancelTimer(.validationTimeout))
                entryCheck = .notTaken(.noQuoteToValidate)
                enter(.scanning, "leg \(leg): no quote to validate against", now: now, into: &actions)
                return
            }
            if slippage > config.maxSlippageBps {
                actions.append(.cancelTimer(.validationTimeout))
                entryCheck = .notTaken(.slippage)
                enter(.scanning, "leg \(leg) slippage \(slippage.formatted(places: 1)) bps > \(config.maxSlippageBps) bps", now: now, into: &actions)
                return
            }
        }
        actions.append(.cancelTimer(.validationTimeout))
        entryCheck = .opened
        let first = opportunity.firstLeg
        let baseline = legNetBeforeUnrealised()
        let order = makeOrder(leg: first, side: opportunity.sides[first], quantity: opportunity.quantities[first], purpose: .open, reduceOnly: false, now: now, into: &actions)
        enter(.openingFirst(OpeningState(opportunity: opportunity, order: order, baseline: baseline)), "validated; leg \(first) first (thinner book), \(opportunity.sides[first]) \(opportunity.quantities[first])", now: now, into: &actions)
    }

    /// Slippage of a market order against the top of book, in bps of the top price.
    /// With only the top known, the part beyond the displayed size is assumed one tick worse.
    func estimatedSlippageBps(leg: Leg, side: Side, quantity: FixedDecimal) -> FixedDecimal? {
        guard let quote = quotes[leg] else { return nil }
        let top = quote.price(toTake: side)
        let shown = quote.size(toTake: side)
        if quantity <= shown { return .zero }
        guard let beyond = try? quantity - shown,
              let worse = try? beyond.multiplied(by: config.legs[leg].tickSize),
              let average = try? worse.divided(by: quantity),
              let bps = try? FixedDecimal.mulDiv(average, FixedDecimal(units: 10_000 * FixedDecimal.one), top) else { return nil }
        return bps
    }

    /// The earliest expiry of the two legs, if either is dated.
    var earliestExpiry: Timestamp? {
        switch (config.legs.a.kind.expiry, config.legs.b.kind.expiry) {
        case (let a?, let b?): min(a, b)
        case (let a?, nil): a
        case (nil, let b?): b
        case (nil, nil): nil
        }
    }
}

extension HedgingStateMachine {
    /// Takes back the spread samples an earlier run measured (oldest first), so a restart does
    /// not judge an open spread against a window of its own dislocated samples: with an empty
    /// window the mean restarted at the dislocation and the z exit fired with nothing captured.
    /// Only into an empty window, and only the last `window` samples.
    public mutating func restoreWindow(_ samples: [Double]) {
        guard statistics.count == 0 else { return }
        for value in samples.suffix(statistics.capacity) { statistics.add(value) }
    }

    /// How long the rolling window spans: older samples say nothing of the spread now.
    public var windowSpan: Duration { config.sampleInterval * max(2, config.window) }
}
