@testable import HedgeCore
@testable import HedgeEngine
import Testing
@testable import HedgeTerminal

/// How long one frame takes to build into the grid (no terminal). Prints the figure; the bound
/// is loose (a debug build on a shared machine) and only catches a frame gone quadratic.
@Suite struct FrameTimeTests {
    @Test(arguments: [(120, 40), (200, 60)])
    func oneFrameBuildsWellInsideTheFrameBudget(width: Int, height: Int) {
        var snapshot = SnapshotFixture.snapshot
        // A full day of series, as a long run holds (bounded by the engine in practice).
        snapshot.strategies[0].spreadSeries = (0..<2_000).map { SeriesPoint(time: SnapshotFixture.at(Int64($0)), value: 40 + Double($0 % 37) / 3) }
        snapshot.strategies[0].meanSeries = (0..<2_000).map { SeriesPoint(time: SnapshotFixture.at(Int64($0)), value: 40) }
        let dashboard = Dashboard(glyphs: .unicode)
        let input = ScreenInput()
        let clock = ContinuousClock()
        _ = dashboard.render(snapshot, input: input, width: width, height: height)
        let rounds = 50
        let elapsed = clock.measure {
            for _ in 0..<rounds { _ = dashboard.render(snapshot, input: input, width: width, height: height) }
        }
        let perFrame = elapsed / rounds
        print("frame build \(width)x\(height): \(perFrame) per frame (\(rounds) frames)")
        #expect(perFrame < .milliseconds(250))
    }
}
