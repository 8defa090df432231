import Foundation
@testable import HedgeCore
@testable import HedgeEngine
@testable import HedgeVenues

/// Files derived from the real recordings in ../shared/data (read only): split in two, or with
/// lines left out, written as plain text in a fresh directory under the recorder's file name
/// prefix, so the replay tells their venue as it does the originals'.
enum RecordingSlices {
    static let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../shared/data").standardized.path
    static let usdm = data + "/binance/usdm_btcusdt_20240808.gz"
    static let coinm = data + "/binance/cm_btcusd_perp_20240808.gz"
    static let spot = data + "/binance/spot_btcusdt_20240808.gz"
    static var available: Bool { FileManager.default.fileExists(atPath: usdm) }

    /// Every line of a recording (gzip or plain).
    static func lines(_ path: String) throws -> [String] {
        let reader = try RecordingLines(path: path)
        var lines: [String] = []
        while let line = try reader.nextLine() { lines.append(String(decoding: line, as: UTF8.self)) }
        return lines
    }

    /// Writes `lines` to `name` in a fresh directory; returns its path.
    static func write(_ lines: some Sequence<String>, as name: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-slices-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent(name).path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// `path` split before line `line` (1-based) into `<prefix>_part1.txt` and `<prefix>_part2.txt`;
    /// `dropFromSecond` leaves out the first line of the second part it matches (a gap).
    static func split(_ path: String, before line: Int, prefix: String, dropFromSecond: ((String) -> Bool)? = nil) throws -> (first: String, second: String) {
        let all = try lines(path)
        var second = Array(all[(line - 1)...])
        if let dropFromSecond, let index = second.firstIndex(where: dropFromSecond) { second.remove(at: index) }
        return (try write(all[..<(line - 1)], as: "\(prefix)_part1.txt"), try write(second, as: "\(prefix)_part2.txt"))
    }

    /// A replay from the command line's options alone, run to its end.
    static func replay(_ files: [String], notional: FixedDecimal? = nil) async throws -> RunReport {
        var overrides = ReplayOverrides()
        overrides.files = files
        overrides.kind = .basis
        overrides.legs = ["binance-usdm:BTCUSDT", "binance-coinm:BTCUSD_PERP"]
        overrides.entry = .z(2)
        overrides.exit = .z(0.5)
        overrides.takerFee = "0.0001"
        overrides.notional = notional
        return try await run(ReplaySetup(commandLine: overrides))
    }

    static func run(_ setup: sending ReplaySetup) async throws -> RunReport {
        let session = try TradingSession(replaying: setup)
        await session.runToEnd()
        return await session.replayResult().report
    }
}
