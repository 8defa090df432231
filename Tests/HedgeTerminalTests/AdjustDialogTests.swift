@testable import HedgeCore
@testable import HedgeEngine
import Testing
@testable import HedgeTerminal

/// The adjust dialog: resize and thresholds edited with keys, sent only on confirm.
@Suite struct AdjustDialogTests {
    static var open: EngineSnapshot {
        var snapshot = SnapshotFixture.snapshot
        snapshot.strategies[0].entry = .z(2)
        snapshot.strategies[0].exit = .z(0.5)
        snapshot.strategies[0].rebalanceNeeded = true
        return snapshot
    }

    func press(_ keys: [KeyPress], on input: inout ScreenInput, snapshot: EngineSnapshot = Self.open) -> [ScreenInput.Action] {
        var last: [ScreenInput.Action] = []
        for key in keys { last = input.handle(key, snapshot: snapshot, now: .zero) }
        return last
    }

    @Test func aOpensTheDialogWithTheCurrentThresholds() throws {
        var input = ScreenInput()
        _ = press([.character("a")], on: &input)
        let dialog = try #require(input.dialog)
        #expect(dialog.title == "Adjust")
        #expect(dialog.lines.contains { $0.contains("entry    2.0σ") })
        #expect(dialog.lines.contains { $0.contains("exit     0.5σ") })
    }

    @Test func resizeAndThresholdsAreSentOnConfirm() {
        var input = ScreenInput()
        let name = Self.open.strategies[0].name
        let actions = press([.character("a"), .character("+"), .character("+"), .character("e"), .character("X"), .enter], on: &input)
        #expect(actions == [.send(.resize(percent: 20), strategy: name),
                            .send(.setThresholds(entry: .z(2.1), exit: .z(0.4)), strategy: name), .redraw])
        #expect(input.dialog == nil)
    }

    @Test func nothingChangedSendsNothing() {
        var input = ScreenInput()
        let actions = press([.character("a"), .enter], on: &input)
        #expect(actions == [.redraw])
        #expect(input.status?.text.contains("nothing sent") == true)
    }

    @Test func escapeCancelsWithoutSending() {
        var input = ScreenInput()
        let actions = press([.character("a"), .character("+"), .escape], on: &input)
        #expect(actions == [.redraw])
        #expect(input.dialog == nil)
    }

    @Test func rRebalancesAtOnce() {
        var input = ScreenInput()
        let actions = press([.character("a"), .character("r")], on: &input)
        #expect(actions == [.send(.rebalance, strategy: Self.open.strategies[0].name), .redraw])
    }

    @Test func rOnBalancedLegsSendsNothingAndSaysWhy() {
        var input = ScreenInput()
        var balanced = Self.open
        balanced.strategies[0].rebalanceNeeded = false
        let actions = press([.character("a"), .character("r")], on: &input, snapshot: balanced)
        #expect(actions == [.redraw])
        #expect(input.dialog == nil)
        #expect(input.status?.text == "nothing to rebalance: cal-btc's legs are balanced within one lot; nothing sent")
    }

    @Test func resizeIsBoundedAndOnlyForAnOpenSpread() throws {
        var draft = AdjustDraft(strategy: "s", entry: .bps("5"), exit: .bps("1"), canResize: true)
        for _ in 0..<20 { draft.resize(by: 10) }
        #expect(draft.resizePercent == 100)
        for _ in 0..<30 { draft.resize(by: -10) }
        #expect(draft.resizePercent == -90)
        var input = ScreenInput()
        var flat = Self.open
        flat.strategies[0].state = .scanning
        _ = press([.character("a"), .character("+")], on: &input, snapshot: flat)
        #expect(input.dialog?.lines.contains { $0.contains("no open spread") } == true)
    }

    @Test func thresholdsNeverStepBelowTheirFloor() {
        var draft = AdjustDraft(strategy: "s", entry: .bps("1"), exit: .bps("0"), canResize: false)
        draft.stepEntry(up: false)
        draft.stepExit(up: false)
        #expect(draft.entry == .bps("1"))
        #expect(draft.exit == .bps("0"))
    }
}

extension AdjustDialogTests {
    @Test func kInAdjustKillsOnlyThatStrategyAfterConfirming() throws {
        var input = ScreenInput()
        let name = Self.open.strategies[0].name
        _ = press([.character("a"), .character("k")], on: &input)
        let dialog = try #require(input.dialog)
        #expect(dialog.danger)
        #expect(dialog.title == "KILL \(name)")
        let actions = press([.character("y")], on: &input)
        #expect(actions == [.send(.kill, strategy: name), .redraw])
    }
}

/// The spread chart's time window moves in whole dot columns, so frames between shifts are
/// identical and the terminal gets only what changed.
@Suite struct ChartWindowStepTests {
    @Test func theWindowEndMovesOnlyWhenAWholeColumnOfTimeHasPassed() throws {
        let start = Timestamp(seconds: 1_800_000_000)
        func chart(newest offsetMillis: Int64) -> BrailleChart {
            let points = (0...1200).map { SeriesPoint(time: start + .milliseconds(Int64($0) * 250), value: 1) }
                + [SeriesPoint(time: start + .milliseconds(300_000 + offsetMillis), value: 1)]
            var chart = BrailleChart(series: [BrailleChart.Series(points: points, style: Style(.spreadLine))])
            chart.span = .last(.seconds(300))
            return chart
        }
        // 90 columns of braille = 180 dot columns over 5 minutes: one column per 1.667 s.
        let a = try #require(chart(newest: 100).window(columns: 90, braille: true))
        let b = try #require(chart(newest: 350).window(columns: 90, braille: true))
        let c = try #require(chart(newest: 2_100).window(columns: 90, braille: true))
        #expect(a.end == b.end)
        #expect(c.end > b.end)
        #expect(a.end - a.start == .seconds(300))
    }
}
