@testable import HedgeCore
import Testing
@testable import HedgeVenues

/// Binance COIN-M BTCUSD_PERP: 100 USD a contract, tick 0.1, settled in BTC.
let btcusdPerp = ContractSpec(
    id: InstrumentID(venue: "sim", symbol: "BTCUSD_PERP"), kind: .perpetual, margining: .inverse, contractSize: 100,
    tickSize: "0.1", lotStep: "1", baseAsset: "BTC", quoteAsset: "USD", settlementAsset: "BTC", fundingInterval: .seconds(8 * 3600))

/// A dated linear future expiring at t0 + 1 h.
let btcDated = ContractSpec(
    id: InstrumentID(venue: "sim", symbol: "BTCUSDT_250926"), kind: .dated(expiry: t0 + .seconds(3600)), margining: .linear,
    contractSize: 1, tickSize: "0.1", lotStep: "0.001", baseAsset: "BTC", quoteAsset: "USDT", settlementAsset: "USDT")

func at(_ spec: ContractSpec, bid: FixedDecimal, ask: FixedDecimal, time: Timestamp = t0) -> MarketEvent {
    .quote(spec.id, Quote(bid: bid, bidSize: "1000", ask: ask, askSize: "1000", time: time))
}

func market(_ spec: ContractSpec, _ side: Side, _ quantity: FixedDecimal, id: OrderID) -> OrderRequest {
    OrderRequest(id: id, leg: .a, instrument: spec.id, side: side, quantity: quantity, purpose: .open)
}

func closures(_ reports: [VenueReport]) -> [(Fill, PositionClosure)] {
    reports.compactMap { if case .positionClosed(_, let fill, let reason) = $0 { (fill, reason) } else { nil } }
}

@Suite("Simulated venue: margin and liquidation")
struct SimulatedMarginTests {
    @Test("isolated linear liquidation prices match DESIGN §3", arguments: [
        // long:  (60000 − 3000/1) / (1 − 0.0255) = 57000 / 0.9745 = 58491.5341… → up to the tick 58491.54
        (Side.buy, "58491.54"),
        // short: (60000 + 3000/1) / (1 + 0.0255) = 63000 / 1.0255 = 61433.4470… → down to the tick 61433.44
        (Side.sell, "61433.44"),
    ] as [(Side, FixedDecimal)])
    func isolatedLinear(side: Side, expected: FixedDecimal) {
        var venue = simVenue(modes: [btcusdt.id: .isolated])
        venue.onMarket(at(btcusdt, bid: "60000", ask: "60000"))
        _ = venue.execute(market(btcusdt, side, "1", id: "o1"), at: t0)
        // Isolated margin: 1 × 60000 × 5 % = 3000; m = mmr 0.025 + taker 0.0005 = 0.0255.
        #expect(venue.isolatedMargin[btcusdt.id] == 3000)
        #expect(venue.liquidationPrice(btcusdt.id) == expected)
    }

    @Test("cross linear: free margin and liquidation price from the whole wallet")
    func crossLinear() {
        var venue = simVenue(balances: ["USDT": 10_000])
        venue.onMarket(at(btcusdt, bid: "60000", ask: "60000"))
        venue.onMarket(.mark(btcusdt.id, "60000", time: t0))
        _ = venue.execute(market(btcusdt, .buy, "1", id: "o1"), at: t0)
        // Wallet 10000 − fee 60000 × 0.0005 = 9970; initial margin 3000 → 6970 free;
        // maintenance 1500 / equity 9970 = 0.15045…
        let status = venue.marginStatus(asset: "USDT")
        #expect(status.available == 6970)
        #expect(abs(status.marginRatio - 1500.0 / 9970.0) < 1e-12)
        // (60000 − 9970) / 0.9745 = 51339.1482… → 51339.15
        #expect(venue.liquidationPrice(btcusdt.id) == "51339.15")
    }

    @Test("isolated inverse liquidation prices (the algebra is in liquidationPrice's comment)", arguments: [
        // W = 10 × 100 / 60000 = 0.01666667 BTC × 5 % = 0.00083334 (up); q = 1000 USD; W E = 50.0004
        // long:  1000 × 1.0255 × 60000 / (50.0004 + 1000) = 58599.9776… → up to 0.1: 58600.0
        (Side.buy, "58600.0"),
        // short: 1000 × 0.9745 × 60000 / (1000 − 50.0004) = 61547.3943… → down: 61547.3
        (Side.sell, "61547.3"),
    ] as [(Side, FixedDecimal)])
    func isolatedInverse(side: Side, expected: FixedDecimal) {
        var venue = simVenue([btcusdPerp], balances: ["BTC": 1], modes: [btcusdPerp.id: .isolated])
        venue.onMarket(at(btcusdPerp, bid: "60000", ask: "60000"))
        _ = venue.execute(market(btcusdPerp, side, "10", id: "o1"), at: t0)
        #expect(venue.isolatedMargin[btcusdPerp.id] == "0.00083334")
        #expect(venue.liquidationPrice(btcusdPerp.id) == expected)
    }

    @Test("the position is closed at the liquidation price when the mark crosses it, and reported")
    func liquidatesWhenMarkCrosses() throws {
        var venue = simVenue(modes: [btcusdt.id: .isolated])
        venue.onMarket(at(btcusdt, bid: "60000", ask: "60000"))
        _ = venue.execute(market(btcusdt, .buy, "1", id: "o1"), at: t0)
        #expect(closures(venue.onMarket(.mark(btcusdt.id, "58491.55", time: t0 + .seconds(1)))).isEmpty)
        let closed = closures(venue.onMarket(.mark(btcusdt.id, "58491.54", time: t0 + .seconds(2))))
        let (fill, reason) = try #require(closed.first)
        #expect(reason == .liquidation)
        #expect(fill.side == .sell && fill.quantity == 1 && fill.price == "58491.54")
        // Taker fee 58491.54 × 0.0005 = 29.24577
        #expect(fill.fee == "29.24577")
        #expect(venue.positions[btcusdt.id]?.isFlat == true)
        #expect(venue.isolatedMargin[btcusdt.id] == nil)
        // 100000 − 30 (entry fee) − 1508.46 (58491.54 − 60000) − 29.24577 = 98432.29423
        #expect(venue.balances["USDT"] == "98432.29423")
    }

    @Test("without a mark feed the mid is the mark for liquidation")
    func midIsTheMark() {
        var venue = simVenue(balances: ["USDT": 10_000])
        venue.onMarket(at(btcusdt, bid: "60000", ask: "60000"))
        _ = venue.execute(market(btcusdt, .buy, "1", id: "o1"), at: t0)
        // Cross liquidation price 51339.15 (above): a mid of 51339.10 crosses it.
        let closed = closures(venue.onMarket(at(btcusdt, bid: "51339.00", ask: "51339.20", time: t0 + .seconds(1))))
        #expect(closed.map(\.0.price) == ["51339.15"])
    }
}

@Suite("Simulated venue: funding and settlement")
struct SimulatedFundingTests {
    let fundingTime = t0 + .seconds(100)

    func fundedVenue(_ spec: ContractSpec, balances: [String: FixedDecimal]) -> SimulatedVenue {
        var venue = simVenue([spec], balances: balances)
        venue.onMarket(at(spec, bid: "50000", ask: "50000"))
        venue.onMarket(.mark(spec.id, "50000", time: t0))
        venue.onMarket(.fundingRate(spec.id, rate: "0.0001", nextFundingTime: fundingTime, time: t0))
        return venue
    }

    func funding(_ reports: [VenueReport]) -> [FixedDecimal] {
        reports.compactMap { if case .funding(_, let amount, _, _, _) = $0 { amount } else { nil } }
    }

    @Test("positive rate, linear: the long pays and the short receives notional × rate", arguments: [
        // 1 BTC × 50000 mark × 0.0001 = 5 USDT
        (Side.buy, "-5"), (Side.sell, "5"),
    ] as [(Side, FixedDecimal)])
    func linearSign(side: Side, expected: FixedDecimal) {
        var venue = fundedVenue(btcusdt, balances: ["USDT": 100_000])
        _ = venue.execute(market(btcusdt, side, "1", id: "o1"), at: t0 + .seconds(10))
        #expect(funding(venue.advance(to: fundingTime)) == [expected])
        #expect(venue.positions[btcusdt.id]?.funding == expected)
    }

    @Test("positive rate, inverse: paid in the coin on the coin notional", arguments: [
        // 10 × 100 USD / 50000 = 0.02 BTC × 0.0001 = 0.000002 BTC
        (Side.buy, "-0.000002"), (Side.sell, "0.000002"),
    ] as [(Side, FixedDecimal)])
    func inverseSign(side: Side, expected: FixedDecimal) {
        var venue = fundedVenue(btcusdPerp, balances: ["BTC": 1])
        _ = venue.execute(market(btcusdPerp, side, "10", id: "o1"), at: t0 + .seconds(10))
        #expect(funding(venue.advance(to: fundingTime)) == [expected])
        #expect(venue.balances["BTC"].map { $0 > 0 } == true)
    }

    @Test("only positions open at the funding time pay")
    func onlyOpenAtFundingTime() {
        // Closed before the funding time: nothing.
        var closedBefore = fundedVenue(btcusdt, balances: ["USDT": 100_000])
        _ = closedBefore.execute(market(btcusdt, .buy, "1", id: "o1"), at: t0 + .seconds(10))
        _ = closedBefore.execute(OrderRequest(id: "o2", leg: .a, instrument: btcusdt.id, side: .sell, quantity: "1", reduceOnly: true, purpose: .close),
                                 at: t0 + .seconds(99))
        #expect(funding(closedBefore.advance(to: fundingTime + .seconds(1))).isEmpty)
        // Opened at or after the funding time: the funding settles first, before the order.
        var openedAfter = fundedVenue(btcusdt, balances: ["USDT": 100_000])
        var reports: [VenueReport] = []
        _ = openedAfter.receive(market(btcusdt, .buy, "1", id: "o1"), at: fundingTime, reports: &reports)
        #expect(funding(reports).isEmpty)
        #expect(openedAfter.positions[btcusdt.id]?.funding == .zero)
        // Paid once: the schedule is spent until the feed announces the next one.
        #expect(funding(openedAfter.advance(to: fundingTime + .seconds(8 * 3600))).isEmpty)
    }

    @Test("a dated future settles at expiry at the last mark, and takes no more orders")
    func expirySettlement() throws {
        var venue = simVenue([btcDated])
        venue.onMarket(at(btcDated, bid: "60000", ask: "60000"))
        _ = venue.execute(market(btcDated, .buy, "1", id: "o1"), at: t0)
        venue.onMarket(.mark(btcDated.id, "61000", time: t0 + .seconds(3599)))
        #expect(venue.nextSettlementTime == t0 + .seconds(3600))
        let closed = closures(venue.advance(to: t0 + .seconds(3600)))
        let (fill, reason) = try #require(closed.first)
        #expect(reason == .settlement)
        #expect(fill.side == .sell && fill.quantity == 1 && fill.price == "61000" && fill.fee == .zero)
        // Realised 61000 − 60000 = 1000; wallet 100000 − 30 (entry fee) + 1000 = 100970
        #expect(venue.balances["USDT"] == "100970")
        let late = venue.execute(market(btcDated, .buy, "1", id: "o2"), at: t0 + .seconds(3601))
        guard case .rejected(_, let why)? = late.first else { Issue.record("\(late)"); return }
        #expect(why.contains("expired"))
    }
}

@Suite("Simulated venue: latency and faults")
struct SimulatedFaultTests {
    @Test("latency draws are seeded and bounded", arguments: [
        LatencyModel(base: .milliseconds(4), jitter: .uniform(.milliseconds(3))),
        LatencyModel(base: .milliseconds(2), jitter: .lognormal(median: .milliseconds(1), sigma: 0.5)),
    ])
    func seededLatency(model: LatencyModel) {
        var a = SeededRandom(seed: 5), b = SeededRandom(seed: 5)
        let first = (0..<200).map { _ in model.sample(&a) }
        #expect(first == (0..<200).map { _ in model.sample(&b) })
        #expect(first.allSatisfy { $0 >= model.base })
        #expect(Set(first).count > 100)
    }

    func faultyVenue(_ faults: [Fault]) -> SimulatedVenue {
        var settings = SimulatedVenue.Settings()
        settings.balances = ["USDT": 100_000]
        settings.faults = FaultPlan(faults)
        var venue = SimulatedVenue(name: "sim", contracts: [btcusdt], settings: settings)
        venue.onMarket(quote("61800.20", "2.5", "61800.30", "1.0"))
        return venue
    }

    @Test("a selector picks orders by purpose and count")
    func rejectByPurpose() {
        var venue = faultyVenue([.reject(.next(1, purposes: [.hedge]))])
        let open = venue.receive(OrderRequest(id: "a", leg: .a, instrument: btcusdt.id, side: .buy, quantity: "0.01", purpose: .open), at: t0)
        let hedge1 = venue.receive(OrderRequest(id: "b", leg: .a, instrument: btcusdt.id, side: .buy, quantity: "0.01", purpose: .hedge), at: t0)
        let hedge2 = venue.receive(OrderRequest(id: "c", leg: .a, instrument: btcusdt.id, side: .buy, quantity: "0.01", purpose: .hedge), at: t0)
        #expect(open.updates.first == .accepted("a"))
        #expect(hedge1.updates.first.map { if case .rejected = $0 { true } else { false } } == true)
        #expect(hedge2.updates.first == .accepted("c"))
    }

    @Test("a dropped order still executes; its cancel answers the fills with the same trade ids")
    func droppedThenCancel() {
        var venue = faultyVenue([.drop(.next(1))])
        let sent = venue.receive(order(.buy, "0.1", id: "d"), at: t0)
        #expect(sent.delivery == .dropped)
        #expect(venue.positions[btcusdt.id]?.quantity == "0.1")
        #expect(fills(venue.cancel("d", at: t0 + .seconds(3))) == fills(sent.updates))
    }

    @Test("during an outage orders and cancels are lost; after it the venue answers again")
    func outage() {
        var venue = faultyVenue([.outage(from: t0, until: t0 + .seconds(10))])
        let lost = venue.receive(order(.buy, "0.1", id: "x"), at: t0 + .seconds(1))
        #expect(lost.updates.isEmpty && lost.delivery == .dropped)
        #expect(venue.cancel("x", at: t0 + .seconds(2)).isEmpty)
        #expect(venue.positions[btcusdt.id]?.isFlat == true)
        #expect(venue.cancel("x", at: t0 + .seconds(11)) == [.rejected("x", reason: "-2011 Unknown order sent")])
    }

    @Test("stale data is withheld from the strategy for its window only")
    func staleWindow() {
        let venue = faultyVenue([.staleData(btcusdt.id, from: t0, until: t0 + .seconds(5))])
        func event(_ seconds: Int64) -> MarketEvent {
            .quote(btcusdt.id, Quote(bid: "1", bidSize: "1", ask: "2", askSize: "1", time: t0 + .seconds(seconds)))
        }
        #expect(venue.withholdsFromStrategy(event(1)))
        #expect(!venue.withholdsFromStrategy(event(5)))
    }
}
