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
        let engine = Engine(replaying: setup, limits: limits, logger: logger)
        if let journal {
            do { engine.attach(journal: try Journal(path: journal), venueState: nil) }
            catch { throw ReplayFailure("\(error)") }
        }
        self.init(engine: engine, logger: logger)
    }

    /// Replays every event as fast as it can, with no loop, no clock and no snapshots (inside
    /// the setup's data-time window when it has one).
    public func runToEnd() {
        replayEngine.runReplayToEnd()
    }

    /// The report of the replay this session ran, headless or on the screen; `wallSeconds` only
    /// when asked for (`--timing`), so that the report is a function of the data alone.
    public func replayResult(wallSeconds: Double? = nil) -> ReplayResult {
        replayEngine.replayResult(wallSeconds: wallSeconds)
    }

    /// A replay's engine: replays run on simulated venues only.
    private var replayEngine: Engine {
        guard let simulated else { preconditionFailure("a replay session runs on simulated venues") }
        return simulated
    }
}

/// The replay itself on the engine, so a sweep runs each of its replays through the same steps
/// as `hedgetop replay` on a thread of its own (a `TradingSession` is an actor on the shared pool).
extension TradingEngine where V == SimulatedVenue {
    /// The engine of a replay: the setup's strategies and venues over its feed, clock at the
    /// first event. With a window, every strategy starts paused (the data before the window only
    /// warms up books and statistics) and the run stops at the window's end.
    public convenience init(replaying setup: sending ReplaySetup, limits: PortfolioLimits = .none, logger: Logger? = nil) {
        self.init(strategies: setup.strategies, venues: setup.venues, feed: setup.feed, mode: .replay, startedAt: nil, limits: limits,
                  logger: logger ?? Logger(label: "hedgetop.replay", factory: { _ in SwiftLogNoOpLogHandler() }))
        window = setup.window
        if setup.window != nil {
            for (number, strategy) in setup.strategies.enumerated() {
                apply(EngineCommand(id: UInt64(number + 1), strategy: strategy.name, action: .pause), at: startedAt)
            }
        }
    }

    /// Replays every event as fast as it can, with no loop, no clock and no snapshots; with a
    /// window, resumes the strategies at its start and stops before its end.
    public func runReplayToEnd() {
        guard let window else {
            while let next = nextEventTime { run(until: next) }
            return
        }
        let last = Timestamp(nanoseconds: window.end.nanoseconds - 1)
        while let next = nextEventTime, next < window.start { run(until: next) }
        for (number, runner) in runners.enumerated() {
            apply(EngineCommand(id: UInt64(runners.count + number + 1), strategy: runner.name, action: .resume), at: window.start)
        }
        while let next = nextEventTime, next <= last { run(until: next) }
    }

    /// How deep the simulated books were: every level the feed gave, up to the configured bound.
    var bookNote: String {
        let venues = self.venues.list
        let bound = venues.map(\.settings.maxBookLevels).max() ?? SimulatedBook.defaultMaxLevels
        let dropped = venues.reduce(0) { $0 + $1.droppedBookLevels }
        let cut = dropped == 0 ? "none dropped" : "\(dropped) levels beyond it dropped (a market order past the deepest kept level fills one tick beyond it)"
        return "books: every depth level the feed gave, up to \(bound) a side (replay.max_book_levels); \(cut)"
    }

    /// The report of this replay; `wallSeconds` only when asked for (`--timing`). With a window,
    /// the report starts at the window's start.
    public func replayResult(wallSeconds: Double? = nil) -> ReplayResult {
        let replayFeed = marketFeed as? ReplayFeed
        let input = replayFeed.map(\.statistics).map { stats in
            RunReport.Input(linesRead: stats.linesRead, events: stats.eventsEmitted,
                            skipped: Dictionary(uniqueKeysWithValues: stats.skipped.map { ("\($0.key)", $0.value) }),
                            examples: Dictionary(uniqueKeysWithValues: stats.examples.map { ("\($0.key)", $0.value) }),
                            notes: stats.notes + [bookNote], warnings: stats.warnings, ignored: stats.ignored)
        }
        return ReplayResult(report: RunReport(engine: self, from: window?.start ?? startedAt, input: input, wallSeconds: wallSeconds),
                            failure: replayFeed?.failure.map { "\($0)" })
    }
}
