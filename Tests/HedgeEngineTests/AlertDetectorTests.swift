@testable import HedgeCore
@testable import HedgeEngine
import HedgeVenues
import Testing

/// The alert events hedgetop finds in its own snapshots (serve's alert command, the screen's
/// bell): each begins once, and again only after it ended.
@Suite("Alert detector")
struct AlertDetectorTests {
    static let t0 = DeskSummaryTests.midnight

    /// A cross strategy at `seconds` past midnight: hedged, or long 0.3 BTC with nothing against it.
    static func strategy(_ name: String = "cross-btc", hedged: Bool = true, unhedgedSince: Int64? = nil,
                         state: StrategyStateName = .monitoring, killed: Bool = false, reason: String? = nil) -> StrategySnapshot {
        let a = DeskSummaryTests.leg(DeskSummaryTests.usdmBTC, "0.3", mark: "60000", utilisation: 0.1)
        let b = DeskSummaryTests.leg(DeskSummaryTests.bybitBTC, hedged ? "-0.3" : .zero, mark: "60000", utilisation: 0.1)
        var strategy = DeskSummaryTests.strategy(name, a, b, state: state, realised: .zero, net: .zero)
        strategy.unhedgedSince = unhedgedSince.map { Timestamp(seconds: t0.nanoseconds / 1_000_000_000 + $0) }
        strategy.haltedByKillSwitch = killed
        strategy.haltReason = reason
        return strategy
    }

    static func snapshot(at seconds: Int64, _ strategies: [StrategySnapshot] = [strategy()], venue: VenueCondition = .live,
                         kills: Int = 0) -> EngineSnapshot {
        let time = Timestamp(seconds: t0.nanoseconds / 1_000_000_000 + seconds)
        return EngineSnapshot(sequence: UInt64(seconds), time: time, mode: .paper, strategies: strategies,
                              venues: [VenueStatus(name: "bybit", connected: venue != .down, latencyMillis: nil,
                                                   staleFor: venue == .stale ? .seconds(3) : nil, condition: venue, lastMessageAge: .seconds(4))],
                              log: [], killSwitch: KillSwitchTally(fired: kills, lastFiredAt: kills > 0 ? time : nil))
    }

    @Test("Legs apart for less than the wait are an opening filling, not an alert; past it, one alert")
    func unhedgedAfterTheWait() {
        var detector = AlertDetector(unhedgedAfter: .seconds(10))
        #expect(detector.observe(Self.snapshot(at: 100, [Self.strategy(hedged: false, unhedgedSince: 95)])).isEmpty)
        let events = detector.observe(Self.snapshot(at: 106, [Self.strategy(hedged: false, unhedgedSince: 95)]))
        #expect(events.map(\.kind) == [.unhedged])
        #expect(events.first?.strategy == "cross-btc")
        #expect(events.first?.severity == .page)
        #expect(events.first?.summary == "cross-btc: legs unhedged for 11s")
        // Still unhedged: nothing new.
        #expect(detector.observe(Self.snapshot(at: 107, [Self.strategy(hedged: false, unhedgedSince: 95)])).isEmpty)
        // Hedged, then apart again for long enough: a new alert.
        #expect(detector.observe(Self.snapshot(at: 108)).isEmpty)
        #expect(detector.observe(Self.snapshot(at: 130, [Self.strategy(hedged: false, unhedgedSince: 118)])).map(\.kind) == [.unhedged])
    }

    @Test("ERROR is an alert with its reason; the kill switch's halt is HALTED, a warning")
    func errorAndHalted() {
        var detector = AlertDetector()
        let events = detector.observe(Self.snapshot(at: 1, [Self.strategy("a", state: .error, reason: "margin call"),
                                                            Self.strategy("b", state: .error, killed: true)]))
        #expect(events.map(\.kind) == [.error, .halted])
        #expect(events.map(\.summary) == ["a is in ERROR: margin call", "b is HALTED by the kill switch"])
        #expect(events.map(\.severity) == [.page, .warn])
    }

    @Test("The kill switch alerts once per firing, not for kills before the first snapshot")
    func killSwitch() {
        var detector = AlertDetector()
        #expect(detector.observe(Self.snapshot(at: 1, kills: 2)).isEmpty)
        #expect(detector.observe(Self.snapshot(at: 2, kills: 2)).isEmpty)
        let events = detector.observe(Self.snapshot(at: 3, kills: 3))
        #expect(events.map(\.kind) == [.killSwitch])
        #expect(events.first?.summary == "the kill switch was fired")
        #expect(detector.observe(Self.snapshot(at: 4, kills: 3)).isEmpty)
    }

    @Test("A venue stale, down or connecting is an alert naming it; live is not", arguments: VenueCondition.allCases)
    func venue(_ condition: VenueCondition) {
        var detector = AlertDetector()
        let events = detector.observe(Self.snapshot(at: 1, venue: condition))
        if condition == .live {
            #expect(events.isEmpty)
        } else {
            #expect(events.map(\.kind) == [.venue])
            #expect(events.first?.venue == "bybit")
            #expect(events.first?.venueCondition == condition)
            // Stale: the leg's data age (the venue may still talk); otherwise the venue's silence.
            #expect(events.first?.summary == (condition == .stale ? "venue bybit is stale: a leg's market data is 3s old"
                                                                   : "venue bybit is \(condition.rawValue), last message 4s ago"))
        }
    }

    @Test("A venue going from stale to down is a new alert")
    func venueWorsens() {
        var detector = AlertDetector()
        #expect(detector.observe(Self.snapshot(at: 1, venue: .stale)).count == 1)
        #expect(detector.observe(Self.snapshot(at: 2, venue: .stale)).isEmpty)
        #expect(detector.observe(Self.snapshot(at: 3, venue: .down)).map(\.venueCondition) == [.down])
    }
}

@Suite("Alert throttle")
struct AlertThrottleTests {
    static func at(_ seconds: Int64) -> Timestamp { Timestamp(seconds: 1_723_161_600 + seconds) }
    let stale = AlertEvent(kind: .venue, venue: "bybit", venueCondition: .stale, severity: .page, summary: "venue bybit is stale", engineTime: Self.at(0))

    @Test("The same event is let through at most once per interval; another event is not held up")
    func oncePerInterval() {
        var throttle = AlertThrottle(interval: .seconds(60))
        var down = stale
        down.venueCondition = .down
        let admitted = [(stale, 0), (stale, 59), (down, 30), (stale, 60)].map { throttle.admit($0.0, at: Self.at($0.1)) }
        #expect(admitted == [true, false, true, true])
    }
}

@Suite("Alert message")
struct AlertMessageTests {
    @Test("The command reads one JSON object: event, subject, severity, summary, both times")
    func json() throws {
        let event = AlertEvent(kind: .unhedged, strategy: "btc-calendar", severity: .page, summary: "btc-calendar: legs unhedged for 12s",
                               engineTime: Timestamp(seconds: 1_723_161_600))
        let text = String(decoding: AlertMessage(event, sentAt: Timestamp(seconds: 1_723_161_601)).json, as: UTF8.self)
        #expect(text == #"{"engine_time":"2024-08-09T00:00:00.000Z","event":"unhedged","severity":"page","strategy":"btc-calendar","summary":"btc-calendar: legs unhedged for 12s","wall_time":"2024-08-09T00:00:01.000Z"}"# + "\n")
    }
}

@Suite("Venue condition")
struct VenueConditionTests {
    @Test("Down wins, then connecting, then stale (the venue's or a leg's); a finished feed is down", arguments: [
        (VenueHealth.State.live, nil, false, VenueCondition.live),
        (.live, Duration.seconds(3), false, .stale),
        (.stale, nil, false, .stale),
        (.connecting, .seconds(3), false, .connecting),
        (.down, .seconds(3), false, .down),
        (.live, nil, true, .down),
    ] as [(VenueHealth.State, Duration?, Bool, VenueCondition)])
    func condition(state: VenueHealth.State, staleFor: Duration?, feedEnded: Bool, expected: VenueCondition) {
        #expect(Engine.condition(of: state, staleFor: staleFor, feedEnded: feedEnded) == expected)
    }
}
