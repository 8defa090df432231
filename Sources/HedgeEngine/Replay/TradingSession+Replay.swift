import HedgeCore
import HedgeVenues
import Logging

/// What a finished replay says: its report, and why it stopped early when its input failed.
public struct ReplayResult: Sendable {
    public var report: RunReport
    /// The bad input line that stopped the replay (`--on-bad-input stop`), if one did.
    public var failure: String?
}

extension TradingSession {
    /// The replay's engine in a session of its own, writing to `journal` when one is given (no
    /// recovery: a replay starts from nothing) and its event log to `logger` when one is given (as
    /// a run does). A bad journal is a `ReplayFailure`.
    public init(replaying setup: sending ReplaySetup, limits: PortfolioLimits = .none, journal: String? = nil,
                logger: Logger? = nil) throws(ReplayFailure) {
        let engine = Engine(strategies: setup.strategies, venues: setup.venues, feed: setup.feed, mode: .replay, startedAt: nil, limits: limits,
                            logger: logger ?? Logger(label: "hedgetop.replay", factory: { _ in SwiftLogNoOpLogHandler() }))
        if let journal {
            do { engine.attach(journal: try Journal(path: journal), venueState: nil) }
            catch { throw ReplayFailure("\(error)") }
        }
        self.init(engine: engine, logger: logger)
    }

    /// How deep the simulated books were: every level the feed gave, up to the configured bound.
    var bookNote: String {
        let venues = engine.venues.list
        let bound = venues.map(\.settings.maxBookLevels).max() ?? SimulatedBook.defaultMaxLevels
        let dropped = venues.reduce(0) { $0 + $1.droppedBookLevels }
        let cut = dropped == 0 ? "none dropped" : "\(dropped) levels beyond it dropped (a market order past the deepest kept level fills one tick beyond it)"
        return "books: every depth level the feed gave, up to \(bound) a side (replay.max_book_levels); \(cut)"
    }

    /// Replays every event as fast as it can, with no loop, no clock and no snapshots.
    public func runToEnd() {
        while let next = engine.nextEventTime { engine.run(until: next) }
    }

    /// The report of the replay this session ran, headless or on the screen; `wallSeconds` only
    /// when asked for (`--timing`), so that the report is a function of the data alone.
    public func replayResult(wallSeconds: Double? = nil) -> ReplayResult {
        let replayFeed = engine.marketFeed as? ReplayFeed
        let input = replayFeed.map(\.statistics).map { stats in
            RunReport.Input(linesRead: stats.linesRead, events: stats.eventsEmitted,
                            skipped: Dictionary(uniqueKeysWithValues: stats.skipped.map { ("\($0.key)", $0.value) }),
                            examples: Dictionary(uniqueKeysWithValues: stats.examples.map { ("\($0.key)", $0.value) }),
                            notes: stats.notes + [bookNote], warnings: stats.warnings, ignored: stats.ignored)
        }
        return ReplayResult(report: RunReport(engine: engine, from: engine.startedAt, input: input, wallSeconds: wallSeconds),
                            failure: replayFeed?.failure.map { "\($0)" })
    }
}
