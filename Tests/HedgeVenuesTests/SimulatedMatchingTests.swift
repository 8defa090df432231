@testable import HedgeCore
import Testing
@testable import HedgeVenues

let t0 = Timestamp(seconds: 1_000)

func level(_ price: FixedDecimal, _ quantity: FixedDecimal) -> BookLevel { BookLevel(price: price, quantity: quantity) }

func fills(_ updates: [OrderUpdate]) -> [Fill] {
    updates.compactMap { if case .filled(let fill, _) = $0 { fill } else { nil } }
}

func reportFills(_ reports: [VenueReport]) -> [Fill] {
    reports.compactMap { if case .order(.filled(let fill, _), _) = $0 { fill } else { nil } }
}

func limitOrder(_ side: Side, _ quantity: FixedDecimal, at price: FixedDecimal, id: OrderID = "L1", spec: ContractSpec = btcusdt) -> OrderRequest {
    OrderRequest(id: id, leg: .a, instrument: spec.id, side: side, quantity: quantity, type: .limit(price: price), purpose: .open)
}

func simVenue(_ contracts: [ContractSpec] = [btcusdt], balances: [String: FixedDecimal] = ["USDT": 100_000],
              modes: [InstrumentID: SimulatedVenue.MarginMode] = [:]) -> SimulatedVenue {
    var settings = SimulatedVenue.Settings()
    settings.balances = balances
    settings.marginModes = modes
    return SimulatedVenue(name: "sim", contracts: contracts, settings: settings)
}

@Suite("Simulated venue: book and matching")
struct SimulatedMatchingTests {
    func depthVenue() -> SimulatedVenue {
        var venue = simVenue()
        venue.onMarket(.depth(btcusdt.id, BookDepth(
            bids: [level("61800.20", "1")],
            asks: [level("61800.30", "0.5"), level("61800.40", "0.5"), level("61800.50", "1"), level("61800.60", "1"), level("61800.70", "2")],
            time: t0)))
        return venue
    }

    @Test("a market order walks five levels of depth")
    func walksFiveLevels() throws {
        var venue = depthVenue()
        let updates = venue.execute(order(.buy, "4.5"), at: t0)
        let taken = fills(updates)
        #expect(taken.map(\.price) == ["61800.30", "61800.40", "61800.50", "61800.60", "61800.70"])
        #expect(taken.map(\.quantity) == ["0.5", "0.5", "1", "1", "1.5"])
        // Fees at 0.05 %: 0.5×61800.30×0.0005 = 15.450075; 0.5×61800.40×0.0005 = 15.4501;
        // 61800.50×0.0005 = 30.90025; 61800.60×0.0005 = 30.9003; 1.5×61800.70×0.0005 = 46.350525.
        #expect(taken.map(\.fee) == ["15.450075", "15.4501", "30.90025", "30.9003", "46.350525"])
        // Notional 30900.15 + 30900.20 + 61800.50 + 61800.60 + 92701.05 = 278102.50; / 4.5 = 61800.555555…
        let position = try #require(venue.positions[btcusdt.id])
        #expect(position.quantity == "4.5")
        // The running mean rounds at each fill, so it may sit one unit of 1e-8 from the exact mean.
        #expect(abs(((try? position.averageEntry - "61800.55555556") ?? .max).units) <= 1)
        // Distinct trade ids, so a fill reported twice is recognised.
        #expect(Set(taken.compactMap(\.tradeID)).count == 5)
    }

    @Test("taken liquidity stays taken until the next market data update")
    func consumedLiquidityStays() {
        var venue = depthVenue()
        _ = venue.execute(order(.buy, "4.5", id: "o1"), at: t0)
        // 0.5 left at 61800.70, then the depth is exhausted: the IOC remainder is cancelled.
        let second = venue.execute(order(.buy, "1", id: "o2"), at: t0)
        #expect(fills(second).map(\.quantity) == ["0.5"])
        #expect(fills(second).map(\.price) == ["61800.70"])
        guard case .cancelled(_, let filled, let reason)? = second.last else { Issue.record("\(second)"); return }
        #expect(filled == "0.5")
        #expect(reason.contains("IOC"))
        // A new depth update restores the levels.
        venue.onMarket(.depth(btcusdt.id, BookDepth(bids: [level("61800.20", "1")], asks: [level("61800.30", "0.5")], time: t0 + .seconds(1))))
        #expect(fills(venue.execute(order(.buy, "0.2", id: "o3"), at: t0 + .seconds(1))).map(\.price) == ["61800.30"])
    }

    @Test("with only the top known, a consumed top fills one tick worse until the next quote")
    func topOfBookConsumed() {
        var venue = simVenue()
        venue.onMarket(quote("61800.20", "2.5", "61800.30", "1.0"))
        _ = venue.execute(order(.buy, "1.0", id: "o1"), at: t0)
        #expect(fills(venue.execute(order(.buy, "0.2", id: "o2"), at: t0)).map(\.price) == ["61800.31"])
        venue.onMarket(quote("61800.20", "2.5", "61800.30", "1.0"))
        #expect(fills(venue.execute(order(.buy, "0.2", id: "o3"), at: t0)).map(\.price) == ["61800.30"])
    }

    @Test("a limit order rests, fills partly when a quote crosses it and the rest on a trade through it, with the maker fee")
    func limitRestsAndFills() throws {
        var venue = simVenue()
        venue.onMarket(quote("61800.20", "2.5", "61800.30", "1.0"))
        let placed = venue.execute(limitOrder(.buy, "0.5", at: "61800.00"), at: t0)
        #expect(placed == [.accepted("L1")])
        // The ask comes down to 61800.00 with 0.2 shown: 0.2 fill at our price as maker.
        let first = reportFills(venue.onMarket(.quote(btcusdt.id, Quote(bid: "61799.90", bidSize: "1", ask: "61800.00", askSize: "0.2", time: t0 + .seconds(1)))))
        #expect(first.map(\.quantity) == ["0.2"])
        #expect(first.first?.price == "61800.00")
        #expect(first.first?.liquidity == .maker)
        // 0.2 × 61800 × 0.0002 = 2.472
        #expect(first.first?.fee == "2.472")
        // A trade at our price is not through it: no fill.
        #expect(venue.onMarket(.trade(btcusdt.id, PublicTrade(price: "61800.00", quantity: "5", aggressor: .sell, time: t0 + .seconds(2)))).isEmpty)
        // A trade through it fills the remaining 0.3: 0.3 × 61800 × 0.0002 = 3.708
        let reports = venue.onMarket(.trade(btcusdt.id, PublicTrade(price: "61799.50", quantity: "1", aggressor: .sell, time: t0 + .seconds(3))))
        guard case .order(.filled(let fill, let remaining), _)? = reports.first else { Issue.record("\(reports)"); return }
        #expect(fill.quantity == "0.3")
        #expect(fill.fee == "3.708")
        #expect(remaining == .zero)
        #expect(venue.positions[btcusdt.id]?.quantity == "0.5")
        // Wallet: 100000 − 2.472 − 3.708 = 99993.82
        #expect(venue.balances["USDT"] == "99993.82")
    }

    @Test("a negative maker fee is a rebate paid into the wallet")
    func makerRebate() {
        var rebated = btcusdt
        rebated.fees = FeeSchedule(maker: "-0.0001", taker: "0.0005")
        var venue = simVenue([rebated])
        venue.onMarket(quote("61800.20", "2.5", "61800.30", "1.0"))
        _ = venue.execute(limitOrder(.sell, "0.5", at: "61801.00", spec: rebated), at: t0)
        let filled = reportFills(venue.onMarket(.trade(rebated.id, PublicTrade(price: "61801.50", quantity: "2", aggressor: .buy, time: t0 + .seconds(1)))))
        // 0.5 × 61801 = 30900.5 notional × −0.0001 = −3.09005
        #expect(filled.map(\.fee) == ["-3.09005"])
        #expect(venue.balances["USDT"] == "100003.09005")
    }

    @Test("a limit order that crosses on arrival takes as a taker and rests the rest")
    func marketableLimit() {
        var venue = simVenue()
        venue.onMarket(quote("61800.20", "2.5", "61800.30", "1.0"))
        let updates = venue.execute(limitOrder(.buy, "1.5", at: "61800.30"), at: t0)
        #expect(fills(updates).map(\.quantity) == ["1.0"])
        #expect(fills(updates).first?.liquidity == .taker)
        #expect(!updates.contains { if case .cancelled = $0 { true } else { false } })
    }

    @Test("cancelling a resting order cancels it; cancelling a finished one answers its final state")
    func cancels() {
        var venue = simVenue()
        venue.onMarket(quote("61800.20", "2.5", "61800.30", "1.0"))
        _ = venue.execute(limitOrder(.buy, "0.5", at: "61800.00"), at: t0)
        #expect(venue.cancel("L1", at: t0) == [.cancelled("L1", filled: .zero, reason: "cancelled by request")])
        // Nothing fills it any more.
        #expect(venue.onMarket(.trade(btcusdt.id, PublicTrade(price: "61700", quantity: "5", aggressor: .sell, time: t0 + .seconds(1)))).isEmpty)
        // A market order that filled: the cancel returns its fill again, same trade id.
        let market = venue.execute(order(.buy, "0.1", id: "M1"), at: t0 + .seconds(2))
        let again = venue.cancel("M1", at: t0 + .seconds(3))
        #expect(fills(again) == fills(market))
        #expect(venue.cancel("nope", at: t0 + .seconds(3)) == [.rejected("nope", reason: "-2011 Unknown order sent")])
    }
}

@Suite("Simulated venue: rejections")
struct SimulatedRejectionTests {
    func reason(_ updates: [OrderUpdate]) -> String? {
        if case .rejected(_, let reason)? = updates.first { return reason }
        return nil
    }

    @Test("limit prices outside 0.85–1.15 of the mark are refused (PERCENT_PRICE)", arguments: [
        ("71070.01", true), ("71070.00", false), ("52529.99", true), ("52530.00", false),
    ] as [(FixedDecimal, Bool)])
    func priceBand(price: FixedDecimal, refused: Bool) {
        var venue = simVenue()
        venue.onMarket(quote("61799.90", "2.5", "61800.10", "1.0"))
        venue.onMarket(.mark(btcusdt.id, "61800", time: t0))
        // 1.15 × 61800 = 71070; 0.85 × 61800 = 52530.
        let side: Side = price > "61800" ? .sell : .buy
        let result = reason(venue.execute(limitOrder(side, "0.01", at: price), at: t0))
        #expect((result?.contains("PERCENT_PRICE") ?? false) == refused)
    }

    @Test("a price off the tick is refused (PRICE_FILTER)")
    func tick() {
        var venue = simVenue()
        venue.onMarket(quote("61800.20", "2.5", "61800.30", "1.0"))
        #expect(reason(venue.execute(limitOrder(.buy, "0.01", at: "61800.005"), at: t0))?.contains("PRICE_FILTER") == true)
    }

    @Test("a notional below the minimum is refused (MIN_NOTIONAL)")
    func minNotional() {
        var spec = btcusdt
        spec.minNotional = 100
        var venue = simVenue([spec])
        venue.onMarket(quote("61800.20", "2.5", "61800.30", "1.0"))
        // 0.001 × 61800.30 = 61.8003 < 100
        #expect(reason(venue.execute(OrderRequest(id: "o", leg: .a, instrument: spec.id, side: .buy, quantity: "0.001", purpose: .open), at: t0))?
            .contains("MIN_NOTIONAL") == true)
    }

    @Test("a resting order's margin counts against what is free")
    func restingMarginCounts() {
        // 1 BTC resting at 60000 holds 3000 of initial margin; the next 0.5 needs 1545.02 more of 4000.
        var venue = simVenue(balances: ["USDT": 4000])
        venue.onMarket(quote("61800.20", "2.5", "61800.30", "1.0"))
        _ = venue.execute(limitOrder(.buy, "1", at: "60000"), at: t0)
        #expect(venue.marginStatus(asset: "USDT").available == 1000)
        #expect(reason(venue.execute(order(.buy, "0.5", id: "o2"), at: t0))?.contains("insufficient margin") == true)
    }
}
