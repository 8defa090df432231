@testable import HedgeCore
@testable import HedgeEngine
import Testing
@testable import HedgeTerminal

/// The bell's decision, not the terminal: it rings once as a strategy goes unhedged (past the
/// alert wait) or into ERROR, not on every frame after, and not for what a trader chose.
@Suite("Terminal bell")
struct TerminalBellTests {
    static func snapshot(at seconds: Int64, state: StrategyStateName = .monitoring, unhedgedSince: Int64? = nil,
                         killed: Bool = false, venue: VenueCondition = .live) -> EngineSnapshot {
        var snapshot = SnapshotFixture.snapshot
        let start = snapshot.time
        snapshot.time = start + .seconds(seconds)
        snapshot.strategies[0].state = state
        snapshot.strategies[0].haltedByKillSwitch = killed
        snapshot.strategies[0].unhedgedSince = unhedgedSince.map { start + .seconds($0) }
        for index in snapshot.venues.indices { snapshot.venues[index].condition = venue }
        return snapshot
    }

    @Test("Going into ERROR rings once; staying there does not ring again; a second fall rings again")
    func error() {
        var bell = TerminalBell()
        let rings = [Self.snapshot(at: 1), Self.snapshot(at: 2, state: .error), Self.snapshot(at: 3, state: .error),
                     Self.snapshot(at: 4, state: .scanning), Self.snapshot(at: 5, state: .error)].map { bell.rings(for: $0) }
        #expect(rings == [false, true, false, false, true])
    }

    @Test("Legs apart ring once they have been apart past the alert wait, once")
    func unhedged() {
        var bell = TerminalBell()
        // Apart since 9 s: 1 s and 9 s are an opening still filling; at 10 s it rings, then not again.
        let rings = [Self.snapshot(at: 10, unhedgedSince: 9), Self.snapshot(at: 18, unhedgedSince: 9),
                     Self.snapshot(at: 19, unhedgedSince: 9), Self.snapshot(at: 21, unhedgedSince: 9)].map { bell.rings(for: $0) }
        #expect(rings == [false, false, true, false])
    }

    @Test("The kill switch's halt and a stale venue do not ring: the trader chose the one, the header shows the other")
    func quiet() {
        var bell = TerminalBell()
        let rings = [Self.snapshot(at: 1, state: .error, killed: true), Self.snapshot(at: 2, venue: .stale)].map { bell.rings(for: $0) }
        #expect(rings == [false, false])
    }
}
