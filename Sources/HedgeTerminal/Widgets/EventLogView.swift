import HedgeCore
import HedgeEngine

/// The events, coloured by severity so warnings and errors catch the eye. The engine's log and
/// the screen's own notes (command answers, theme problems) are merged by time, then filtered and
/// scrolled as `view` says: the newest lines unless scrolled back.
struct EventLogView {
    /// The lines that pass the filters, oldest first.
    var entries: [LogEntry]
    var view: LogViewState
    /// The selected strategy's name, for the title when the log shows only its lines.
    var selected: String?

    init(entries: [LogEntry], notes: [ScreenNote] = [], now: Timestamp? = nil,
         view: LogViewState = LogViewState(), selected: String? = nil, strategies: Set<String> = []) {
        self.view = view
        self.selected = selected
        self.entries = Self.merged(entries, notes: notes, now: now)
            .filter { view.shows($0, selected: selected, strategies: strategies) }
    }

    /// The engine's entries and the screen's notes in time order (a note keeps its place among
    /// lines of the same time).
    static func merged(_ entries: [LogEntry], notes: [ScreenNote], now: Timestamp?) -> [LogEntry] {
        guard !notes.isEmpty else { return entries }
        let fallback = now ?? entries.last?.time ?? .zero
        let merged = entries.map { ($0.time, $0) }
            + notes.map { ($0.time ?? fallback, LogEntry(time: $0.time ?? fallback, severity: $0.severity, strategy: $0.source, message: $0.message)) }
        return merged.enumerated()
            .sorted { $0.element.0 != $1.element.0 ? $0.element.0 < $1.element.0 : $0.offset < $1.offset }
            .map(\.element.1)
    }

    /// The lines shown in `rows` rows: scrolled back by `view.back`, never past the oldest.
    func shown(rows: Int) -> ArraySlice<LogEntry> {
        let back = min(view.back, max(0, entries.count - rows))
        let end = entries.count - back
        return entries[max(0, end - rows)..<end]
    }

    func render(into buffer: inout Buffer, area: Rect, glyphs: GlyphSet) {
        let title = (["Events"] + view.titleParts(selected: selected)).joined(separator: " · ")
        let inner = buffer.box(area, title: title, glyphs: glyphs)
        guard !inner.isEmpty else { return }
        if entries.isEmpty, view.minimum != .info || view.selectedOnly {
            buffer.put("no line matches (l: severity, f: strategy)", in: inner, row: 0, style: Style(.muted), glyphs: glyphs)
            return
        }
        for (row, entry) in shown(rows: inner.height).enumerated() {
            var column = buffer.put(CivilTime(entry.time).clock + " ", in: inner, row: row, style: Style(.muted), glyphs: glyphs) - inner.x
            let style = Self.style(entry.severity)
            column = buffer.put(entry.severity.rawValue.uppercased().padded(to: 7) + " ", in: inner, row: row, column: column, style: style, glyphs: glyphs) - inner.x
            if let strategy = entry.strategy {
                column = buffer.put(strategy + " ", in: inner, row: row, column: column, style: Style(.accent), glyphs: glyphs) - inner.x
            }
            buffer.put(entry.message, in: inner, row: row, column: column, style: entry.severity >= .warning ? style : Style(.text), glyphs: glyphs)
        }
    }

    static func style(_ severity: LogEntry.Severity) -> Style {
        switch severity {
        case .info: Style(.muted)
        case .notice: Style(.accent)
        case .warning: Style(.warning, bold: true)
        case .error: Style(.danger, bold: true)
        }
    }
}
