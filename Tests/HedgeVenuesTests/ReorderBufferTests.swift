import HedgeCore
import Testing
@testable import HedgeVenues

@Suite struct ReorderBufferTests {
    static let id = InstrumentID(venue: "binance-usdm", symbol: "BTCUSDT")

    static func trade(_ milliseconds: Int64, _ price: Int64) -> MarketEvent {
        .trade(id, PublicTrade(price: FixedDecimal(units: price), quantity: FixedDecimal(units: 1), aggressor: .buy, time: Timestamp(milliseconds: milliseconds)))
    }

    @Test("events come out by time, equal times in the order pushed, pushes and pops interleaved")
    func ordersByTimeThenArrival() {
        var random = SeededRandom(seed: 7)
        var buffer = ReorderBuffer()
        var pushed: [(time: Int64, order: Int, event: MarketEvent)] = []
        var popped: [MarketEvent] = []
        for order in 0..<5_000 {
            // Few distinct times, so ties are common.
            let event = Self.trade(Int64(random.next() % 200), Int64(order + 1))
            pushed.append((event.time.nanoseconds, order, event))
            buffer.push(event)
            if random.next() % 3 == 0, let event = buffer.popEarliest() { popped.append(event) }
        }
        while let event = buffer.popEarliest() { popped.append(event) }
        #expect(buffer.isEmpty && buffer.earliestTime == nil)
        #expect(popped.count == pushed.count)
        // Every event once; each pop is the earliest (time, arrival) of what was waiting then.
        #expect(Set(popped.map { $0.hashValue }).count == popped.count)
        var replay = ReorderBuffer()
        var waiting: [(time: Int64, order: Int, event: MarketEvent)] = []
        var random2 = SeededRandom(seed: 7)
        var expected: [MarketEvent] = []
        for order in 0..<5_000 {
            let event = Self.trade(Int64(random2.next() % 200), Int64(order + 1))
            waiting.append((event.time.nanoseconds, order, event))
            replay.push(event)
            if random2.next() % 3 == 0 {
                let index = waiting.indices.min { (waiting[$0].time, waiting[$0].order) < (waiting[$1].time, waiting[$1].order) }!
                expected.append(waiting.remove(at: index).event)
                _ = replay.popEarliest()
            }
        }
        expected += waiting.sorted { ($0.time, $0.order) < ($1.time, $1.order) }.map(\.event)
        #expect(popped == expected)
    }
}
