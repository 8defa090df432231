@testable import HedgeCore
import Testing
@testable import HedgeVenues

/// The three synthetic markets, made the same way for table-driven tests.
enum SyntheticKind: String, CaseIterable, CustomTestStringConvertible {
    case cross, calendar, basis

    var testDescription: String { rawValue }

    static let start = Timestamp(seconds: 1_800_000_000)

    func feed(seed: UInt64 = 42) -> any MarketFeed {
        switch self {
        case .cross:
            var parameters = SyntheticCrossFeed.Parameters(start: Self.start)
            parameters.seed = seed
            return SyntheticCrossFeed(parameters)
        case .calendar:
            var parameters = SyntheticCalendarFeed.Parameters(start: Self.start)
            parameters.seed = seed
            return SyntheticCalendarFeed(parameters)
        case .basis:
            var parameters = SyntheticBasisFeed.Parameters(start: Self.start)
            parameters.seed = seed
            return SyntheticBasisFeed(parameters)
        }
    }
}

/// σ of a sample (n − 1).
func standardDeviation(_ values: [Double]) -> Double {
    guard values.count > 1 else { return 0 }
    let mean = values.reduce(0, +) / Double(values.count)
    return (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)).squareRoot()
}

func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }

/// (A − B) / B in bps.
func bps(_ a: FixedDecimal, _ b: FixedDecimal) -> Double { (a.doubleValue - b.doubleValue) / b.doubleValue * 10_000 }

@Suite("Synthetic scenarios: cross, calendar, basis")
struct SyntheticScenarioFeedTests {
    @Test("the same seed gives the same market; another seed another", arguments: SyntheticKind.allCases)
    func repeatablePerSeed(kind: SyntheticKind) {
        var first = kind.feed(seed: 7), second = kind.feed(seed: 7), other = kind.feed(seed: 8)
        var same = true, differs = false
        for _ in 0..<3000 {
            let event = first.next()
            same = same && event == second.next()
            differs = differs || event != other.next()
        }
        #expect(same)
        #expect(differs)
    }

    @Test("books are never crossed; prices are on the tick, sizes on the lot; marks on the tick", arguments: SyntheticKind.allCases)
    func booksValidOnTick(kind: SyntheticKind) throws {
        var feed = kind.feed()
        let specs = Dictionary(uniqueKeysWithValues: feed.contracts.map { ($0.id, $0) })
        var quotes = 0, marks = 0
        var last = SyntheticKind.start
        // The basis feed sends a mark with every quote: half again as many events for as many quotes.
        for _ in 0..<(kind == .basis ? 45_000 : 30_000) {
            let next = feed.next()
            let event = try #require(next)
            #expect(event.time >= last, "events out of time order")
            last = event.time
            let spec = try #require(specs[event.instrument])
            switch event {
            case .quote(_, let quote):
                quotes += 1
                if quote.defect != nil || quote.bid >= quote.ask || !quote.bid.isMultiple(of: spec.tickSize)
                    || !quote.ask.isMultiple(of: spec.tickSize) || !quote.bidSize.isMultiple(of: spec.lotStep)
                    || !quote.askSize.isMultiple(of: spec.lotStep) || !quote.bidSize.isPositive || !quote.askSize.isPositive {
                    Issue.record("bad book \(quote) for \(spec.id)")
                    return
                }
            case .mark(_, let price, _):
                marks += 1
                #expect(price.isPositive && price.isMultiple(of: spec.tickSize))
            case .fundingRate:
                #expect(spec.kind == .perpetual)
            case .depth, .bookUpdate, .trade:
                Issue.record("unexpected \(event)")
            }
        }
        #expect(quotes > 20_000)
        #expect(kind != .basis || marks > 1000)
    }

    @Test("specs are the venues' own: ticks, lots, minimum notional, fees, margining")
    func realisticSpecs() {
        let cross = SyntheticCrossFeed(.init(start: SyntheticKind.start)).contracts
        #expect(cross.map(\.id.venue) == ["sim-a", "sim-b"])
        #expect(cross.map(\.id.symbol) == ["BTCUSDT", "BTCUSDT"])
        #expect(cross.map(\.tickSize) == ["0.01", "0.1"])
        #expect(cross.allSatisfy { $0.kind == .perpetual && $0.margining == .linear && $0.lotStep == "0.001" && $0.minNotional == "5" })
        let basis = SyntheticBasisFeed(.init(start: SyntheticKind.start)).contracts
        #expect(basis.allSatisfy { $0.margining == .inverse && $0.contractSize == "100" && $0.settlementAsset == "BTC" && $0.tickSize == "0.1" && $0.lotStep == "1" })
        // 1 800 000 000 s is 2027-01-15 08:00 UTC: this quarter's contract delivers on the last
        // Friday of March, 2027-03-26 08:00 UTC (1 806 048 000 s).
        #expect(basis[0].kind.expiry == Timestamp(seconds: 1_806_048_000))
        #expect(basis[1].id.symbol == "BTCUSD_PERP" && basis[1].fundingInterval == .seconds(8 * 3600))
        #expect(basis[0].id.symbol == "BTCUSD_270326")
        // The calendar: this quarter's and the next, June's last Friday being 2027-06-25.
        let calendar = SyntheticCalendarFeed(.init(start: SyntheticKind.start)).contracts
        #expect(calendar.map(\.id.symbol) == ["BTCUSDT_270326", "BTCUSDT_270625"])
    }

    @Test("cross: the venues' spread averages near 0 and its deviations revert")
    func crossSpreadAveragesZero() throws {
        var parameters = SyntheticCrossFeed.Parameters(start: SyntheticKind.start)
        parameters.tick = .milliseconds(500)
        var feed = SyntheticCrossFeed(parameters)
        var spreads: [Double] = []
        // Two hours of data.
        for _ in 0..<14_400 {
            guard case .quote(_, let a)? = feed.next(), case .quote(_, let b)? = feed.next() else { Issue.record("feed ended"); return }
            spreads.append(bps(a.mid, b.mid))
        }
        let sigma = standardDeviation(spreads)
        // Dislocations of about 16 bps either way last tens of seconds: over two hours the mean
        // stays within 2 bps of 0.
        #expect(abs(mean(spreads)) < 2, "mean spread \(mean(spreads)) bps")
        #expect(sigma > 3 && sigma < 15, "σ \(sigma) bps")
        // Mean reversion: three minutes apart the spread has forgotten itself (half-lives: 1.4 s
        // book to book, 30 s for a dislocation).
        let lag = 360
        let pairs = zip(spreads, spreads.dropFirst(lag)).map { ($0, $1) }
        let xs = pairs.map(\.0), ys = pairs.map(\.1)
        let covariance = zip(xs, ys).reduce(0) { $0 + ($1.0 - mean(xs)) * ($1.1 - mean(ys)) } / Double(xs.count - 1)
        let correlation = covariance / (standardDeviation(xs) * standardDeviation(ys))
        #expect(abs(correlation) < 0.2, "autocorrelation at 180 s \(correlation)")
    }

    @Test("calendar: the far leg trades richer, by about the carry")
    func calendarFarRicher() throws {
        var parameters = SyntheticCalendarFeed.Parameters(start: SyntheticKind.start)
        parameters.tick = .seconds(1)
        var feed = SyntheticCalendarFeed(parameters)
        var spreads: [Double] = []
        for _ in 0..<3600 {
            guard case .quote(_, let near)? = feed.next(), case .quote(_, let far)? = feed.next() else { Issue.record("feed ended"); return }
            spreads.append(bps(far.mid, near.mid))
        }
        // Carry 8 %/year over the 90 days between the legs: ≈ 0.08 × (120 − 30) / 365 ≈ 197 bps
        // (a little more: the far leg's carry compounds on the near's).
        #expect(spreads.filter { $0 > 0 }.count == spreads.count)
        #expect(abs(mean(spreads) - 197) < 15, "mean far − near \(mean(spreads)) bps")
    }

    @Test("basis: converges toward 0 as expiry approaches, and the feed ends before expiry")
    func basisConverges() throws {
        // Six hours before the December 2026 quarterly's delivery (Fri 2026-12-25 08:00 UTC).
        var parameters = SyntheticBasisFeed.Parameters(start: Timestamp(seconds: 1_798_185_600 - 6 * 3600))
        parameters.tick = .seconds(1)
        var feed = SyntheticBasisFeed(parameters)
        let dated = feed.contracts[0].id
        var mids: [InstrumentID: FixedDecimal] = [:]
        var early: [Double] = [], late: [Double] = []
        var lastTime = parameters.start
        while let event = feed.next() {
            lastTime = event.time
            guard case .quote(let id, let quote) = event else { continue }
            mids[id] = quote.mid
            guard id != dated, let datedMid = mids[dated] else { continue }
            let basis = abs(bps(datedMid, quote.mid))
            let left = parameters.expiry - event.time
            if left > .seconds(5 * 3600) { early.append(basis) }
            if left <= .seconds(600) { late.append(basis) }
        }
        #expect(lastTime < parameters.expiry)
        #expect(early.count > 3000 && late.count > 500)
        // Early: carry 10 % × 6 h / 1 y ≈ 0.7 bps plus a deviation still at ~¾ strength.
        #expect(mean(late) < 0.25 * mean(early), "|basis| early \(mean(early)) bps, last 10 min \(mean(late)) bps")
        #expect(mean(late) < 1)
    }

    @Test("basis: funding is quoted for every 8 h on the UTC grid, its sign following the basis")
    func fundingEveryEightHours() throws {
        // 30 hours before the December 2026 quarterly's delivery (Fri 2026-12-25 08:00 UTC).
        var parameters = SyntheticBasisFeed.Parameters(start: Timestamp(seconds: 1_798_185_600 - 30 * 3600))
        parameters.tick = .seconds(1)
        var feed = SyntheticBasisFeed(parameters)
        let dated = feed.contracts[0].id, perpetual = feed.contracts[1].id
        let eightHours = Duration.seconds(8 * 3600)
        var mids: [InstrumentID: FixedDecimal] = [:]
        var fundingTimes: [Timestamp] = []
        var signs: Set<Int> = []
        var events = 0
        while let event = feed.next() {
            switch event {
            case .quote(let id, let quote):
                mids[id] = quote.mid
            case .fundingRate(let id, let rate, let next, let time):
                events += 1
                #expect(id == perpetual)
                #expect(time < next && next <= time + eightHours)
                if fundingTimes.last != next { fundingTimes.append(next) }
                let datedMid = try #require(mids[dated]), perpetualMid = try #require(mids[perpetual])
                let basis = try datedMid - perpetualMid
                if basis.isZero { #expect(rate.isZero) } else { #expect(rate.signum == basis.signum, "rate \(rate) with basis \(basis)") }
                signs.insert(rate.signum)
            case .mark, .depth, .bookUpdate, .trade:
                break
            }
        }
        // One a second for 30 hours.
        #expect(events >= 30 * 3600 - 2)
        // 2027-01-15 08:00 start: next payments at 16:00, 00:00, 08:00, 16:00 UTC.
        #expect(fundingTimes.count == 4)
        for (earlier, later) in zip(fundingTimes, fundingTimes.dropFirst()) { #expect(later - earlier == eightHours) }
        #expect(fundingTimes.allSatisfy { [0, 8, 16].contains(CivilTime($0).hour) && CivilTime($0).minute == 0 && CivilTime($0).second == 0 })
        // Carry is small this close to expiry: the deviation swings the basis both ways.
        #expect(signs.contains(1) && signs.contains(-1))
    }

    @Test("funding rate: annualised basis × 8 h while expiry is far, the whole basis at the end, capped")
    func fundingRateArithmetic() {
        let funding = PerpetualFunding()
        // (60 606 − 60 000) / 60 000 = 1.01 %; 8 h of 30 days = 1/90 → 0.000 112 22…
        #expect(funding.rate(dated: "60606", perpetual: "60000", timeToExpiry: .seconds(30 * 86_400)) == "0.00011222")
        // Under 8 h left: the whole basis, here −0.1 %.
        #expect(funding.rate(dated: "59940", perpetual: "60000", timeToExpiry: .seconds(3600)) == "-0.001")
        // 2 % basis in the last interval: capped at 0.5 %.
        #expect(funding.rate(dated: "61200", perpetual: "60000", timeToExpiry: .seconds(3600)) == "0.005")
        #expect(funding.nextFundingTime(after: Timestamp(seconds: 1_800_000_000)) == Timestamp(seconds: 1_800_028_800))
        #expect(funding.nextFundingTime(after: Timestamp(seconds: 1_800_000_001)) == Timestamp(seconds: 1_800_028_800))
    }

    @Test("the volatile regime moves the underlying about twice as hard, and the spread harder still (dislocations)", arguments: [SyntheticKind.cross, .calendar])
    func regimeChangesVolatility(kind: SyntheticKind) throws {
        var feed = kind.feed(seed: 3)
        var previous: (underlying: Double, spread: Double)?
        var returns: [VolatilityRegime: [Double]] = [:], spreadMoves: [VolatilityRegime: [Double]] = [:]
        // Three hours at 100 ms: each tick quotes both legs, drawn in the regime seen before it.
        for _ in 0..<108_000 {
            let regime = regimeOf(feed)
            guard case .quote(_, let a)? = feed.next(), case .quote(_, let b)? = feed.next() else { Issue.record("feed ended"); return }
            let spread = bps(a.mid, b.mid)
            let underlying = underlyingOf(feed)
            if let previous {
                returns[regime, default: []].append(log(underlying / previous.underlying))
                spreadMoves[regime, default: []].append(spread - previous.spread)
            }
            previous = (underlying, spread)
        }
        let calm = try #require(returns[.calm]), volatile = try #require(returns[.volatile])
        #expect(calm.count > 10_000 && volatile.count > 10_000, "calm \(calm.count), volatile \(volatile.count) ticks")
        let underlyingRatio = standardDeviation(volatile) / standardDeviation(calm)
        let spreadRatio = standardDeviation(spreadMoves[.volatile] ?? []) / standardDeviation(spreadMoves[.calm] ?? [])
        // The volatile regime's multiple is 2; the spread also takes the dislocations.
        #expect(underlyingRatio > 1.6 && underlyingRatio < 2.4, "σ volatile / σ calm, underlying: \(underlyingRatio)")
        #expect(spreadRatio > 2, "σ volatile / σ calm, spread: \(spreadRatio)")
    }

    func underlyingOf(_ feed: any MarketFeed) -> Double {
        switch feed {
        case let feed as SyntheticCrossFeed: feed.market.underlying
        case let feed as SyntheticCalendarFeed: feed.market.underlying
        case let feed as SyntheticBasisFeed: feed.market.underlying
        default: 0
        }
    }

    func regimeOf(_ feed: any MarketFeed) -> VolatilityRegime {
        switch feed {
        case let feed as SyntheticCrossFeed: feed.regime
        case let feed as SyntheticCalendarFeed: feed.regime
        case let feed as SyntheticBasisFeed: feed.regime
        default: .calm
        }
    }

    @Test("a fixed regime never switches; the regime has its own random stream, so the path's draws do not shift")
    func regimeStream() {
        var calm = SyntheticMarket.Parameters()
        calm.regime = .fixed(.calm)
        var switching = SyntheticMarket.Parameters()
        switching.regime.meanCalm = .seconds(1)
        switching.regime.volatileMultiple = 1
        // Dislocations (volatile only) would add draws of their own.
        calm.dislocationsPerSecond = 0
        switching.dislocationsPerSecond = 0
        var a = SyntheticMarket(calm), b = SyntheticMarket(switching)
        var switched = false
        for _ in 0..<1000 {
            a.step(0.1)
            b.step(0.1)
            switched = switched || b.regime == .volatile
            #expect(a.regime == .calm)
        }
        #expect(switched)
        // With the volatile multiple at 1 the two paths are the same numbers.
        #expect(a.underlying == b.underlying && a.deviationBps == b.deviationBps)
    }
}

#if canImport(Glibc)
import Glibc
#endif
