@testable import HedgeCore
import Testing
@testable import HedgeVenues

/// Issue 13, defects 3 and 4: the simulated book keeps every level the feed gives (changed by
/// each update, not replaced by a copy of the top 20), bounded only by `maxBookLevels` without a
/// leg left short by the bound; and ticker tops and depth merge by venue time, so a fill never
/// uses a level newer data no longer shows.
@Suite("Simulated book: all the depth, fresh prices only")
struct SimulatedBookFreshnessTests {
    static let ms = Duration.milliseconds(1)

    /// `count` asks from 61800.30 up, 0.10 apart (ten ticks), 1 each; bid 61800.20.
    func depthVenue(maxLevels: Int = SimulatedBook.defaultMaxLevels, asks count: Int = 5) -> SimulatedVenue {
        var settings = SimulatedVenue.Settings()
        settings.balances = ["USDT": 1_000_000]
        settings.maxBookLevels = maxLevels
        var venue = SimulatedVenue(name: "sim", contracts: [btcusdt], settings: settings)
        let asks = (0..<count).map { level(FixedDecimal(units: (6_180_030 + Int64($0) * 10) * 1_000_000), "1") }
        venue.onMarket(.depth(btcusdt.id, BookDepth(bids: [level("61800.20", "1")], asks: asks, time: t0)))
        return venue
    }

    @Test("an update changes only the levels it names; the rest of a deep book stays")
    func updateChangesItsLevels() {
        var venue = depthVenue(asks: 50)
        venue.onMarket(.bookUpdate(btcusdt.id, BookUpdate(bids: [], asks: [level("61800.40", "0"), level("61800.45", "2")], time: t0 + Self.ms)))
        let asks = venue.books[btcusdt.id]?.levels(.sell) ?? []
        #expect(asks.count == 50)
        #expect(asks.prefix(3) == [level("61800.30", "1"), level("61800.45", "2"), level("61800.50", "1")])
        // 30 lots walk 30 levels: 1 + 2 + 27 more, the deepest at 61800.30 + 28 ticks = 61803.10.
        let taken = fills(venue.execute(order(.buy, "30"), at: t0 + Self.ms))
        #expect(taken.count == 29)
        #expect(taken.last?.price == "61803.10")
        #expect(taken.allSatisfy { $0.book == .depth })
    }

    @Test("an update clears what our order took at its level, and only there")
    func updateClearsTakenLiquidityAtItsLevel() {
        var venue = depthVenue()
        _ = venue.execute(order(.buy, "2", id: "o1"), at: t0)
        venue.onMarket(.bookUpdate(btcusdt.id, BookUpdate(bids: [], asks: [level("61800.40", "1")], time: t0 + Self.ms)))
        // 61800.30 stays taken (size 0); 61800.40 is back.
        #expect(fills(venue.execute(order(.buy, "1", id: "o2"), at: t0 + Self.ms)).map(\.price) == ["61800.40"])
    }

    @Test("with the book bound to 3 levels a side, a market order past them fills its rest one tick beyond the deepest kept level")
    func boundNeverLeavesAMarketOrderShort() {
        var venue = depthVenue(maxLevels: 3)
        #expect(venue.books[btcusdt.id]?.levels(.sell).count == 3)
        #expect(venue.droppedBookLevels == 2)
        let updates = venue.execute(order(.buy, "4.5"), at: t0)
        let taken = fills(updates)
        // 1 at each of 61800.30, .40, .50 (kept), then 1.5 at 61800.51, one tick beyond.
        #expect(taken.map(\.price) == ["61800.30", "61800.40", "61800.50", "61800.51"])
        #expect(taken.map(\.quantity) == ["1", "1", "1", "1.5"])
        #expect(taken.map(\.book) == [.depth, .depth, .depth, .beyondKeptDepth])
        #expect(!updates.contains { if case .cancelled = $0 { true } else { false } })
        // An update beyond what the bound dropped is unknown territory: not kept.
        venue.onMarket(.bookUpdate(btcusdt.id, BookUpdate(bids: [], asks: [level("61800.70", "5")], time: t0 + Self.ms)))
        #expect(venue.books[btcusdt.id]?.levels(.sell).map(\.price) == ["61800.30", "61800.40", "61800.50"])
    }

    @Test("a ticker top newer than the depth removes the levels better than it")
    func newerTopRemovesBetterLevels() {
        var venue = depthVenue()
        venue.onMarket(.quote(btcusdt.id, Quote(bid: "61800.20", bidSize: "1", ask: "61800.50", askSize: "0.4", time: t0 + .milliseconds(10))))
        let taken = fills(venue.execute(order(.buy, "1"), at: t0 + .milliseconds(10)))
        #expect(taken.map(\.price) == ["61800.50", "61800.60"])
        #expect(taken.map(\.quantity) == ["0.4", "0.6"])
    }

    @Test("a depth update older than the newest ticker top does not bring back a level through it")
    func olderUpdateCannotResurrectLevels() {
        var venue = depthVenue()
        venue.onMarket(.quote(btcusdt.id, Quote(bid: "61800.20", bidSize: "1", ask: "61800.50", askSize: "0.4", time: t0 + .milliseconds(10))))
        // Published after the top but describing the book 5 ms before it: 61800.30 and .50 are stale.
        venue.onMarket(.bookUpdate(btcusdt.id, BookUpdate(bids: [], asks: [level("61800.30", "3"), level("61800.50", "9"), level("61800.60", "2")],
                                                          time: t0 + .milliseconds(5))))
        let taken = fills(venue.execute(order(.buy, "1"), at: t0 + .milliseconds(10)))
        #expect(taken.map(\.price) == ["61800.50", "61800.60"])
        #expect(taken.map(\.quantity) == ["0.4", "0.6"])
        // A whole book as old brings nothing back either.
        venue.onMarket(.depth(btcusdt.id, BookDepth(bids: [level("61800.20", "1")], asks: [level("61800.30", "3"), level("61800.60", "2")],
                                                    time: t0 + .milliseconds(6))))
        #expect(venue.books[btcusdt.id]?.levels(.sell).first == level("61800.50", "0.4"))
    }

    @Test("a top no newer than the depth (the decoder's own top of it) does not move the book")
    func topFromTheDepthItselfIsNotATicker() {
        var venue = depthVenue()
        _ = venue.execute(order(.buy, "0.5", id: "o1"), at: t0)
        venue.onMarket(.quote(btcusdt.id, Quote(bid: "61800.20", bidSize: "1", ask: "61800.30", askSize: "1", time: t0)))
        // What o1 took stays taken: 0.5 left at 61800.30.
        #expect(fills(venue.execute(order(.buy, "1", id: "o2"), at: t0)).map(\.quantity) == ["0.5", "0.5"])
    }

    @Test("a fill made with only the top of book says so; one on depth says so too")
    func fillsSayWhatTheBookKnew() {
        var venue = simVenue()
        venue.onMarket(quote("61800.20", "2.5", "61800.30", "1.0"))
        #expect(fills(venue.execute(order(.buy, "1.5", id: "o1"), at: t0)).map(\.book) == [.topOnly, .topOnly])
        var deep = depthVenue()
        #expect(fills(deep.execute(order(.buy, "1.5", id: "o2"), at: t0)).map(\.book) == [.depth, .depth])
    }
}
