import Foundation
import HedgeCore
import Testing
@testable import HedgeVenues

/// Gzip recordings through igzip: members one after another read as one file, damage is reported.
@Suite struct GzipRecordingLinesTests {
    static func allLines(_ path: String) throws -> (lines: [String], fault: MarketDataFault?) {
        let reader = try RecordingLines(path: path)
        var lines: [String] = []
        do throws(MarketDataFault) {
            while let line = try reader.nextLine() { lines.append(String(decoding: line, as: UTF8.self)) }
        } catch {
            return (lines, error)
        }
        return (lines, nil)
    }

    static func write(_ bytes: Data, _ name: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-gzip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try bytes.write(to: url)
        return url.path
    }

    @Test("a gzip file reads as the plain file, and two members one after another read as both")
    func membersFollowEachOther() throws {
        let plain = try ReplayFixtures.lines("usdm_head.txt")
        let zipped = try Data(contentsOf: URL(fileURLWithPath: ReplayFixtures.path("usdm_head.gz")))
        let one = try Self.allLines(ReplayFixtures.path("usdm_head.gz"))
        #expect(one.fault == nil && one.lines == plain)
        let two = try Self.allLines(try Self.write(zipped + zipped, "twice.gz"))
        #expect(two.fault == nil)
        #expect(two.lines == plain + plain)
    }

    @Test("damaged deflate data ends the file with a truncatedGzip fault naming the damage, after the lines before it")
    // (Lines decoded from the damaged part itself may come out garbled before the damage shows:
    // the replay's decoders refuse those as malformed.)
    func damageIsReported() throws {
        var zipped = try Data(contentsOf: URL(fileURLWithPath: ReplayFixtures.path("usdm_head.gz")))
        for offset in stride(from: zipped.count / 2, to: zipped.count / 2 + 64, by: 1) { zipped[offset] ^= 0x5A }
        let read = try Self.allLines(try Self.write(zipped, "damaged.gz"))
        let fault = try #require(read.fault)
        #expect(fault.kind == .truncatedGzip)
        #expect(fault.detail.contains("corrupt gzip data") || fault.detail.contains("ends early"), "\(fault.detail)")
        let plain = try ReplayFixtures.lines("usdm_head.txt")
        #expect(read.lines.count <= plain.count)
        #expect(read.lines.first == plain.first)
    }

    @Test("a file cut inside the gzip stream says it ends early")
    func cutShortIsReported() throws {
        let zipped = try Data(contentsOf: URL(fileURLWithPath: ReplayFixtures.path("usdm_head.gz")))
        let read = try Self.allLines(try Self.write(zipped.prefix(zipped.count * 2 / 3), "cut.gz"))
        let fault = try #require(read.fault)
        #expect(fault.kind == .truncatedGzip)
        #expect(fault.detail.contains("ends early"), "\(fault.detail)")
    }
}
