import Foundation
import HedgeCore

/// One replay of a sweep: a grid point, on the whole data or on one walk-forward fold.
public struct SweepRun: Sendable {
    /// Its number in the sweep's order (folds outermost, then grid points): what shards slice.
    public var number: Int
    public var point: SweepPoint
    /// 1-based walk-forward fold; nil for the whole data.
    public var fold: Int?
    /// Exactly the options `hedgetop replay` would be given for it.
    public var overrides: ReplayOverrides

    /// Every run of a sweep in order: the whole data, then each walk-forward fold; in each, every
    /// grid point.
    public static func all(grid: SweepGrid, base: ReplayOverrides, plan: WalkForwardPlan?) -> [SweepRun] {
        let folds: [(Int?, ReplayWindow?)] = [(nil, nil)] + (plan.map { plan in plan.folds.enumerated().map { ($0.offset + 1, $0.element) } } ?? [])
        var runs: [SweepRun] = []
        for (fold, window) in folds {
            for point in grid.points {
                var overrides = grid.overrides(point, base: base)
                overrides.window = window
                runs.append(SweepRun(number: runs.count, point: point, fold: fold, overrides: overrides))
            }
        }
        return runs
    }
}

/// What one run gave: its row, and its report as `hedgetop replay --json` writes it.
public struct SweepOutcome: Sendable {
    public var run: SweepRun
    public var row: SweepRow
    /// The replay's JSON report, byte for byte; nil when the replay could not start.
    public var report: Data?
}

/// Runs a sweep's replays on `jobs` threads of their own (`ReplayThreads`), each replay exactly
/// as `hedgetop replay` runs it (`ReplaySetup(commandLine:)`, `Engine(replaying:)`, the same
/// report and JSON). Results come back in run order whatever the number of threads.
public enum SweepRunner {
    /// Runs `runs` and returns their outcomes in the order given. `finished` is called (on a
    /// worker thread) after each run with the outcome and how many have finished so far.
    public static func run(_ runs: [SweepRun], jobs: Int, finished: @escaping @Sendable (SweepOutcome, Int) -> Void = { _, _ in }) async -> [SweepOutcome] {
        await ReplayThreads.map(runs, jobs: jobs, finished: finished, replay)
    }

    /// One replay, start to report, on the calling thread.
    public static func replay(_ run: SweepRun) -> SweepOutcome {
        let setup: ReplaySetup
        do { setup = try ReplaySetup(commandLine: run.overrides) } catch {
            return SweepOutcome(run: run, row: SweepRow(point: run.point, fold: run.fold, failure: error.message), report: nil)
        }
        let parameters = setup.parameters
        let engine = Engine(replaying: setup)
        engine.runReplayToEnd()
        let result = engine.replayResult()
        var report = result.report
        var failure = result.failure
        do { report.parameters = try parameters?.wait() } catch { failure = failure ?? error.message }
        let row = SweepRow(point: run.point, fold: run.fold, report: report, failure: failure)
        return SweepOutcome(run: run, row: row, report: try? report.jsonData())
    }
}

extension RunReport {
    /// The report as `--json` writes it: pretty, keys sorted, so two runs compare byte for byte.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}
