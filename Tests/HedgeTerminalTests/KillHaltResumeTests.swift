import Foundation
@testable import HedgeCore
@testable import HedgeEngine
import Testing
@testable import HedgeTerminal

/// The kill switch says what it does (the halt outlives a restart; p lifts it), a halted
/// strategy reads HALTED, not ERROR, and lifting the halt asks first.
@Suite struct KillHaltResumeTests {
    /// cal-btc after the kill switch: flat, in the engine's ERROR, halted by the kill.
    static var halted: EngineSnapshot {
        var snapshot = ScreenInputTests.flat
        snapshot.strategies[0].state = .error
        snapshot.strategies[0].paused = true
        snapshot.strategies[0].haltedByKillSwitch = true
        snapshot.strategies[0].haltReason = "halted by kill switch; flat"
        snapshot.strategies[0].stateSince = SnapshotFixture.at(590)
        snapshot.strategies[0].transitions.append(
            Transition(from: .scanning, to: .error, reason: "kill switch: flat, halted", time: SnapshotFixture.at(590)))
        return snapshot
    }

    /// At 200×60 the state panel has room for the transitions under the halt reason.
    static func rendered(_ snapshot: EngineSnapshot, input: ScreenInput = ScreenInput(), glyphs: GlyphSet = .unicode) -> String {
        Dashboard(glyphs: glyphs).render(snapshot, input: input, width: 200, height: 60).lines().joined(separator: "\n")
    }

    @Test func theKillSwitchDialogSaysTheHaltOutlivesARestartAndHowToLiftIt() throws {
        var input = ScreenInput()
        _ = input.handle(.character("K"), snapshot: ScreenInputTests.open, now: .zero)
        let text = try #require(input.dialog).lines.joined(separator: " ")
        #expect(!text.contains("until restarted"))
        #expect(text.contains("HALTED"))
        #expect(text.contains("even after a restart"))
        #expect(text.contains("resumed with p (which asks first)"))
    }

    @Test func killingOneStrategySaysTheSame() throws {
        var input = ScreenInput()
        _ = input.handle(.character("a"), snapshot: ScreenInputTests.open, now: .zero)
        _ = input.handle(.character("k"), snapshot: ScreenInputTests.open, now: .zero)
        let dialog = try #require(input.dialog)
        #expect(dialog.purpose == .killOne(strategy: "cal-btc"))
        #expect(dialog.lines.suffix(2) == [
            "Then cal-btc is HALTED: it opens nothing, even after a restart,",
            "until resumed with p (which asks first). Other strategies keep trading.",
        ])
    }

    @Test func aKillHaltReadsHALTEDInTheListTheStatePanelAndItsTransition() {
        let text = Self.rendered(Self.halted)
        let row = text.split(separator: "\n").first { $0.contains("cal-btc") && $0.contains("calendar") } ?? ""
        #expect(row.contains("HALTED"))
        #expect(!row.contains("ERROR"))
        #expect(!row.contains("‖"))   // a halt opens nothing already: no pause mark beside it
        #expect(text.contains("HALTED for 10s"))
        #expect(text.contains("→ HALTED  kill switch: flat, halted"))
        #expect(text.contains("halt: halted by kill switch; flat"))
        #expect(!text.contains("ERROR"))
        #expect(!text.contains("PAUSED"))
    }

    @Test func aFaultStillReadsERROR() {
        var snapshot = Self.halted
        snapshot.strategies[0].haltedByKillSwitch = false
        snapshot.strategies[0].haltReason = "leg B rejected: insufficient margin"
        let text = Self.rendered(snapshot)
        #expect(text.contains("ERROR for 10s"))
        #expect(text.contains("→ ERROR"))
        #expect(!text.contains("HALTED"))
    }

    @Test func pOnAHaltedStrategyAsksBeforeResuming() throws {
        var input = ScreenInput()
        let actions = input.handle(.character("p"), snapshot: Self.halted, now: .zero)
        #expect(actions == [.redraw])
        let dialog = try #require(input.dialog)
        #expect(dialog.purpose == .resume(strategy: "cal-btc"))
        #expect(dialog.title == "Resume cal-btc")
        #expect(dialog.lines == [
            "cal-btc is HALTED by the kill switch since 00:09:50 UTC.",
            "Resuming lets it scan and open new spreads again.",
        ])
        #expect(input.handle(.character("y"), snapshot: Self.halted, now: .zero) == [.send(.resume, strategy: "cal-btc"), .redraw])
    }

    @Test func nKeepsTheHalt() {
        var input = ScreenInput()
        _ = input.handle(.character("p"), snapshot: Self.halted, now: .zero)
        #expect(input.handle(.character("n"), snapshot: Self.halted, now: .zero) == [.redraw])
        #expect(input.mode == .normal)
        #expect(input.status?.text == "resume cal-btc cancelled")
    }

    @Test func aFaultHaltWithPositionsSaysTheResumeReHedgesFirst() throws {
        var snapshot = ScreenInputTests.open
        snapshot.strategies[0].state = .error
        snapshot.strategies[0].paused = true
        snapshot.strategies[0].haltReason = "UNHEDGED; flatten failed"
        snapshot.strategies[0].stateSince = SnapshotFixture.at(590)
        var input = ScreenInput()
        _ = input.handle(.character("p"), snapshot: snapshot, now: .zero)
        #expect(try #require(input.dialog).lines == [
            "cal-btc is in ERROR since 00:09:50 UTC: UNHEDGED; flatten failed",
            "It holds A +0.5 / B -0.5: resuming re-hedges first,",
            "then it scans and opens new spreads again.",
        ])
    }

    @Test func yAfterTheHaltWasLiftedElsewhereSendsNothing() {
        var input = ScreenInput()
        _ = input.handle(.character("p"), snapshot: Self.halted, now: .zero)
        // Another watcher resumed it meanwhile.
        input.snapshotArrived(ScreenInputTests.flat, now: .seconds(1))
        #expect(input.dialog?.lines == ["cal-btc is SCANNING_SPREADS now, not halted: y sends nothing."])
        #expect(input.handle(.character("y"), snapshot: ScreenInputTests.flat, now: .seconds(1)) == [.redraw])
        #expect(input.status?.text == "nothing to resume: cal-btc is SCANNING_SPREADS; nothing sent")
    }

    @Test func pOnAPausedStrategyStillResumesAtOnce() {
        var input = ScreenInput()
        var paused = ScreenInputTests.open
        paused.strategies[0].paused = true
        #expect(input.handle(.character("p"), snapshot: paused, now: .zero) == [.send(.resume, strategy: "cal-btc"), .redraw])
    }

    // MARK: golden text (re-record with HEDGETOP_RECORD=1, as WidgetGoldenTests)

    static let goldens: [(String, Int, Int, @Sendable (inout Buffer, GlyphSet) -> Void)] = [
        ("state-halted", 60, 10, { buffer, glyphs in
            StatePanel(strategy: halted.strategies[0], now: SnapshotFixture.at(600)).render(into: &buffer, area: buffer.area, glyphs: glyphs)
        }),
        ("strategies-halted", 100, 5, { buffer, glyphs in
            StrategiesList(strategies: halted.strategies, selected: 0, now: SnapshotFixture.at(600)).render(into: &buffer, area: buffer.area, glyphs: glyphs)
        }),
        ("dialog-kill", 80, 12, { buffer, glyphs in
            var input = ScreenInput()
            _ = input.handle(.character("K"), snapshot: ScreenInputTests.open, now: .zero)
            ConfirmDialog(dialog: input.dialog!).render(into: &buffer, area: buffer.area, glyphs: glyphs)
        }),
        ("dialog-resume", 80, 12, { buffer, glyphs in
            var input = ScreenInput()
            _ = input.handle(.character("p"), snapshot: halted, now: .zero)
            ConfirmDialog(dialog: input.dialog!).render(into: &buffer, area: buffer.area, glyphs: glyphs)
        }),
    ]

    @Test(arguments: [true, false])
    func haltWordsMatchTheirExpectedText(unicode: Bool) throws {
        for (name, width, height, draw) in Self.goldens {
            var buffer = Buffer(width: width, height: height, asciiOnly: !unicode)
            draw(&buffer, unicode ? .unicode : .ascii)
            if !unicode { buffer.replaceNonASCII() }
            let actual = buffer.lines().map { $0.replacingOccurrences(of: " +$", with: "", options: .regularExpression) }
            try GoldenText.check(actual, against: "\(name)-\(width)x\(height)\(unicode ? "" : "-ascii").txt")
        }
    }
}
