import Foundation
import HedgeCore
import Synchronization

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

/// Runs a sweep's replays on `jobs` threads of their own, each replay exactly as `hedgetop
/// replay` runs it (`ReplaySetup(commandLine:)`, `Engine(replaying:)`, the same report and JSON).
/// Results come back in run order whatever the number of threads and whichever finished first.
public enum SweepRunner {
    /// Runs `runs` and returns their outcomes in the order given. `finished` is called (on a
    /// worker thread) after each run with the outcome and how many have finished so far.
    public static func run(_ runs: [SweepRun], jobs: Int, finished: @escaping @Sendable (SweepOutcome, Int) -> Void = { _, _ in }) async -> [SweepOutcome] {
        guard !runs.isEmpty else { return [] }
        let work = Work(runs.count)
        let threads = max(1, min(jobs, runs.count))
        return await withCheckedContinuation { (continuation: CheckedContinuation<[SweepOutcome], Never>) in
            for _ in 0..<threads {
                let thread = Thread {
                    while let index = work.state.withLock({ $0.take(limit: runs.count) }) {
                        let outcome = replay(runs[index])
                        let done = work.state.withLock { $0.store(outcome, at: index) }
                        finished(outcome, done)
                    }
                    let results = work.state.withLock { $0.threadEnded(of: threads) }
                    if let results { continuation.resume(returning: results) }
                }
                // A replay's engine and readers are deep: give it the main thread's stack size.
                thread.stackSize = 8 << 20
                thread.start()
            }
        }
    }

    /// The shared work list of the threads.
    final class Work: Sendable {
        let state: Mutex<WorkState>
        init(_ count: Int) { state = Mutex(WorkState(outcomes: Array(repeating: nil, count: count))) }
    }

    /// The runs handed out and finished so far, behind the mutex.
    struct WorkState: Sendable {
        var outcomes: [SweepOutcome?]
        var next = 0
        var finished = 0
        var threadsEnded = 0

        mutating func take(limit: Int) -> Int? {
            guard next < limit else { return nil }
            next += 1
            return next - 1
        }

        mutating func store(_ outcome: SweepOutcome, at index: Int) -> Int {
            outcomes[index] = outcome
            finished += 1
            return finished
        }

        /// The outcomes once the last thread has ended, else nil.
        mutating func threadEnded(of threads: Int) -> [SweepOutcome]? {
            threadsEnded += 1
            return threadsEnded == threads ? outcomes.compactMap { $0 } : nil
        }
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
        report.parameters = parameters
        let row = SweepRow(point: run.point, fold: run.fold, report: report, failure: result.failure)
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
