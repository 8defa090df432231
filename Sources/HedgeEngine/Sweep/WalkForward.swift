import HedgeCore

/// Walk-forward folds: the data's span cut by time into K consecutive, equal parts. Fold k is
/// the in-sample part of step k and fold k + 1 its out-of-sample part (a rolling window, not an
/// expanding one: every in-sample part is as long as every other, so the steps' figures compare,
/// and a regime the data left long ago does not outvote the recent one).
public struct WalkForwardPlan: Sendable, Hashable, Codable {
    /// The folds in time order, each `[start, end)`; together they cover the data exactly.
    public var folds: [ReplayWindow]

    /// K folds over the data from `first` to `last` (both event times, inclusive).
    public init(first: Timestamp, last: Timestamp, count: Int) throws(SweepError) {
        guard count >= 2 else { throw SweepError("--walk-forward needs at least 2 folds (one in-sample, one out-of-sample), got \(count)") }
        let end = last.nanoseconds + 1
        let span = end - first.nanoseconds
        guard span >= Int64(count) else { throw SweepError("--walk-forward \(count): the data spans \(span) ns, too little to cut into \(count) folds") }
        // Exact integer cuts: fold i starts at first + span × i / K (no rounding drift).
        func cut(_ i: Int) -> Int64 {
            let product = Int128(span) * Int128(i)
            return first.nanoseconds + Int64(product / Int128(count))
        }
        folds = (0..<count).map { i in
            ReplayWindow(start: Timestamp(nanoseconds: cut(i)), end: Timestamp(nanoseconds: i == count - 1 ? end : cut(i + 1)))
        }
    }

    /// One step of the walk: parameters chosen on fold `inSample` alone, then what they did on
    /// the next fold, beside what the best of the grid did there in hindsight.
    public struct Step: Sendable, Hashable, Codable {
        /// 1-based fold numbers.
        public var inSample: Int
        public var outOfSample: Int
        /// The grid point with the best in-sample net PnL (ties: the earlier grid point).
        public var chosen: SweepPoint
        public var inSampleNet: FixedDecimal
        public var inSampleCycles: Int
        public var inSampleSharpe: Double?
        public var outOfSampleNet: FixedDecimal
        public var outOfSampleCycles: Int
        public var outOfSampleSharpe: Double?
        /// Where the chosen point ranked out of sample (1 = best), among `points` runs that finished.
        public var outOfSampleRank: Int
        public var points: Int
        /// The best out-of-sample net of any point: known only afterwards, never used to choose.
        public var outOfSampleBestNet: FixedDecimal
    }

    /// The walk over per-fold rows: for each fold but the last, the point chosen on it alone and
    /// its figures on the next fold. The choice reads only the in-sample fold's rows; a fold with
    /// no finished run gives no step.
    public static func steps(rows: [SweepRow], folds: Int) -> [Step] {
        var steps: [Step] = []
        for fold in 1..<max(1, folds) {
            let inSample = SweepRow.ranked(rows.filter { $0.fold == fold && $0.failure == nil })
            guard let best = inSample.first else { continue }
            let outOfSample = SweepRow.ranked(rows.filter { $0.fold == fold + 1 && $0.failure == nil })
            guard let index = outOfSample.firstIndex(where: { $0.point.index == best.point.index }) else { continue }
            let chosen = outOfSample[index]
            steps.append(Step(inSample: fold, outOfSample: fold + 1, chosen: best.point, inSampleNet: best.net, inSampleCycles: best.cycles,
                              inSampleSharpe: best.sharpe, outOfSampleNet: chosen.net, outOfSampleCycles: chosen.cycles,
                              outOfSampleSharpe: chosen.sharpe, outOfSampleRank: index + 1, points: outOfSample.count,
                              outOfSampleBestNet: outOfSample[0].net))
        }
        return steps
    }
}

extension ReplaySetup {
    /// The first and last event times of `overrides`' data (read through once), for cutting
    /// folds; nil when the data has no event for the legs.
    public static func dataSpan(_ overrides: ReplayOverrides) throws(ReplayFailure) -> (first: Timestamp, last: Timestamp)? {
        var setup = try ReplaySetup(commandLine: overrides)
        var first: Timestamp?
        var last: Timestamp?
        while let event = setup.feed.next() {
            let time = event.time
            if first == nil || time < first! { first = time }
            if last == nil || time > last! { last = time }
        }
        if let failure = setup.feed.failure { throw ReplayFailure("\(failure)") }
        guard let first, let last else { return nil }
        return (first, last)
    }
}
