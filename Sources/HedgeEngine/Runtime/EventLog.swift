import DequeModule
import HedgeCore
import Logging

/// The engine's event log as the screen shows it: the newest `limit` entries, numbered in order,
/// and the recent command acknowledgements. Every entry also goes to the logger.
struct EventLog {
    /// How many entries are kept.
    static let limit = 500
    /// How many acknowledgements are kept: enough for the commands in flight.
    static let acknowledgementLimit = 32

    private(set) var entries = Deque<LogEntry>()
    private(set) var acknowledgements = Deque<CommandAcknowledgement>()
    /// Entries appended so far: the next entry's number.
    private var count: UInt64 = 0
    /// Counts every change to the entries or acknowledgements, so a snapshot copies them only
    /// when they moved.
    private(set) var version: UInt64 = 0
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    /// Numbers the entry, keeps it (dropping the oldest beyond `limit`) and logs it.
    mutating func append(_ entry: LogEntry) {
        var entry = entry
        count += 1
        version &+= 1
        entry.id = count
        entries.append(entry)
        if entries.count > Self.limit { entries.removeFirst() }
        let level: Logger.Level = switch entry.severity {
        case .info: .info
        case .notice: .notice
        case .warning: .warning
        case .error: .error
        }
        // The line and its metadata are made inside the logger's autoclosures, so a level the
        // logger filters out costs no string or dictionary per entry.
        logger.log(level: level, "\(entry.strategy.map { "[\($0)] \(entry.message)" } ?? entry.message)",
                   metadata: [FileLogHandler.dataTimeKey: .stringConvertible(entry.time)])
    }

    /// Puts an earlier run's last entries (from the chart history file) before this run's, so a
    /// screen after a restart shows what led up to it, not only the recovery lines. Renumbers
    /// every entry (nothing was published yet); the earlier entries are not logged again.
    mutating func restoreEarlier(_ earlier: [LogEntry]) {
        guard !earlier.isEmpty else { return }
        version &+= 1
        let kept = Array(earlier.suffix(max(0, Self.limit - entries.count)))
        var all = Deque(kept + entries)
        for index in all.indices { all[index].id = UInt64(index + 1) }
        entries = all
        count = UInt64(all.count)
    }

    /// Keeps a command's acknowledgement for the next snapshots.
    mutating func acknowledge(_ acknowledgement: CommandAcknowledgement) {
        version &+= 1
        acknowledgements.append(acknowledgement)
        if acknowledgements.count > Self.acknowledgementLimit { acknowledgements.removeFirst() }
    }
}

extension TradingEngine {
    func append(_ entry: LogEntry) {
        eventLog.append(entry)
    }
}
