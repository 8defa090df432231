@testable import HedgeCore
@testable import HedgeEngine
@testable import HedgeVenues
import Testing

/// A venue outage from the fault plan reaches the event log when it starts and when it ends, at
/// those data times, whether or not an order is sent meanwhile.
@Suite struct VenueOutageLogTests {
    static let start = Timestamp(seconds: 1_800_000_000)

    static func outageLines(_ engine: Engine) -> [LogEntry] {
        engine.snapshot(logTail: 500).log.filter { $0.message.hasPrefix("venue ") }
    }

    @Test func anOutageIsLoggedWhenItStartsAndEnds() throws {
        let engine = runFaulty([.outage(from: Self.start + .seconds(20), until: Self.start + .seconds(35))], seconds: 60)
        let lines = Self.outageLines(engine)
        try #require(lines.count == 2)
        let venue = engine.snapshot().venues[0].name
        #expect(lines[0].time == Self.start + .seconds(20))
        #expect(lines[0].severity == .warning)
        #expect(lines[0].strategy == nil)
        #expect(lines[0].message == "venue \(venue) down: orders and cancels sent to it are lost until it is back")
        #expect(lines[1].time == Self.start + .seconds(35))
        #expect(lines[1].severity == .notice)
        #expect(lines[1].message == "venue \(venue) back up: orders reach it again")
    }

    @Test func anOutageUnderWayAtTheStartIsLoggedAtOnce() throws {
        let engine = runFaulty([.outage(from: Timestamp(seconds: 1_800_000_000 - 10), until: Self.start + .seconds(5))], seconds: 10)
        let lines = Self.outageLines(engine)
        try #require(lines.count == 2)
        #expect(lines[0].time == Self.start)
        #expect(lines[0].message.contains("down"))
        #expect(lines[1].time == Self.start + .seconds(5))
    }

    @Test func noOutageNoLine() {
        #expect(Self.outageLines(runFaulty([], seconds: 30)).isEmpty)
    }
}
