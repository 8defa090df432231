import HedgeEngine

/// How the event log panel is looked at: how far it is scrolled back, the lowest severity shown,
/// and whether only the selected strategy's lines are shown. A value the keys change and the
/// panel reads, so a test needs no terminal.
public struct LogViewState: Sendable, Hashable {
    /// Lines scrolled back from the newest shown line; 0 follows new lines as they come.
    public internal(set) var back = 0
    /// Lines below this severity are hidden.
    public internal(set) var minimum: LogEntry.Severity = .info
    /// Only lines about the selected strategy (and lines about no strategy, such as a venue
    /// outage, which concern every strategy).
    public internal(set) var selectedOnly = false

    public init() {}

    /// The next severity floor for `l`: all, notice+, warning+, error, and round again.
    mutating func nextSeverity() {
        switch minimum {
        case .info: minimum = .notice
        case .notice: minimum = .warning
        case .warning: minimum = .error
        case .error: minimum = .info
        }
    }

    /// Whether `entry` is shown, with `selected` the selected strategy and `strategies` every
    /// strategy's name (a line from the screen or a watcher is about no strategy).
    func shows(_ entry: LogEntry, selected: String?, strategies: Set<String>) -> Bool {
        guard entry.severity >= minimum else { return false }
        guard selectedOnly, let name = entry.strategy, strategies.contains(name) else { return true }
        return name == selected
    }

    /// What the panel's title says about the view: the filters on, and how to get back to the newest.
    func titleParts(selected: String?) -> [String] {
        var parts: [String] = []
        if minimum != .info { parts.append(minimum == .error ? "errors" : "\(minimum.rawValue)+") }
        if selectedOnly, let selected { parts.append("only \(selected)") }
        if back > 0 { parts.append("back \(back), End: newest") }
        return parts
    }
}
