import DequeModule
import Foundation
import HedgeCore

/// What one strategy's charts hold: the series a screen needs to redraw them (spread, rolling
/// mean, PnL, the entry and exit bands as they were, the entry and exit markers). Bounded as the
/// in-memory series are.
struct ChartHistory: Codable, Sendable {
    var spread: DownsampledSeries
    var mean: DownsampledSeries
    var pnl: DownsampledSeries
    var entryBand: BandSeries
    var exitBand: BandSeries
    var markers: [ChartMarker]
    /// The strategy's rolling window of spread samples (oldest first) and the time of the
    /// spread's last point when it was saved; nil from a file written before it was kept.
    var window: [Double]? = nil
    var windowSavedAt: Timestamp? = nil

    /// The newest time any series holds, or nil when all are empty.
    var latestTime: Timestamp? {
        let times = [spread.points.last?.time, mean.points.last?.time, pnl.points.last?.time, entryBand.upper.points.last?.time,
                     exitBand.upper.points.last?.time, markers.last?.time].compactMap { $0 }
        return times.max()
    }
}

/// Where a served (or run) paper desk keeps its charts' history between runs, so a screen that
/// attaches after a restart sees the charts from before it. One JSON file beside the venue state,
/// private (0600) and replaced atomically like it; written on a data-time cadence
/// (`saveInterval`) and at a stop, never per tick. Charts are a picture, not the books: a file that
/// cannot be read gives empty charts and a log line, never a refusal to start.
public struct ChartHistoryFile: Sendable {
    /// 1: the first format.
    static let formatVersion = 1
    /// How often (in data time) the charts are saved while the engine runs.
    static let saveInterval: Duration = .seconds(5)

    /// Event-log entries kept with the charts: the last screenful or two of what happened.
    static let logLimit = 200

    struct Contents: Codable {
        var version: Int
        /// Each strategy's charts, by its name.
        var strategies: [String: ChartHistory]
        /// The event log's newest entries when saved; nil from a file written before it was kept.
        var log: [LogEntry]? = nil
    }

    public let path: String
    /// When the charts were last saved (data time); nil: not yet this run.
    var savedAt: Timestamp?
    /// Set after a save failed, so the failure is logged once until a save works again.
    var failing = false

    public init(path: String) {
        self.path = path
    }

    /// The chart history file of the desk whose venue state is at `venueState`: beside it, named
    /// after it (one per journal and scenario, as the venue state is).
    public static func path(besideVenueState venueState: String) -> String {
        (venueState as NSString).deletingPathExtension + ".charts.json"
    }

    /// What `load` found: each strategy's charts, and why there are none when the file was
    /// missing or unreadable (a line for the log).
    struct Loaded {
        var strategies: [String: ChartHistory] = [:]
        var log: [LogEntry] = []
        var problem: String?
    }

    /// The charts saved by an earlier run. Missing or unreadable: none, and the problem in words.
    func load() -> Loaded {
        guard FileManager.default.fileExists(atPath: path) else {
            return Loaded(problem: "chart history \(path) not found: the charts start empty")
        }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            let contents = try JSONDecoder().decode(Contents.self, from: data)
            guard contents.version <= Self.formatVersion else {
                return Loaded(problem: "chart history \(path) was written by a newer hedgetop (format \(contents.version)): the charts start empty")
            }
            return Loaded(strategies: contents.strategies, log: contents.log ?? [])
        } catch {
            return Loaded(problem: "chart history \(path) unreadable (\(error)): the charts start empty")
        }
    }

    /// Replaces the file with these charts, durably.
    func save(_ strategies: [String: ChartHistory], log: [LogEntry] = []) throws(VenueStateError) {
        let data: Data
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            data = try encoder.encode(Contents(version: Self.formatVersion, strategies: strategies, log: Array(log.suffix(Self.logLimit))))
        } catch {
            throw VenueStateError(path: path, reason: "cannot encode the charts: \(error)")
        }
        do throws(PrivateFileReplacement.Failure) {
            try PrivateFileReplacement.replace(path, with: data)
        } catch {
            throw VenueStateError(path: path, reason: error.reason)
        }
    }
}

extension StrategyRunner {
    /// The charts as they are now, for the chart history file.
    var chartHistory: ChartHistory {
        ChartHistory(spread: spreadSeries, mean: meanSeries, pnl: pnlSeries, entryBand: entryBandSeries, exitBand: exitBandSeries,
                     markers: Array(markers), window: machine.statistics.samples, windowSavedAt: spreadSeries.points.last?.time)
    }

    /// Takes back the charts of an earlier run (markers beyond the limit dropped, oldest first),
    /// and its rolling window when it was saved within the window's span of `now` (a window
    /// older than that says nothing of the spread now).
    mutating func restore(_ history: ChartHistory, now: Timestamp) {
        if let window = history.window, let savedAt = history.windowSavedAt, savedAt <= now,
           now - savedAt <= machine.windowSpan {
            machine.restoreWindow(window)
        }
        spreadSeries = history.spread
        meanSeries = history.mean
        pnlSeries = history.pnl
        entryBandSeries = history.entryBand
        exitBandSeries = history.exitBand
        markers = Deque(history.markers.suffix(Self.markerLimit))
    }
}

extension TradingEngine {
    /// Restores each strategy's charts from `loaded` (by name; a strategy not in it starts empty)
    /// and the event log's last lines before this run's, logs why there were none if so, and
    /// saves to `file` from now on.
    func attach(chartHistory file: ChartHistoryFile, loaded: ChartHistoryFile.Loaded) {
        for index in runners.indices {
            if let history = loaded.strategies[runners[index].name] { runners[index].restore(history, now: now) }
        }
        eventLog.restoreEarlier(loaded.log)
        if let problem = loaded.problem {
            append(LogEntry(time: now, severity: .warning, strategy: nil, message: problem))
        }
        chartHistory = file
        chartHistory?.savedAt = now
        changed = true
    }

    /// Saves the charts when `ChartHistoryFile.saveInterval` of data time has passed since the
    /// last save: called after a turn of the engine loop, not per event.
    public func saveChartHistoryIfDue() {
        guard let file = chartHistory else { return }
        if let savedAt = file.savedAt, now < savedAt + ChartHistoryFile.saveInterval { return }
        saveChartHistory()
    }

    /// Saves every strategy's charts now (at a stop). A failure is logged once, and changes
    /// nothing else: the charts are a picture, not the books.
    public func saveChartHistory() {
        guard let file = chartHistory else { return }
        for index in runners.indices { runners[index].flushPnLSample() }
        var strategies: [String: ChartHistory] = [:]
        for runner in runners { strategies[runner.name] = runner.chartHistory }
        chartHistory?.savedAt = now
        do {
            try file.save(strategies, log: Array(eventLog.entries.suffix(ChartHistoryFile.logLimit)))
            if file.failing {
                chartHistory?.failing = false
                append(LogEntry(time: now, severity: .notice, strategy: nil, message: "chart history saved again to \(file.path)"))
            }
        } catch {
            guard !file.failing else { return }
            chartHistory?.failing = true
            append(LogEntry(time: now, severity: .warning, strategy: nil, message: "\(error); the charts will start empty after a restart"))
        }
    }
}
