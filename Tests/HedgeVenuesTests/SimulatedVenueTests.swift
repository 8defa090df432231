@testable import HedgeCore
import Testing
@testable import HedgeVenues

/// Binance USD-M BTCUSDT filters (tick 0.01, lot 0.001, min notional 5) with 0.02 % / 0.05 % fees.
let btcusdt = ContractSpec(
    id: InstrumentID(venue: "sim", symbol: "BTCUSDT"), kind: .perpetual, margining: .linear, contractSize: 1,
    tickSize: "0.01", lotStep: "0.001", minNotional: "5", baseAsset: "BTC", quoteAsset: "USDT",
    settlementAsset: "USDT", fundingInterval: .seconds(8 * 3600))

func quote(_ bid: FixedDecimal, _ bidSize: FixedDecimal, _ ask: FixedDecimal, _ askSize: FixedDecimal) -> MarketEvent {
    .quote(btcusdt.id, Quote(bid: bid, bidSize: bidSize, ask: ask, askSize: askSize, time: Timestamp(seconds: 1)))
}

func order(_ side: Side, _ quantity: FixedDecimal, reduceOnly: Bool = false, id: OrderID = "o1") -> OrderRequest {
    OrderRequest(id: id, leg: .a, instrument: btcusdt.id, side: side, quantity: quantity, reduceOnly: reduceOnly, purpose: .open)
}

@Suite("Simulated venue")
struct SimulatedVenueTests {
    func venue(balance: FixedDecimal = 100_000) -> SimulatedVenue {
        var settings = SimulatedVenue.Settings()
        settings.balances = ["USDT": balance]
        var venue = SimulatedVenue(name: "sim", contracts: [btcusdt], settings: settings)
        venue.onMarket(quote("61800.20", "2.5", "61800.30", "1.0"))
        return venue
    }

    @Test("a market order within the displayed size fills at the top with the taker fee")
    func fillsAtTheTop() throws {
        var venue = venue()
        let updates = venue.execute(order(.buy, "0.5"), at: Timestamp(seconds: 2))
        #expect(updates.count == 2)
        guard case .filled(let fill, let remaining) = updates[1] else { Issue.record("no fill: \(updates)"); return }
        #expect(fill.price == "61800.30")
        #expect(remaining == .zero)
        // 0.5 × 61800.30 = 30900.15 notional × 0.0005 = 15.450075 USDT
        #expect(fill.fee == "15.450075")
        #expect(venue.positions[btcusdt.id]?.quantity == "0.5")
        // Wallet: 100000 − 15.450075
        #expect(venue.balances["USDT"] == "99984.549925")
    }

    @Test("beyond the displayed size the rest fills one tick worse")
    func restFillsOneTickWorse() {
        var venue = venue()
        let updates = venue.execute(order(.buy, "1.5"), at: Timestamp(seconds: 2))
        let fills = updates.compactMap { update -> Fill? in
            if case .filled(let fill, _) = update { return fill }
            return nil
        }
        #expect(fills.map(\.price) == ["61800.30", "61800.31"])
        #expect(fills.map(\.quantity) == ["1.0", "0.5"])
    }

    @Test("a reduce-only order that would grow the position is refused")
    func reduceOnlyRefused() {
        var venue = venue()
        let updates = venue.execute(order(.sell, "0.1", reduceOnly: true), at: Timestamp(seconds: 2))
        guard case .rejected(_, let reason) = updates.first else { Issue.record("not rejected: \(updates)"); return }
        #expect(reason.contains("reduce-only"))
    }

    @Test("an order off the lot step is refused with the venue's reason")
    func lotStepRefused() {
        var venue = venue()
        let updates = venue.execute(order(.buy, "0.0005"), at: Timestamp(seconds: 2))
        guard case .rejected(_, let reason) = updates.first else { Issue.record("not rejected: \(updates)"); return }
        #expect(reason.contains("lot step"))
    }

    @Test("an order the wallet cannot margin is refused")
    func insufficientMarginRefused() {
        // 1 BTC at 61800.30 needs 5 % = 3090.02 USDT of initial margin; the wallet holds 1000.
        var venue = venue(balance: 1000)
        let updates = venue.execute(order(.buy, "1"), at: Timestamp(seconds: 2))
        guard case .rejected(_, let reason) = updates.first else { Issue.record("not rejected: \(updates)"); return }
        #expect(reason.contains("insufficient margin"))
    }

    @Test("injected rejections refuse exactly the next N orders")
    func injectedRejections() {
        var venue = venue()
        venue.injectRejections(2)
        let results = (1...3).map { index in
            venue.execute(order(.buy, "0.01", id: OrderID("o\(index)")), at: Timestamp(seconds: 2)).first
        }
        #expect(results.map { if case .rejected = $0 { true } else { false } } == [true, true, false])
    }

    @Test("a crossed quote does not move the book")
    func crossedQuoteIgnored() {
        var venue = venue()
        venue.onMarket(quote("61900", "1", "61800", "1"))
        #expect(venue.books[btcusdt.id]?.top?.bid == "61800.20")
    }
}

@Suite("Synthetic calendar feed")
struct SyntheticCalendarFeedTests {
    @Test("the same seed gives the same market")
    func seededIsRepeatable() {
        let start = Timestamp(seconds: 1_800_000_000)
        var first = SyntheticCalendarFeed(.init(start: start))
        var second = SyntheticCalendarFeed(.init(start: start))
        for _ in 0..<500 { #expect(first.next() == second.next()) }
    }

    @Test("the far contract trades richer than the near one (carry), with valid books")
    func farIsRicher() throws {
        var feed = SyntheticCalendarFeed(.init(start: Timestamp(seconds: 1_800_000_000)))
        let near = feed.contracts[0].id, far = feed.contracts[1].id
        var last: [InstrumentID: Quote] = [:]
        for _ in 0..<2000 {
            guard case .quote(let id, let quote)? = feed.next() else { Issue.record("feed ended"); return }
            #expect(quote.defect == nil)
            last[id] = quote
        }
        let nearMid = try #require(last[near]).mid, farMid = try #require(last[far]).mid
        #expect(farMid > nearMid)
    }
}
