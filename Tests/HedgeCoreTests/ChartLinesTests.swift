import Testing
@testable import HedgeCore

/// The chart's lines are stored on the machine (read per quote without copying it): they must
/// always be what the rules work out from the statistics and thresholds of the moment.
@Suite("Chart lines kept with the statistics and the rules")
struct ChartLinesTests {
    static func workedOut(_ machine: HedgingStateMachine) -> ChartLines {
        ChartLines(mean: machine.fairSpreadBps(for: .z(1)), entryBand: machine.band(machine.config.entry).map(ChartLines.Band.init),
                   exitBand: machine.band(machine.config.exit).map(ChartLines.Band.init))
    }

    @Test("before the warm-up there is no mean; once warmed up, the lines are the rules' own")
    func followStatistics() {
        let fresh = Desk(Desk.config())
        #expect(fresh.machine.chartLines.mean == nil)
        #expect(fresh.machine.chartLines == Self.workedOut(fresh.machine))

        // A z-rule desk sampled past its warm-up: one quote pair a sample interval, the spread
        // wandering between 0 and 4 bps.
        var desk = Desk(Desk.config { $0.entry = .z(2); $0.exit = .z(0.5) })
        desk.marginOK()
        for step in 0..<(desk.machine.config.warmupSamples + 5) {
            desk.quote(.b, "60000", after: desk.machine.config.sampleInterval)
            desk.quote(.a, ["60000", "60012", "60024", "60006"][step % 4])
        }
        #expect(desk.machine.statistics.count >= desk.machine.config.warmupSamples)
        #expect(desk.machine.chartLines.mean != nil)
        #expect(desk.machine.chartLines == Self.workedOut(desk.machine))
    }

    @Test("a threshold change by command moves the bands at once")
    func followThresholdCommand() {
        var desk = ReachableState.scanning.reach()
        let before = desk.machine.chartLines
        let actions = desk.command(.setThresholds(entry: .bps("8"), exit: .bps("2")))
        #expect(actions.commandResults.first?.1 == true)
        #expect(desk.machine.chartLines == Self.workedOut(desk.machine))
        #expect(desk.machine.chartLines.entryBand != before.entryBand)
        // A bps rule for a cross spread is judged against 0: its band is ±8.
        #expect(desk.machine.chartLines.entryBand == ChartLines.Band(upper: 8, lower: -8))
    }
}
