import Foundation
@testable import HedgeCore
import Testing
@testable import HedgeVenues

/// CSV replay speed, measured only in release with a file named by HEDGETOP_CSV_BENCH
/// (`swift test -c release -Xswiftc -enable-testing --filter QuoteCSVThroughput`).
@Suite struct QuoteCSVThroughputTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["HEDGETOP_CSV_BENCH"] != nil))
    func csvReplayThroughput() throws {
        let path = ProcessInfo.processInfo.environment["HEDGETOP_CSV_BENCH"]!
        var feed = try ReplayFeed(paths: [path], instruments: [InstrumentID(venue: "csv", symbol: "A"), InstrumentID(venue: "csv", symbol: "B")])
        let clock = ContinuousClock()
        var count = 0
        let elapsed = clock.measure { while feed.next() != nil { count += 1 } }
        let rate = Double(count) / elapsed.secondsDouble
        print("CSV replay: \(count) quotes in \(elapsed), \(Int(rate)) quotes/s")
        #expect(count > 0)
    }
}
