import Foundation
@testable import HedgeCore
@testable import HedgeEngine
import Testing

/// The grid of a sweep: every combination in a fixed order, bad lists refused with the option.
@Suite("Sweep grid, shards and merge")
struct SweepGridTests {
    static func grid() throws -> SweepGrid {
        try SweepGrid(lists: [(.entry, "1.5z,2z,2.5z,3z"), (.exit, "0.25z,0.5z,1z"), (.takerFee, "0.0002,0.0004"), (.notional, nil)])
    }

    @Test("4 × 3 × 2 values give 24 points, the last axis varying fastest, each point once")
    func gridOrder() throws {
        let grid = try Self.grid()
        #expect(grid.count == 24)
        #expect(grid.axes.map(\.parameter) == [.entry, .exit, .takerFee])
        let points = grid.points
        #expect(points[0].values == ["1.5z", "0.25z", "0.0002"])
        #expect(points[1].values == ["1.5z", "0.25z", "0.0004"])
        #expect(points[2].values == ["1.5z", "0.5z", "0.0002"])
        #expect(points[23].values == ["3.0z", "1.0z", "0.0004"])
        #expect(Set(points.map(\.values)).count == 24)
        #expect(points.map(\.index) == Array(0..<24))
    }

    @Test("a point's replay options carry its values and keep the base's")
    func pointOverrides() throws {
        let grid = try Self.grid()
        var base = ReplayOverrides()
        base.files = ["a.csv"]
        base.notional = 25_000
        // Point 5 = entry 0 (5 / 6), exit 2 (5 % 6 / 2), fee 1 (5 % 2): 1.5z, 1z, 0.0004.
        let overrides = grid.overrides(grid.point(5), base: base)
        #expect(overrides.entry == .z(1.5))
        #expect(overrides.exit == .z(1))
        #expect(overrides.takerFee == FixedDecimal("0.0004"))
        #expect(overrides.notional == 25_000)
        #expect(overrides.files == ["a.csv"])
    }

    @Test("bad lists are refused naming the option", arguments: [
        ([(SweepParameter.entry, "2z,"), (.exit, nil)], "--entry: an empty value is not a threshold"),
        ([(.entry, "2z,banana")], "--entry: 'banana' is not a threshold"),
        ([(.exit, "0.5z,0.5z")], "--exit: 0.5z is given twice"),
        ([(.takerFee, "-0.1")], "--taker-fee: '-0.1' is not a fee rate"),
        ([(.notional, "0")], "--notional: '0' is not a positive notional"),
        ([(.entry, nil)], "nothing to sweep"),
    ] as [([(SweepParameter, String?)], String)])
    func badLists(lists: [(SweepParameter, String?)], message: String) {
        #expect(throws: SweepError.self) { try SweepGrid(lists: lists) }
        do { _ = try SweepGrid(lists: lists) } catch { #expect(error.message.contains(message), "\(error.message)") }
    }

    @Test("--shard I/N: runs dealt round-robin, every run in exactly one shard")
    func shardsPartition() throws {
        let shards = try (1...3).map { try SweepShard(parsing: "\($0)/3") }
        for run in 0..<24 { #expect(shards.filter { $0.contains(run) }.count == 1) }
        #expect((0..<7).filter { shards[1].contains($0) } == [1, 4])
        #expect(SweepShard.whole.contains(17))
    }

    @Test("bad shard specs are refused", arguments: [("3/2", "between 1 and 2"), ("0/2", "between 1 and 2"), ("1/0", "at least 1"), ("2", "takes I/N"), ("a/b", "takes I/N")])
    func badShards(spec: String, message: String) {
        do {
            _ = try SweepShard(parsing: spec)
            Issue.record("\(spec) was taken")
        } catch { #expect(error.message.contains(message), "\(error.message)") }
    }

    static func shardFile(_ index: Int, of count: Int, digest: String = "abc", grid: SweepGrid) -> SweepShardFile {
        let shard = SweepShard(index: index, count: count)
        let rows = (0..<grid.count).filter(shard.contains).map { run in
            SweepShardFile.NumberedRow(run: run, row: SweepRow(point: grid.point(run), fold: nil, failure: "placeholder \(run)"))
        }
        return SweepShardFile(fingerprint: SweepFingerprint(digest: digest), grid: grid, plan: nil, shard: shard, runs: grid.count, rows: rows)
    }

    @Test("merging the shards of one sweep gives every row once, in the single run's ranking")
    func mergeAll() throws {
        let grid = try Self.grid()
        let merged = try SweepShardFile.merge([("b", Self.shardFile(2, of: 2, grid: grid)), ("a", Self.shardFile(1, of: 2, grid: grid))])
        #expect(merged.ranked.count == 24)
        #expect(merged.ranked.map(\.point.index) == Array(0..<24))
    }

    @Test("merge refuses another sweep's shard, a shard twice, a missing shard, a different split")
    func mergeRefusals() throws {
        let grid = try Self.grid()
        func message(_ files: [(String, SweepShardFile)]) -> String {
            do { _ = try SweepShardFile.merge(files.map { (path: $0.0, file: $0.1) }); return "merged" } catch { return error.message }
        }
        #expect(message([("a", Self.shardFile(1, of: 2, grid: grid)), ("b", Self.shardFile(2, of: 2, digest: "def", grid: grid))]).contains("belongs to another sweep"))
        #expect(message([("a", Self.shardFile(1, of: 2, grid: grid)), ("b", Self.shardFile(1, of: 2, grid: grid))]).contains("shard 1/2 is given twice"))
        #expect(message([("a", Self.shardFile(1, of: 3, grid: grid)), ("c", Self.shardFile(3, of: 3, grid: grid))]).contains("missing shard 2/3"))
        #expect(message([("a", Self.shardFile(1, of: 2, grid: grid)), ("b", Self.shardFile(2, of: 3, grid: grid))]).contains("one --shard I/N split"))
        #expect(message([]).contains("no shard files"))
    }

    @Test("ranking: higher net first, ties in grid order, failed runs last")
    func ranking() throws {
        let grid = try Self.grid()
        func row(_ index: Int, _ net: FixedDecimal, failed: Bool = false) -> SweepRow {
            var row = SweepRow(point: grid.point(index), fold: nil, failure: failed ? "x" : "")
            row.failure = failed ? "x" : nil
            row.net = net
            return row
        }
        let ranked = SweepRow.ranked([row(0, 5), row(1, 9), row(2, 9), row(3, 100, failed: true), row(4, -3)])
        #expect(ranked.map(\.point.index) == [1, 2, 0, 4, 3])
    }
}
