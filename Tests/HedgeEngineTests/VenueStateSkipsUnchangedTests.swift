import Foundation
@testable import HedgeCore
@testable import HedgeVenues
import Testing
@testable import HedgeEngine

/// Issue 12, item 5: the venue state is written in time proportional to what changed; a save
/// that would write the same bytes again writes nothing.
@Suite("Venue state skips unchanged saves")
struct VenueStateSkipsUnchangedTests {
    func inode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int)
    }

    @Test("saving the same state again leaves the file untouched; a changed state replaces it")
    func unchangedStateIsNotRewritten() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("venue-skip-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let state = VenueStateFile(path: directory + "/venue-state.json", journalID: "j")
        let id = InstrumentID(venue: "sim", symbol: "BTCUSDT")
        try state.save([], marks: [id: "61234.5"])
        let first = try inode(state.path)
        try state.save([], marks: [id: "61234.5"])
        #expect(try inode(state.path) == first, "an unchanged state was written again")
        try state.save([], marks: [id: "61235"])
        #expect(try inode(state.path) != first, "a changed state was not written")
        #expect(try state.loadMarks() == [id: "61235"])
    }
}
