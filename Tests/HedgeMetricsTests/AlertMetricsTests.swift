@testable import HedgeCore
@testable import HedgeEngine
@testable import HedgeMetrics
import MetricsScrape
import Testing

/// The series the shipped alert rules read (prometheus/hedgetop.rules.yml): the hedge, the
/// venue's condition and silence, and the kill switch, from the snapshot's typed facts.
@Suite("Alert metrics")
struct AlertMetricsTests {
    let strategy = ["strategy": "cal-btc"]

    func scrape(_ snapshot: EngineSnapshot) throws -> Exposition {
        let metrics = SnapshotMetrics()
        metrics.record(snapshot, receivedAt: MetricsFixture.at(601))
        return try Exposition(parsing: String(decoding: metrics.exposition(), as: UTF8.self))
    }

    /// The fixture with each leg's coin exposure set: A long `a` BTC, B short `b` BTC.
    func snapshot(a: FixedDecimal, b: FixedDecimal, unhedgedSince: Timestamp? = nil) -> EngineSnapshot {
        var snapshot = MetricsFixture.snapshot
        snapshot.strategies[0].legs.a.baseAsset = "BTC"
        snapshot.strategies[0].legs.b.baseAsset = "BTC"
        snapshot.strategies[0].legs.a.baseExposure = a
        snapshot.strategies[0].legs.b.baseExposure = b
        snapshot.strategies[0].unhedgedSince = unhedgedSince
        return snapshot
    }

    @Test("Legs that cancel read hedged, with no time unhedged")
    func hedged() throws {
        let exposition = try scrape(snapshot(a: "0.5", b: "-0.5"))
        #expect(exposition.value("hedgetop_strategy_hedged", strategy) == 1)
        #expect(exposition.value("hedgetop_strategy_unhedged_seconds", strategy) == 0)
    }

    @Test("A lone leg reads unhedged, for as long as the engine has seen it so")
    func unhedged() throws {
        // Unhedged since 570 s, the snapshot taken at 600 s: 30 s.
        let exposition = try scrape(snapshot(a: "0.5", b: "0", unhedgedSince: MetricsFixture.at(570)))
        #expect(exposition.value("hedgetop_strategy_hedged", strategy) == 0)
        #expect(exposition.value("hedgetop_strategy_unhedged_seconds", strategy) == 30)
    }

    @Test("No coin value yet: no hedge series, rather than a guess")
    func unknownHedge() throws {
        let exposition = try scrape(MetricsFixture.snapshot)
        #expect(exposition.samples(named: "hedgetop_strategy_hedged").isEmpty)
        #expect(exposition.samples(named: "hedgetop_strategy_unhedged_seconds").isEmpty)
    }

    @Test("The venue's condition is a state set, one series per condition", arguments: VenueCondition.allCases)
    func venueCondition(_ condition: VenueCondition) throws {
        var snapshot = MetricsFixture.snapshot
        snapshot.venues[0].condition = condition
        snapshot.venues[0].lastMessageAge = .milliseconds(2500)
        let exposition = try scrape(snapshot)
        for candidate in VenueCondition.allCases {
            #expect(exposition.value("hedgetop_venue_state", ["venue": "binance-usdm", "state": candidate.rawValue]) == (candidate == condition ? 1 : 0))
        }
        #expect(exposition.value("hedgetop_venue_last_message_age_seconds", ["venue": "binance-usdm"]) == 2.5)
    }

    @Test("The kill switch is a counter with the time it last fired, and the halted strategy says so")
    func killSwitch() throws {
        var snapshot = MetricsFixture.snapshot
        snapshot.killSwitch = KillSwitchTally(fired: 2, lastFiredAt: MetricsFixture.at(590))
        snapshot.strategies[0].haltedByKillSwitch = true
        let exposition = try scrape(snapshot)
        #expect(exposition.value("hedgetop_kill_switch_fired_total") == 2)
        #expect(exposition.types["hedgetop_kill_switch_fired_total"] == "counter")
        #expect(exposition.value("hedgetop_kill_switch_last_fired_timestamp_seconds") == MetricsFixture.at(590).secondsSinceEpoch)
        #expect(exposition.value("hedgetop_strategy_halted_by_kill_switch", strategy) == 1)
    }

    @Test("Never fired: the counter reads 0 and there is no last-fired time")
    func killSwitchNeverFired() throws {
        var snapshot = MetricsFixture.snapshot
        snapshot.killSwitch = KillSwitchTally()
        let exposition = try scrape(snapshot)
        #expect(exposition.value("hedgetop_kill_switch_fired_total") == 0)
        #expect(exposition.samples(named: "hedgetop_kill_switch_last_fired_timestamp_seconds").isEmpty)
        #expect(exposition.value("hedgetop_strategy_halted_by_kill_switch", strategy) == 0)
    }
}
