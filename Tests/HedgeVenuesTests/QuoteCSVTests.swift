@testable import HedgeCore
import Testing
@testable import HedgeVenues

/// The CSV of quotes: the good case and each bad one, under both policies.
@Suite struct QuoteCSVTests {
    static let header = "ts_ns,venue,symbol,bid_px,bid_qty,ask_px,ask_qty\n"
    static let instrument = InstrumentID(venue: "csv", symbol: "BTC-SPREAD")

    func replay(_ body: String, policy: BadInputPolicy = .skip) throws -> (events: [MarketEvent], statistics: ReplayStatistics) {
        let path = try ReplayFixtures.temporaryFile("quotes.csv", body)
        var feed = try ReplayFeed(paths: [path], instruments: [Self.instrument], options: ReplayOptions(policy: policy))
        let events = try feed.drain()
        return (events, feed.statistics)
    }

    @Test func goodRowsBecomeQuotes() throws {
        let (events, statistics) = try replay(Self.header + """
            1723161256313000000,csv,BTC-SPREAD,61800.2,2.5,61800.3,1.25
            1723161256314000000,csv,OTHER,1,1,2,1
            1723161256315000000,csv,BTC-SPREAD,61800.1,1,61800.3,1
            """)
        #expect(events == [
            .quote(Self.instrument, Quote(bid: "61800.2", bidSize: "2.5", ask: "61800.3", askSize: "1.25", time: Timestamp(nanoseconds: 1_723_161_256_313_000_000))),
            .quote(Self.instrument, Quote(bid: "61800.1", bidSize: "1", ask: "61800.3", askSize: "1", time: Timestamp(nanoseconds: 1_723_161_256_315_000_000))),
        ])
        #expect(statistics.linesNotSelected == 1 && statistics.skippedTotal == 0 && statistics.linesRead == 4)
    }

    @Test(arguments: [
        ("1,csv,BTC-SPREAD,61800.2,2.5,61800.3", MarketDataFault.Kind.missingColumn),
        ("1,csv,BTC-SPREAD,abc,2.5,61800.3,1", .badNumber),
        ("1,csv,BTC-SPREAD,NaN,2.5,61800.3,1", .badNumber),
        ("1,csv,BTC-SPREAD,61801,2.5,61800.3,1", .crossedBook),
        ("1,csv,BTC-SPREAD,0,2.5,61800.3,1", .badNumber),
        ("x,csv,BTC-SPREAD,61800.2,2.5,61800.3,1", .badNumber),
        ("1,nowhere,BTC-SPREAD,61800.2,2.5,61800.3,1", .unknownSymbol),
    ])
    func badRowIsSkippedAndCountedOrStops(row: String, kind: MarketDataFault.Kind) throws {
        let body = Self.header + row + "\n2,csv,BTC-SPREAD,61800.2,2.5,61800.3,1\n"
        let (events, statistics) = try replay(body)
        #expect(events.count == 1)
        #expect(statistics.skipped == [kind: 1])
        #expect(statistics.examples[kind]?.first?.hasPrefix("quotes.csv:2: \(kind)") == true)
        #expect { _ = try replay(body, policy: .stop) } throws: { error in
            (error as? ReplayError).map { $0.line == 2 && $0.fault.kind == kind } ?? false
        }
    }

    @Test func missingHeaderIsReported() throws {
        let (_, statistics) = try replay("1,csv,BTC-SPREAD,61800.2,2.5,61800.3,1\n")
        #expect(statistics.skipped[.missingColumn] == 1)
    }

    @Test func outOfOrderRowIsSkippedOrStops() throws {
        let body = Self.header + "5,csv,BTC-SPREAD,1,1,2,1\n4,csv,BTC-SPREAD,1,1,2,1\n6,csv,BTC-SPREAD,1,1,2,1\n"
        let (events, statistics) = try replay(body)
        #expect(events.map(\.time.nanoseconds) == [5, 6])
        #expect(statistics.skipped == [.outOfOrder: 1])
        #expect { _ = try replay(body, policy: .stop) } throws: { ($0 as? ReplayError)?.description.hasPrefix("quotes.csv:3: out-of-order time") == true }
    }
}
