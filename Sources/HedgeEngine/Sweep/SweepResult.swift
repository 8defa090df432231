import HedgeCore

/// A finished sweep (run at once or merged from shards): every run's row, the whole-data rows
/// ranked, and the walk-forward steps when folds were asked for. `--json` writes this.
public struct SweepResult: Sendable, Hashable, Codable {
    public var fingerprint: SweepFingerprint
    public var grid: SweepGrid
    /// The walk-forward folds, when asked for.
    public var folds: [ReplayWindow]?
    /// The whole-data runs, best first (`SweepRow.ranked`).
    public var ranked: [SweepRow]
    /// Each fold's runs, in run order (empty without walk-forward).
    public var foldRows: [SweepRow]
    public var walkForward: [WalkForwardPlan.Step]?

    public init(fingerprint: SweepFingerprint, grid: SweepGrid, plan: WalkForwardPlan?, rows: [SweepRow]) {
        self.fingerprint = fingerprint
        self.grid = grid
        folds = plan?.folds
        ranked = SweepRow.ranked(rows.filter { $0.fold == nil })
        foldRows = rows.filter { $0.fold != nil }
        walkForward = plan.map { WalkForwardPlan.steps(rows: rows, folds: $0.folds.count) }
    }

    /// How many runs the sweep has: the grid once on the whole data, and once per fold.
    public static func runCount(grid: SweepGrid, folds: Int?) -> Int { grid.count * (1 + (folds ?? 0)) }
}

/// What a shard writes to `--out DIR` (`shard-I-of-N.json`): enough to merge it with the others
/// and to refuse shards of another sweep.
public struct SweepShardFile: Sendable, Hashable, Codable {
    public static let formatName = "hedgetop sweep shard 1"
    public var format: String
    public var fingerprint: SweepFingerprint
    public var grid: SweepGrid
    public var folds: [ReplayWindow]?
    public var shard: SweepShard
    /// All runs of the sweep, over every shard.
    public var runs: Int
    /// This shard's rows with their run numbers, in run order.
    public var rows: [NumberedRow]

    public struct NumberedRow: Sendable, Hashable, Codable {
        public var run: Int
        public var row: SweepRow

        public init(run: Int, row: SweepRow) {
            self.run = run
            self.row = row
        }
    }

    public init(fingerprint: SweepFingerprint, grid: SweepGrid, plan: WalkForwardPlan?, shard: SweepShard, runs: Int, rows: [NumberedRow]) {
        format = Self.formatName
        self.fingerprint = fingerprint
        self.grid = grid
        folds = plan?.folds
        self.shard = shard
        self.runs = runs
        self.rows = rows
    }

    /// The file name of a shard's results.
    public static func name(_ shard: SweepShard) -> String { "shard-\(shard.index)-of-\(shard.count).json" }

    /// Shards of one sweep combined into its result, as a single run would give it. Refuses
    /// shards of different sweeps (fingerprints), the same shard twice, and a missing shard.
    public static func merge(_ files: [(path: String, file: SweepShardFile)]) throws(SweepError) -> SweepResult {
        guard let first = files.first else { throw SweepError("no shard files (shard-I-of-N.json) found in the directories given") }
        for (path, file) in files {
            guard file.format == formatName else { throw SweepError("\(path): not a sweep shard file of this version (format '\(file.format)')") }
            guard file.fingerprint == first.file.fingerprint else {
                throw SweepError("\(path) belongs to another sweep (fingerprint \(file.fingerprint), \(first.path) has \(first.file.fingerprint)): "
                                 + "shards merge only when their data, legs, settings, grid and folds are the same")
            }
            guard file.shard.count == first.file.shard.count else {
                throw SweepError("\(path) is shard \(file.shard) but \(first.path) is shard \(first.file.shard): give the shards of one --shard I/N split")
            }
        }
        let count = first.file.shard.count
        var seen: [Int: String] = [:]
        for (path, file) in files {
            if let other = seen[file.shard.index] { throw SweepError("shard \(file.shard) is given twice (\(other) and \(path))") }
            seen[file.shard.index] = path
        }
        let missing = (1...count).filter { seen[$0] == nil }
        guard missing.isEmpty else {
            throw SweepError("missing shard\(missing.count == 1 ? "" : "s") \(missing.map { "\($0)/\(count)" }.joined(separator: ", ")) of \(count); run them and merge again")
        }
        var rows: [SweepRow?] = Array(repeating: nil, count: first.file.runs)
        for (path, file) in files {
            for numbered in file.rows {
                guard numbered.run >= 0, numbered.run < rows.count, file.shard.contains(numbered.run), rows[numbered.run] == nil else {
                    throw SweepError("\(path): run \(numbered.run) does not belong in shard \(file.shard); the file is damaged")
                }
                rows[numbered.run] = numbered.row
            }
        }
        let absent = rows.indices.filter { rows[$0] == nil }
        guard absent.isEmpty else { throw SweepError("the shards lack \(absent.count) of \(rows.count) runs (first: run \(absent[0])); a shard file is incomplete") }
        let plan = first.file.folds.map { WalkForwardPlan(folds: $0) }
        return SweepResult(fingerprint: first.file.fingerprint, grid: first.file.grid, plan: plan, rows: rows.compactMap { $0 })
    }
}

extension WalkForwardPlan {
    /// Folds as a shard file holds them.
    init(folds: [ReplayWindow]) { self.folds = folds }
}
