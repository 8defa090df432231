@testable import HedgeCore
import Testing
@testable import HedgeEngine

/// The quote lanes are FIFOs per lane, through growth and wrap-around.
@Suite struct QuoteLanesTests {
    func entry(_ n: Int) -> QuoteLanes.Entry {
        QuoteLanes.Entry(time: Int64(n), sequence: UInt64(n),
                         quote: Quote(bid: FixedDecimal(units: Int64(n)), bidSize: 1, ask: FixedDecimal(units: Int64(n + 1)), askSize: 1,
                                      time: Timestamp(nanoseconds: Int64(n))))
    }

    @Test func eachLaneKeepsItsOrderThroughGrowthAndWrapAround() {
        let lanes = QuoteLanes()
        lanes.ensure(1)
        var expected: [[Int]] = [[], []]
        var next = 0
        // Interleaved pushes and pops, so the rings wrap before they grow past 64.
        for round in 0..<40 {
            for _ in 0..<(round % 7 + 3) {
                let lane = next % 2
                lanes.append(entry(next), to: lane)
                expected[lane].append(next)
                next += 1
            }
            for lane in 0..<2 where round % 3 != 0 && !expected[lane].isEmpty {
                #expect(Int(lanes.removeFirst(lane).time) == expected[lane].removeFirst())
            }
        }
        for lane in 0..<2 {
            while !expected[lane].isEmpty {
                #expect(!lanes.isEmpty(lane))
                #expect(Int(lanes.first(lane).sequence) == expected[lane][0])
                let popped = lanes.removeFirst(lane)
                #expect(popped.quote.bid.units == Int64(expected[lane].removeFirst()))
            }
            #expect(lanes.isEmpty(lane))
        }
        #expect(next > 128)
    }
}
