import Foundation
import HedgeCore
import HedgeVenues
import Logging

/// The paper-trading desk `run` and `serve` trade on: the simulated market, the journal every
/// order and fill goes to, the venue state the simulated venues keep between runs, and the engine
/// recovered from both. Opening it takes the journal's lock, so two desks never share a journal.
public struct PaperDesk: Sendable {
    /// What the desk is opened on: the market (a configuration file or a scenario) and its files.
    public struct Options: Sendable {
        /// A checked configuration file; nil: the scenario alone.
        public var file: HedgetopConfig?
        /// `--scenario`, over the file's.
        public var scenario: PaperScenario.Name?
        /// `--seed`, over the file's.
        public var seed: UInt64?
        /// `--journal`, over the file's `journal.path`.
        public var journal: String?
        /// The journal when neither `journal` nor the file names one.
        public var defaultJournal: String
        /// `--venue-state`; nil: the journal's own (`defaultVenueStatePath`).
        public var venueState: String?
        /// How recovery resolves a half-open spread.
        public var halfOpen: HalfOpenPolicy

        public init(file: HedgetopConfig? = nil, scenario: PaperScenario.Name? = nil, seed: UInt64? = nil, journal: String? = nil,
                    defaultJournal: String, venueState: String? = nil, halfOpen: HalfOpenPolicy = .flatten) {
            self.file = file
            self.scenario = scenario
            self.seed = seed
            self.journal = journal
            self.defaultJournal = defaultJournal
            self.venueState = venueState
            self.halfOpen = halfOpen
        }
    }

    /// The journal this desk writes to (and holds the lock of).
    public let journalPath: String
    /// Where its simulated venues keep their books between runs.
    let venueStatePath: String
    /// What opening found that the trader should read (relisted contracts, recovery differences),
    /// in order, without the program's name.
    public let notices: [String]
    /// The recovered engine, ready to run; it holds the journal's lock while it lives.
    public let session: TradingSession

    /// Opens the desk: takes the journal's lock, loads the venue state, refuses a position held in
    /// a contract that expired while nothing ran, continues the market from the saved marks and
    /// recovers every strategy. A corrupt, locked or newer journal (or venue state) is a
    /// `DeskError` and no trading.
    public static func open(_ options: Options, logger: Logger) throws -> PaperDesk {
        let journalPath = options.journal ?? options.file?.journalPath ?? options.defaultJournal
        let scenarioName = options.scenario ?? options.file?.scenario ?? .calendar
        if options.venueState == nil, let legacy = legacyVenueState(journal: journalPath, scenario: scenarioName) {
            throw DeskError("found \(legacy), the venue state every journal in its directory used to share; each journal now has its own (\(defaultVenueStatePath(journal: journalPath, scenario: scenarioName))). Rename it to that if it belongs to this journal, or pass it with --venue-state; remove it only once its positions are known to be flat; not trading")
        }
        let venueStatePath = options.venueState ?? defaultVenueStatePath(journal: journalPath, scenario: scenarioName)
        let market: (Timestamp, Timestamp, Double?, SyntheticMarket.State?) throws -> PaperScenario = { start, listed, initialPrice, resume in
            if let file = options.file {
                return try file.paperScenario(start: start, scenario: options.scenario, seed: options.seed, initialPrice: initialPrice,
                                              listed: listed, resume: resume)
            }
            return scenarioName.scenario(start: start, seed: options.seed ?? 42, initialPrice: initialPrice, listed: listed, resume: resume)
        }
        var notices: [String] = []
        let (engine, lock) = try recoveredEngine(journalPath: journalPath, venueStatePath: venueStatePath, policy: options.halfOpen,
                                                 logger: logger, notices: &notices, market: market)
        armCrashTest(engine)
        return PaperDesk(journalPath: journalPath, venueStatePath: venueStatePath, notices: notices,
                         session: TradingSession(engine: engine, holding: lock, logger: logger))
    }

    /// The engine recovered from the journal and the venue state, and the journal's lock.
    private static func recoveredEngine(journalPath: String, venueStatePath: String, policy: HalfOpenPolicy, logger: Logger,
                                        notices: inout [String],
                                        market: (_ start: Timestamp, _ listed: Timestamp, _ initialPrice: Double?,
                                                 _ resume: SyntheticMarket.State?) throws -> PaperScenario) throws -> (Engine, JournalLock) {
        func fail(_ message: String) -> DeskError { DeskError("\(message); not trading") }
        let directory = (journalPath as NSString).deletingLastPathComponent
        if !directory.isEmpty { try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        let lock: JournalLock
        let journal: Journal
        let ledgers: [VenueLedger]
        do {
            lock = try JournalLock(journalPath: journalPath)
            journal = try Journal(path: journalPath)
        } catch {
            throw fail("\(error)")
        }
        var state: VenueStateFile
        let marks: [InstrumentID: FixedDecimal]
        let savedMarket: SyntheticMarket.State?
        if !FileManager.default.fileExists(atPath: venueStatePath) {
            // Without the venue's books an open spread would be adopted as flat, and a
            // position nobody watches would be left at the venue.
            let held: (positions: [InstrumentID: FixedDecimal], openCycles: [String])
            do { held = try journal.heldExposure() } catch { throw fail("\(error)") }
            if !held.positions.isEmpty || !held.openCycles.isEmpty {
                let positions = held.positions.sorted { ($0.key.venue, $0.key.symbol) < ($1.key.venue, $1.key.symbol) }
                    .map { "\($0.key) \($0.value)" }
                let what = (positions.isEmpty ? [] : ["positions " + positions.joined(separator: ", ")])
                    + (held.openCycles.isEmpty ? [] : ["an open cycle of " + held.openCycles.joined(separator: ", ")])
                throw fail("venue state \(venueStatePath) is missing, but the journal holds \(what.joined(separator: " and ")); the venue's books are unknown, and would be taken as flat. Restore the file or pass it with --venue-state; start a new journal only once the positions are known to be flat")
            }
        }
        do {
            state = VenueStateFile(path: venueStatePath, journalID: try journal.identity())
            ledgers = try state.load()
            marks = try state.loadMarks()
            state.carriedMarks = marks
            savedMarket = try state.loadMarket()
            state.carriedMarket = savedMarket
        } catch {
            throw fail("\(error)")
        }
        let charts = ChartHistoryFile(path: ChartHistoryFile.path(besideVenueState: venueStatePath))
        var savedCharts = charts.load()
        // A first start has no charts to miss: only a restart says the file was not there.
        if !FileManager.default.fileExists(atPath: venueStatePath) && !FileManager.default.fileExists(atPath: charts.path) { savedCharts.problem = nil }
        // The clock never runs backwards across a restart (nor behind the charts' last point).
        var start = Timestamp.wallClockNow()
        if let latest = try? journal.latestTime(), latest >= start { start = latest + .milliseconds(1) }
        if let latest = savedCharts.strategies.values.compactMap(\.latestTime).max(), latest >= start { start = latest + .milliseconds(1) }
        // The dated contracts are the journal's, whatever day this start is: their symbols stay
        // the ones its positions are held in.
        var listed: Timestamp
        do { listed = try journal.contractsListedAt(firstStart: start) } catch { throw fail("\(error)") }
        // Contracts that expired while nothing ran: a position in one is refused (the paper venue
        // settles only while it runs); with none held, new contracts are listed from now.
        let probe = try market(start, listed, nil, nil)
        let expired = probe.expiredContracts(at: start)
        if !expired.isEmpty {
            let held = probe.positionsInExpiredContracts(ledgers, at: start)
            let names = expired.map { "\($0.id) (expired \($0.kind.expiry.map { CivilTime($0).isoString(millisecond: false) } ?? "?"))" }
            if !held.isEmpty {
                let positions = held.map { "\($0.spec.id) \($0.quantity.isNegative ? "short" : "long") \($0.quantity.magnitude)" }
                throw fail("this journal's dated contracts were listed \(CivilTime(listed).isoString(millisecond: false)) and \(names.joined(separator: ", ")) expired while nothing ran; the venue state still holds \(positions.joined(separator: ", ")), which the paper venue cannot settle after the fact. Check `hedgetop history --journal \(journalPath)`, then start on a new journal (--journal PATH, or move this one and its venue state aside)")
            }
            do { try journal.relistContracts(at: start) } catch { throw fail("\(error)") }
            notices.append("\(names.joined(separator: ", ")) expired while nothing ran, with nothing held in them; trading contracts listed from now")
            logger.notice("relisted dated contracts", metadata: ["expired": "\(names.joined(separator: ", "))"])
            listed = start
        }
        // The market continues where it stood when saved (price, the spread's deviation, its
        // random draws); a venue state from before that was saved continues from its marks.
        let resume = expired.isEmpty ? savedMarket : nil
        let initialPrice = resume != nil ? nil : PaperScenario.resumedInitialPrice(marks: marks) { try? market(start, listed, $0, nil) }
        let engine = try market(start, listed, initialPrice, resume).makeEngine(mode: .paper, startedAt: start, logger: logger)
        engine.attach(journal: journal, venueState: nil)
        do {
            let report = try engine.recover(venueLedgers: ledgers, policy: policy)
            if report.differences > 0 {
                notices.append("recovery found \(report.differences) difference(s) with the venue and adopted the venue's records (see the log and the journal's reconciliations)")
            }
        } catch {
            throw fail("recovery failed: \(error)")
        }
        engine.attach(journal: journal, venueState: state)
        engine.attach(chartHistory: charts, loaded: savedCharts)
        return (engine, lock)
    }

    /// The venue state belongs to its journal: `DIR/NAME.sqlite` keeps it in
    /// `DIR/NAME.venues-SCENARIO.json`, so two journals in one directory never share one.
    static func defaultVenueStatePath(journal: String, scenario: PaperScenario.Name) -> String {
        let base = (journal as NSString).deletingPathExtension
        return (base.isEmpty ? journal : base) + ".venues-\(scenario.rawValue).json"
    }

    /// The shared `DIR/paper-venues-SCENARIO.json` of earlier versions, when it is there and
    /// this (existing) journal has no venue state of its own yet: whose positions it holds is
    /// unknown, so the trader decides.
    static func legacyVenueState(journal: String, scenario: PaperScenario.Name) -> String? {
        let directory = (journal as NSString).deletingLastPathComponent
        let legacy = (directory.isEmpty ? "." : directory) + "/paper-venues-\(scenario.rawValue).json"
        let manager = FileManager.default
        guard manager.fileExists(atPath: journal), manager.fileExists(atPath: legacy), !manager.fileExists(atPath: defaultVenueStatePath(journal: journal, scenario: scenario)) else { return nil }
        return legacy
    }
}
