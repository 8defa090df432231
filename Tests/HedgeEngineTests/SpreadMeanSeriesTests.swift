@testable import HedgeCore
@testable import HedgeVenues
import Testing
@testable import HedgeEngine

/// The chart's mean line is the rolling mean the z-score is measured from, not the fair value a
/// bps rule judges against (0 for basis, far from the spread).
@Suite struct SpreadMeanSeriesTests {
    @Test func onBasisTheMeanLineEndsAtTheRollingMeanNotAtZero() throws {
        let start = Timestamp(seconds: 1_800_000_000)
        let engine = PaperScenario.Name.basis.scenario(start: start, seed: 42).makeEngine(startedAt: start)
        var time = start
        while time < start + .seconds(60) {
            time = time + .milliseconds(100)
            engine.run(until: time)
        }
        let strategy = try #require(engine.snapshot().strategies.first)
        let mean = try #require(strategy.rollingMeanBps)
        let last = try #require(strategy.meanSeries.last?.value)
        #expect(abs(last - mean) < 1, "mean line ends at \(last), rolling mean \(mean)")
        #expect(abs(last) > 1, "the basis scenario's mean sits away from the fair value 0")
    }
}
