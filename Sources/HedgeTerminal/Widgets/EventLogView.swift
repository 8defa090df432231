import HedgeCore
import HedgeEngine

/// The newest events, coloured by severity so warnings and errors catch the eye.
struct EventLogView {
    var entries: [LogEntry]

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
