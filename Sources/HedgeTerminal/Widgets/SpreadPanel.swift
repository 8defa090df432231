import HedgeCore
import HedgeEngine

/// The spread now and over time: value, rolling mean, fair value (when the rule judges against
/// something else), z-score, basis, the rules, and the chart with the mean line and the entry and
/// exit bands (drawn around the fair value).
struct SpreadPanel {
    var strategy: StrategySnapshot
    var position: (index: Int, count: Int)
    var window: ChartWindow = .fiveMinutes

    func render(into buffer: inout Buffer, area: Rect, glyphs: GlyphSet) {
        var title = "Spread · \(strategy.name) (\(strategy.kind.rawValue))"
        if position.count > 1 { title += " \(position.index + 1)/\(position.count)" }
        title += " · " + window.label
        let inner = buffer.box(area, title: title, glyphs: glyphs)
        guard !inner.isEmpty else { return }
        var column = buffer.put("spread ", in: inner, row: 0, style: Style(.muted), glyphs: glyphs) - inner.x
        let spreadText = strategy.spreadBps.map { $0.formatted(places: 1, plusSign: true) + " bps" } ?? "waiting for quotes"
        column = buffer.put(spreadText, in: inner, row: 0, column: column, style: Style(.spreadLine, bold: true), glyphs: glyphs) - inner.x
        // "mean" is drawn in the mean line's colour: it is the line on the chart, the value the
        // z-score is measured from.
        if let mean = strategy.rollingMeanBps {
            column = buffer.put("  mean " + mean.fixed(places: 1, plusSign: true), in: inner, row: 0, column: column, style: Style(.meanLine), glyphs: glyphs) - inner.x
        }
        var figures: [String] = []
        if let fair = fairBps, case .bps = strategy.entry {
            figures.append("fair " + fair.fixed(places: 1, plusSign: true))
        }
        if let z = strategy.zScore { figures.append("z " + z.fixed(places: 2, plusSign: true)) }
        if let basis = strategy.annualisedBasis { figures.append("basis " + (basis * 100).fixed(places: 2, plusSign: true) + "%/y") }
        buffer.put("  " + figures.joined(separator: "  "), in: inner, row: 0, column: column, style: Style(.text), glyphs: glyphs)
        let rules = "entry " + strategy.entryRule + "   exit " + strategy.exitRule
        buffer.put(rules, in: inner, row: 1, style: Style(.muted), glyphs: glyphs)
        let chartArea = inner.splitTop(2).rest
        guard chartArea.height >= 2 else { return }
        chart(glyphs: glyphs).render(into: &buffer, area: chartArea, glyphs: glyphs)
    }

    /// The fair value the entry rule judges against: the middle of its band (0 for a bps rule
    /// on cross and basis, the rolling mean otherwise). Shown beside the mean for bps rules only:
    /// a z rule's fair value is the mean.
    var fairBps: Double? { strategy.entryBandBps.map { ($0.upper + $0.lower) / 2 } }

    func chart(glyphs: GlyphSet) -> BrailleChart {
        var levels: [BrailleChart.Level] = []
        if let band = strategy.entryBandBps {
            levels += [band.upper, band.lower].map { BrailleChart.Level(value: $0, style: Style(.thresholdLine)) }
        }
        if let band = strategy.exitBandBps {
            levels += [band.upper, band.lower].map { BrailleChart.Level(value: $0, style: Style(.thresholdLine, dim: true)) }
        }
        let markers = strategy.markers.map { marker in
            BrailleChart.Marker(time: marker.time, value: marker.spreadBps,
                                glyph: marker.kind == .entry ? glyphs.entryMarker : glyphs.exitMarker,
                                style: Style(marker.kind == .entry ? .accent : .selected, bold: true))
        }
        var chart = BrailleChart(
            series: [
                BrailleChart.Series(points: strategy.spreadSeries, style: Style(.spreadLine), asciiMark: "*"),
                BrailleChart.Series(points: strategy.meanSeries, style: Style(.meanLine), asciiMark: "+"),
            ],
            levels: levels, markers: markers, labelPlaces: 1)
        chart.span = window.duration.map { .last($0) } ?? .all
        chart.showTimeAxis = true
        return chart
    }
}
