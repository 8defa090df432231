import HedgeCore
import HedgeEngine

/// Money in USD to the cent: net first (it is what the trader asks), then its parts, then the
/// net over time against a zero line.
struct PnLPanel {
    var pnl: PnLSummary
    var series: [SeriesPoint]

    func render(into buffer: inout Buffer, area: Rect, glyphs: GlyphSet) {
        let inner = buffer.box(area, title: "PnL (USD)", glyphs: glyphs)
        guard !inner.isEmpty else { return }
        let column = buffer.put("net ", in: inner, row: 0, style: Style(.muted), glyphs: glyphs) - inner.x
        buffer.put(pnl.net.usd, in: inner, row: 0, column: column, style: Style(Self.role(pnl.net), bold: true), glyphs: glyphs)
        let parts = [("real", pnl.realised.usd), ("unreal", pnl.unrealised.usd),
                     ("fees", pnl.fees.formatted(places: 2, grouping: true)), ("fund", pnl.funding.usd)]
        let oneLine = parts.map { "\($0.0) \($0.1)" }.joined(separator: "  ")
        var row = 1
        if oneLine.count <= inner.width {
            buffer.put(oneLine, in: inner, row: row, style: Style(.text), glyphs: glyphs)
            row += 1
        } else {
            for pair in stride(from: 0, to: parts.count, by: 2) {
                let text = parts[pair..<min(parts.count, pair + 2)].map { "\($0.0) \($0.1)" }.joined(separator: "  ")
                buffer.put(text, in: inner, row: row, style: Style(.text), glyphs: glyphs)
                row += 1
            }
        }
        let chartArea = inner.splitTop(row).rest
        guard chartArea.height >= 2 else { return }
        let lineRole: ThemeRole = (series.last?.value ?? 0) < 0 ? .loss : .profit
        BrailleChart(series: [BrailleChart.Series(points: series, style: Style(lineRole))],
                     levels: [BrailleChart.Level(value: 0, style: Style(.zeroLine))], labelPlaces: 2)
            .render(into: &buffer, area: chartArea, glyphs: glyphs)
    }

    static func role(_ amount: FixedDecimal) -> ThemeRole {
        amount.isNegative ? .loss : (amount.isPositive ? .profit : .text)
    }
}
