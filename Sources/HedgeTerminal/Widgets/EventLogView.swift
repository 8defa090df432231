import HedgeCore
import HedgeEngine

/// The newest events, coloured by severity so warnings and errors catch the eye. The engine's
/// log and the screen's own notes (command answers, theme problems) are merged by time.
struct EventLogView {
    var entries: [LogEntry]

    init(entries: [LogEntry], notes: [ScreenNote] = [], now: Timestamp? = nil) {
        guard !notes.isEmpty else { self.entries = entries; return }
        let fallback = now ?? entries.last?.time ?? .zero
        let merged = entries.map { ($0.time, $0) }
            + notes.map { ($0.time ?? fallback, LogEntry(time: $0.time ?? fallback, severity: $0.severity, strategy: $0.source, message: $0.message)) }
        self.entries = merged.enumerated()
            .sorted { $0.element.0 != $1.element.0 ? $0.element.0 < $1.element.0 : $0.offset < $1.offset }
            .map(\.element.1)
    }

    func render(into buffer: inout Buffer, area: Rect, glyphs: GlyphSet) {
        let inner = buffer.box(area, title: "Events", glyphs: glyphs)
        guard !inner.isEmpty else { return }
        for (row, entry) in entries.suffix(inner.height).enumerated() {
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
