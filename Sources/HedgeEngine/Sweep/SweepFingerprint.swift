import Crypto
import Foundation
import HedgeCore

/// What makes two shards parts of the same sweep: the data (each file's name and SHA-256, not
/// its path, so machines may keep it in different places), everything a run is set up with, the
/// grid and the walk-forward folds. Merge refuses shards whose fingerprints differ.
public struct SweepFingerprint: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Hex SHA-256 of the canonical description.
    public var digest: String

    public init(base: ReplayOverrides, grid: SweepGrid, walkForward: Int?) throws(SweepError) {
        var words: [String] = ["hedgetop sweep 1"]
        for (role, paths) in [("recording", base.files), ("contracts", base.contracts)] {
            for path in paths {
                let digest: FileDigest
                do { digest = try FileDigest(path: path) } catch { throw SweepError("cannot read \(path): \(error.localizedDescription)") }
                words.append("\(role) \((path as NSString).lastPathComponent) \(digest.bytes) \(digest.sha256)")
            }
        }
        words.append("kind \(base.kind?.rawValue ?? "-")")
        words.append("legs \((base.legs ?? []).joined(separator: ","))")
        words.append("entry \(base.entry.map(ReplayParameters.argument) ?? "-") exit \(base.exit.map(ReplayParameters.argument) ?? "-")")
        words.append("notional \(base.notional.map { "\($0)" } ?? "-") taker-fee \(base.takerFee.map { "\($0)" } ?? "-")")
        words.append("balances \(base.balances.map { "\($0.venue):\($0.asset)=\($0.amount)" }.sorted().joined(separator: " "))")
        words.append("bad-input \(base.policy == .stop ? "stop" : "skip")")
        for axis in grid.axes { words.append("axis \(axis.parameter.rawValue) \(axis.values.joined(separator: ","))") }
        words.append("walk-forward \(walkForward.map(String.init) ?? "-")")
        let hash = SHA256.hash(data: Data(words.joined(separator: "\n").utf8))
        digest = hash.map { String(format: "%02x", $0) }.joined()
    }

    init(digest: String) { self.digest = digest }

    /// The first 12 hex digits, as messages show it.
    public var description: String { String(digest.prefix(12)) }
}
