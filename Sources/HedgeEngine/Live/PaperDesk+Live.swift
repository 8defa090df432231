import Foundation
import HedgeCore
import HedgeVenues
import Logging

extension PaperDesk {
    /// Opens a LIVE-PAPER desk: live market data from `feed`, orders filled by the setup's
    /// simulated venues against the live books, and the journal and venue state as a paper desk
    /// keeps them (the journal's lock, recovery of what was open at the last stop).
    public static func openLive(_ setup: LivePaperSetup, feed: sending any MarketFeed, journalPath: String, venueState: String?,
                                halfOpen: HalfOpenPolicy, logger: Logger) async throws -> PaperDesk {
        try await openLive(strategies: setup.strategies, venues: setup.venues, limits: setup.limits, mode: .livePaper, feed: feed,
                     journalPath: journalPath, venueState: venueState, halfOpen: halfOpen, logger: logger)
    }

    /// What a real venue says of the books saved at the last stop, before recovery trusts them:
    /// the saved ledgers in, the venue's own out (what filled, ended or moved while hedgetop was
    /// not running), with a line for each difference found.
    public typealias LedgerReconciliation = @Sendable ([VenueLedger]) async throws -> (ledgers: [VenueLedger], notes: [String])

    /// Opens a desk on live market data and `venues` (simulated ones for LIVE-PAPER, `LiveVenue`s
    /// for LIVE): the journal's lock, recovery of what was open at the last stop against the
    /// venues' books (as saved, or as `reconcile` finds them on the real venues), the venue state
    /// kept beside the journal (`NAME.venues-MODE.json`).
    public static func openLive<V: Venue>(strategies: [StrategyConfig], venues: [V], limits: PortfolioLimits, mode: RunMode,
                                          feed: sending any MarketFeed, journalPath: String, venueState: String?,
                                          halfOpen: HalfOpenPolicy, reconcile: LedgerReconciliation? = nil, logger: Logger) async throws -> PaperDesk {
        func fail(_ message: String) -> DeskError { DeskError("\(message); not trading") }
        let base = (journalPath as NSString).deletingPathExtension
        let venueStatePath = venueState ?? (base.isEmpty ? journalPath : base) + ".venues-\(mode.rawValue).json"
        let directory = (journalPath as NSString).deletingLastPathComponent
        if !directory.isEmpty { try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        let lock: JournalLock
        let journal: Journal
        do {
            lock = try JournalLock(journalPath: journalPath)
            journal = try Journal(path: journalPath)
        } catch {
            throw fail("\(error)")
        }
        if !FileManager.default.fileExists(atPath: venueStatePath) {
            let held: (positions: [InstrumentID: FixedDecimal], openCycles: [String])
            do { held = try journal.heldExposure() } catch { throw fail("\(error)") }
            if !held.positions.isEmpty || !held.openCycles.isEmpty {
                throw fail("venue state \(venueStatePath) is missing, but the journal holds positions or open cycles; restore the file or pass it with --venue-state")
            }
        }
        let firstStartChecked = FileManager.default.fileExists(atPath: venueStatePath)
        var state: VenueStateFile
        var ledgers: [VenueLedger]
        do {
            state = VenueStateFile(path: venueStatePath, journalID: try journal.identity())
            ledgers = try state.load()
            state.carriedMarks = try state.loadMarks()
        } catch {
            throw fail("\(error)")
        }
        var notices: [String] = []
        if let reconcile {
            do {
                (ledgers, notices) = try await reconcile(ledgers)
            } catch {
                throw fail("cannot read the venues' own books to reconcile with: \(error)")
            }
            for note in notices { logger.notice("\(note)") }
        }
        var start = Timestamp.wallClockNow()
        if let latest = try? journal.latestTime(), latest >= start { start = latest + .milliseconds(1) }
        let engine = TradingEngine(strategies: strategies, venues: venues, feed: feed, mode: mode, startedAt: start,
                                   limits: limits, logger: logger)
        engine.attach(journal: journal, venueState: nil)
        do {
            let report = try engine.recover(venueLedgers: ledgers, policy: halfOpen)
            if report.differences > 0 {
                notices.append("recovery found \(report.differences) difference(s) with the venue and adopted the venue's records (see the log and the journal's reconciliations)")
            }
        } catch {
            throw fail("recovery failed: \(error)")
        }
        engine.attach(journal: journal, venueState: state)
        armCrashTest(engine)
        let charts = ChartHistoryFile(path: ChartHistoryFile.path(besideVenueState: venueStatePath))
        var savedCharts = charts.load()
        // A first start has no charts to miss: only a restart says the file was not there.
        if !firstStartChecked && !FileManager.default.fileExists(atPath: charts.path) { savedCharts.problem = nil }
        engine.attach(chartHistory: charts, loaded: savedCharts)
        return PaperDesk(journalPath: journalPath, venueStatePath: venueStatePath, notices: notices,
                         session: TradingSession(engine: engine, holding: lock, logger: logger))
    }
}
