import HedgeCore
import HedgeEngine

/// The spread now and over time: value, rolling mean, fair value (when the rule judges against
/// something else), z-score, basis, the rules with a legend of the markers, and the chart with
/// the mean line and the entry and exit bands as they were at each time (around the fair value).
struct SpreadPanel {
    var strategy: StrategySnapshot
    var position: (index: Int, count: Int)
    var window: ChartWindow = .fiveMinutes

    func render(into buffer: inout Buffer, area: Rect, glyphs: GlyphSet) {
        // The name whole: the kind (also in the strategies list) goes first when the border is short.
        let place = position.count > 1 ? " \(position.index + 1)/\(position.count)" : ""
        let titles = ["Spread · \(strategy.name) (\(strategy.kind.rawValue))\(place) · \(window.label)",
                      "Spread · \(strategy.name)\(place) · \(window.label)",
                      "Spread · \(strategy.name) · \(window.label)", "\(strategy.name) · \(window.label)"]
        let title = titles.first { $0.count <= area.width - 7 } ?? titles[3]
        let inner = buffer.box(area, title: title, glyphs: glyphs)
        guard !inner.isEmpty else { return }
        var column = buffer.put("spread ", in: inner, row: 0, style: Style(.muted), glyphs: glyphs) - inner.x
        let spreadText = strategy.spreadBps.map { $0.figure(places: 1, plusSign: true) + " bps" } ?? "waiting for quotes"
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
        // Whole figures only: the last (basis) gives way first rather than reading `basis …`.
        while !figures.isEmpty, column + 2 * figures.count + figures.map(\.count).reduce(0, +) > inner.width { figures.removeLast() }
        buffer.put("  " + figures.joined(separator: "  "), in: inner, row: 0, column: column, style: Style(.text), glyphs: glyphs)
        // Each rule in the colour of its band on the chart, then the markers' legend at the right.
        // Whole rules only (never `exit |dev| ≤ 6…` for 64.5): tighter words first, then the exit left out.
        let forms = [("entry ", "   exit "), ("entry ", "  exit "), ("in ", "  out ")]
            .map { ($0.0 + strategy.entryRule, $0.1 + strategy.exitRule) }
        let (entryText, exitText) = forms.first { $0.0.count + $0.1.count <= inner.width } ?? (forms[2].0, "")
        column = buffer.put(entryText, in: inner, row: 1, style: Self.entryBandStyle, glyphs: glyphs) - inner.x
        column = buffer.put(exitText, in: inner, row: 1, column: column, style: Self.exitBandStyle, glyphs: glyphs) - inner.x
        if let legend = Self.legend(glyphs: glyphs, room: inner.width - column - 2) {
            var x = inner.width - legend.map(\.text.count).reduce(0, +)
            for part in legend {
                x = buffer.put(part.text, in: inner, row: 1, column: x, style: part.style, glyphs: glyphs) - inner.x
            }
        }
        let chartArea = inner.splitTop(2).rest
        guard chartArea.height >= 2 else { return }
        chart(glyphs: glyphs).render(into: &buffer, area: chartArea, glyphs: glyphs)
    }

    /// The fair value the entry rule judges against: the middle of its band (0 for a bps rule
    /// on cross and basis, the rolling mean otherwise). Shown beside the mean for bps rules only:
    /// a z rule's fair value is the mean.
    var fairBps: Double? { strategy.entryBandBps.map { ($0.upper + $0.lower) / 2 } }

    static let entryBandStyle = Style(.thresholdLine)
    static let exitBandStyle = Style(.thresholdLine, dim: true)
    static let entryMarkerStyle = Style(.accent, bold: true)
    static let exitMarkerStyle = Style(.selected, bold: true)

    /// What the markers mean, in the markers' own glyphs and colours: the long form when `room`
    /// holds it, a short one when not, nothing when not even that fits.
    static func legend(glyphs: GlyphSet, room: Int) -> [(text: String, style: Style)]? {
        let words = Style(.muted)
        let long: [(text: String, style: Style)] = [
            (String(glyphs.aRichMarker), entryMarkerStyle), (" open A-rich  ", words),
            (String(glyphs.bRichMarker), entryMarkerStyle), (" open B-rich  ", words),
            (String(glyphs.exitMarker), exitMarkerStyle), (" exit", words),
        ]
        let short: [(text: String, style: Style)] = [
            (String(glyphs.aRichMarker), entryMarkerStyle), ("A-rich ", words),
            (String(glyphs.bRichMarker), entryMarkerStyle), ("B-rich ", words),
            (String(glyphs.exitMarker), exitMarkerStyle), ("exit", words),
        ]
        return [long, short].first { $0.map(\.text.count).reduce(0, +) <= room }
    }

    /// An entry's glyph: which leg was rich, as the engine recorded it; from a server that does
    /// not say, the side of today's fair value the spread was on.
    func glyph(for marker: ChartMarker, glyphs: GlyphSet) -> Character {
        guard marker.kind == .entry else { return glyphs.exitMarker }
        let rich = marker.richLeg ?? (marker.spreadBps >= (fairBps ?? strategy.rollingMeanBps ?? 0) ? .a : .b)
        return rich == .a ? glyphs.aRichMarker : glyphs.bRichMarker
    }

    func chart(glyphs: GlyphSet) -> BrailleChart {
        let markers = strategy.markers.map { marker in
            BrailleChart.Marker(time: marker.time, value: marker.spreadBps, glyph: glyph(for: marker, glyphs: glyphs),
                                style: marker.kind == .entry ? Self.entryMarkerStyle : Self.exitMarkerStyle)
        }
        var chart = BrailleChart(
            series: [
                BrailleChart.Series(points: strategy.spreadSeries, style: Style(.spreadLine), asciiMark: "*"),
                BrailleChart.Series(points: strategy.meanSeries, style: Style(.meanLine), asciiMark: "+"),
            ],
            markers: markers, labelPlaces: 1)
        // Each band edge is a line through the band as it was at each time, not today's σ drawn
        // across the whole window.
        chart.bands = [BrailleChart.Band(points: strategy.entryBandSeries, style: Self.entryBandStyle),
                       BrailleChart.Band(points: strategy.exitBandSeries, style: Self.exitBandStyle)]
        chart.labelWidth = BrailleChart.bpsLabelWidth
        chart.span = window.duration.map { .last($0) } ?? .all
        chart.showTimeAxis = true
        return chart
    }
}
