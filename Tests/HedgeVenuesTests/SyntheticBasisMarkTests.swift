@testable import HedgeCore
import Testing
@testable import HedgeVenues

/// The paper basis market's mark prices are where a venue's would be: on the book.
@Suite("Synthetic basis: marks on the book")
struct SyntheticBasisMarkTests {
    /// After each tick of an hour of a seeded market, every leg's latest mark lies within a tick of
    /// its latest bid/ask: what a position is valued at is a price the book shows.
    @Test("every mark is within a tick of its bid/ask, tick after tick", arguments: [42, 7, 2024] as [UInt64])
    func marksStayOnTheBook(seed: UInt64) throws {
        var parameters = SyntheticBasisFeed.Parameters(start: SyntheticKind.start)
        parameters.seed = seed
        var feed = SyntheticBasisFeed(parameters)
        let ticks = Dictionary(uniqueKeysWithValues: feed.contracts.map { ($0.id, $0.tickSize) })
        var quotes: [InstrumentID: Quote] = [:]
        var marks: [InstrumentID: FixedDecimal] = [:]
        var checked = 0, outside = 0
        var worst = (distance: FixedDecimal.zero, at: SyntheticKind.start)
        func check(at time: Timestamp) throws {
            for (id, quote) in quotes {
                guard let mark = marks[id], let tick = ticks[id] else { continue }
                checked += 1
                let below = try (quote.bid - tick) - mark, above = try mark - (quote.ask + tick)
                let distance = max(below, above)
                if distance.isPositive {
                    outside += 1
                    if distance > worst.distance { worst = (distance, time) }
                }
            }
        }
        var time = SyntheticKind.start
        while let event = feed.next(), event.time < SyntheticKind.start + .seconds(3600) {
            if event.time != time { try check(at: time) }
            time = event.time
            switch event {
            case .quote(let id, let quote): quotes[id] = quote
            case .mark(let id, let price, _): marks[id] = price
            case .depth, .bookUpdate, .trade, .fundingRate: break
            }
        }
        try check(at: time)
        #expect(checked > 60_000)
        #expect(outside == 0, "\(outside) of \(checked) marks off the book; worst \(worst.distance) beyond a tick at \(worst.at)")
    }

    /// The mark is the index plus a premium: the perpetual's is small (it trades at the index),
    /// the dated leg's is its basis, not some other price.
    @Test("the perpetual's mark sits at the index; the dated leg's above it by the basis")
    func marksAreIndexPlusPremium() throws {
        var feed = SyntheticBasisFeed(SyntheticBasisFeed.Parameters(start: SyntheticKind.start))
        let dated = feed.contracts[0].id, perpetual = feed.contracts[1].id
        var perpetualPremium: [Double] = [], datedPremium: [Double] = []
        while let event = feed.next(), event.time < SyntheticKind.start + .seconds(600) {
            guard case .mark(let id, let price, _) = event else { continue }
            let index = feed.market.underlying
            if id == perpetual { perpetualPremium.append(abs(price.doubleValue - index)) }
            if id == dated { datedPremium.append((price.doubleValue - index) / index * 10_000) }
        }
        // Within a tick or two of the index: 0.1 USD a tick.
        #expect(perpetualPremium.max() ?? .infinity < 0.25)
        // Carry 10 %/year over the 70 days to the March 2027 quarterly: 0.10 × 70 / 365 ≈ 191.8 bps,
        // give or take the deviation (σ 0.5 bps calm, dislocations of about 16 bps when volatile).
        #expect(abs(mean(datedPremium) - 191.8) < 15, "dated premium \(mean(datedPremium)) bps")
    }
}
