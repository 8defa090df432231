/// The I-th of N deterministic slices of a sweep's runs (`--shard I/N`): run number r belongs to
/// shard (r mod N) + 1, so neighbouring grid points (similar costs) spread over the shards and
/// every machine that is given the same command line works out the same slices.
public struct SweepShard: Sendable, Hashable, Codable, CustomStringConvertible {
    /// 1-based.
    public var index: Int
    public var count: Int

    /// The whole sweep, one shard.
    public static let whole = SweepShard(index: 1, count: 1)

    init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// "I/N" with 1 ≤ I ≤ N.
    public init(parsing text: String) throws(SweepError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw SweepError("--shard takes I/N (the I-th of N slices, counted from 1), e.g. 1/4; got '\(text)'")
        }
        guard count >= 1 else { throw SweepError("--shard \(text): N must be at least 1") }
        guard index >= 1, index <= count else {
            throw SweepError("--shard \(text): I must be between 1 and \(count) (shards are counted from 1)")
        }
        self.index = index
        self.count = count
    }

    /// Whether run number `run` (0-based, in the sweep's order) is this shard's.
    public func contains(_ run: Int) -> Bool { run % count == index - 1 }

    public var description: String { "\(index)/\(count)" }
}
