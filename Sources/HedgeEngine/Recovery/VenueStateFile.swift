import Foundation
import HedgeCore
import HedgeVenues
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Where the simulated venues keep their books of account between runs: one JSON file,
/// replaced atomically (write a temporary file, fsync it, rename it over, fsync the directory)
/// after every change, so a crash at any instant leaves either the old state or the new one.
/// This is the venue's truth that recovery reconciles the journal against: positions, balances,
/// working orders and the newest finished ones (`SimulatedVenue.retainedFinishedOrders`), never
/// the whole order history (that is the journal's), so its size, and the time a write takes, stay
/// the same however long the run. It belongs to one
/// journal: it names that journal's identity, and a file written for another journal is refused
/// (its fills would be adopted into the wrong journal and its positions flattened).
public struct VenueStateFile: Sendable {
    /// 2: names the journal it belongs to.
    public static let formatVersion = 2

    struct Contents: Codable {
        var version: Int
        /// The identity of the journal this state belongs to (absent in format 1).
        var journal: String?
        var venues: [VenueLedger]
        /// Each instrument's last mark (or mid) when saved, so a restarted synthetic market
        /// continues from there (absent before format 2).
        var marks: [SavedMark]?
        /// The synthetic market as it stood, so a restart continues it (absent before this field).
        var market: SyntheticMarket.State?
    }

    struct SavedMark: Codable {
        var venue: String
        var symbol: String
        var price: FixedDecimal
    }

    public let path: String
    /// The identity of the journal this state belongs to (`Journal.identity()`); nil: any.
    let journalID: String?
    /// Marks loaded from the file, saved again for instruments that have none yet this run (a
    /// restored venue has no market data until the feed's first tick).
    var carriedMarks: [InstrumentID: FixedDecimal] = [:]
    /// The market loaded from the file, saved again until this run's feed has a state of its own.
    var carriedMarket: SyntheticMarket.State?
    /// The bytes this file (and its copies) last wrote: a save that would write them again does
    /// nothing, so an event that changed no venue costs an encode, not an fsync and two renames.
    private let lastWritten = LastWritten()

    public init(path: String, journalID: String? = nil) {
        self.path = path
        self.journalID = journalID
    }

    /// The ledgers saved by an earlier run; empty when there is no file yet. A file written for
    /// another journal is refused.
    public func load() throws(VenueStateError) -> [VenueLedger] {
        try loadContents()?.venues ?? []
    }

    /// Each instrument's last mark saved by an earlier run (empty when none was).
    func loadMarks() throws(VenueStateError) -> [InstrumentID: FixedDecimal] {
        var marks: [InstrumentID: FixedDecimal] = [:]
        for mark in try loadContents()?.marks ?? [] { marks[InstrumentID(venue: mark.venue, symbol: mark.symbol)] = mark.price }
        return marks
    }

    /// The synthetic market saved by an earlier run (nil when none was).
    func loadMarket() throws(VenueStateError) -> SyntheticMarket.State? {
        try loadContents()?.market
    }

    private func loadContents() throws(VenueStateError) -> Contents? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            let contents = try JSONDecoder().decode(Contents.self, from: data)
            guard contents.version <= Self.formatVersion else {
                throw VenueStateError(path: path, reason: "written by a newer hedgetop (format \(contents.version)); upgrade hedgetop or use another --venue-state")
            }
            if let journalID, let owner = contents.journal, owner != journalID {
                throw VenueStateError(path: path, reason: "belongs to another journal (id \(owner); this journal is \(journalID)); each journal has its own venue state: pass that journal's --venue-state, or another path for a new one")
            }
            return contents
        } catch let error as VenueStateError {
            throw error
        } catch {
            throw VenueStateError(path: path, reason: "unreadable (\(error)); move it aside only once the venue's positions are known to be flat")
        }
    }

    /// Replaces the file with these ledgers (and the instruments' last marks, and the market),
    /// durably.
    func save(_ ledgers: [VenueLedger], marks: [InstrumentID: FixedDecimal] = [:], market: SyntheticMarket.State? = nil) throws(VenueStateError) {
        let saved = carriedMarks.merging(marks) { $1 }.sorted { ($0.key.venue, $0.key.symbol) < ($1.key.venue, $1.key.symbol) }
            .map { SavedMark(venue: $0.key.venue, symbol: $0.key.symbol, price: $0.value) }
        let data: Data
        do {
            // Keys in a fixed order, so the same state always encodes to the same bytes.
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            data = try encoder.encode(Contents(version: Self.formatVersion, journal: journalID, venues: ledgers, marks: saved,
                                               market: market ?? carriedMarket))
        } catch {
            throw VenueStateError(path: path, reason: "cannot encode: \(error)")
        }
        if lastWritten.matches(data) { return }
        do throws(PrivateFileReplacement.Failure) {
            try PrivateFileReplacement.replace(path, with: data)
        } catch {
            throw VenueStateError(path: path, reason: error.reason)
        }
        lastWritten.remember(data)
    }
}

/// The bytes a venue state file last wrote durably, shared by the copies of one `VenueStateFile`.
final class LastWritten: Sendable {
    private let data = Mutex<Data?>(nil)

    func matches(_ candidate: Data) -> Bool { data.withLock { $0 == candidate } }

    func remember(_ written: Data) { data.withLock { $0 = written } }
}

/// A venue state file that cannot be used, naming it and what to do.
public struct VenueStateError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "venue state \(path): \(reason)" }
}
