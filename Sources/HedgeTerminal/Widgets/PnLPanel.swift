import HedgeCore
import HedgeEngine

/// Money in USD to the cent: net first (it is what the trader asks), then the sum it is, then the
/// net over time against a zero line.
struct PnLPanel {
    var pnl: PnLSummary
    var series: [SeriesPoint]
    /// The spread chart's window (`+`/`-`): the two charts cover the same time, so a cycle's
    /// dip in PnL sits under its entry and exit in the spread.
    var window: ChartWindow = .fiveMinutes

    /// The parts of net as they add up, each signed as what it adds: fees paid are negative
    /// (a rebate positive), so `real +32.51  fees -40.34  fund 0.00  unreal 0.00` sums to
    /// `net -7.83` with no term read the other way round.
    /// Each term is rounded to the cent so the shown terms add up to the shown net: a cent the
    /// separate roundings lose or gain goes to the term whose rounding moved it most (largest
    /// remainder), so `+32.52  -40.34` never sits beside `net -7.83`.
    static func terms(_ pnl: PnLSummary) -> [(label: String, amount: FixedDecimal)] {
        let exact: [(String, FixedDecimal)] = [("real", pnl.realised), ("fees", -pnl.fees), ("fund", pnl.funding), ("unreal", pnl.unrealised)]
        let cent = FixedDecimal.one / 100
        func cents(_ value: FixedDecimal) -> Int64 { ((try? value.rounded(places: 2)) ?? value).units / cent }
        var shown = exact.map { cents($0.1) }
        var missing = cents(pnl.net) - shown.reduce(0, +)
        // Only rounding is mended; a net that is not the sum of its parts shows as it is.
        if missing != 0, abs(missing) <= Int64(shown.count) {
            // How far rounding moved each term, in units: the most moved in the wrong direction gives first.
            let moved = exact.indices.map { shown[$0] * cent - exact[$0].1.units }
            let order = exact.indices.sorted { missing < 0 ? moved[$0] > moved[$1] : moved[$0] < moved[$1] }
            for index in order where missing != 0 {
                shown[index] += missing < 0 ? -1 : 1
                missing += missing < 0 ? 1 : -1
            }
        }
        return exact.indices.map { (exact[$0].0, FixedDecimal(units: shown[$0] * cent)) }
    }

    /// "net -7.84 = " and the terms, wrapped under the first term when the width is short.
    static func lines(_ pnl: PnLSummary, width: Int) -> (head: String, rows: [String]) {
        let head = "net " + pnl.net.usd + " = "
        let words = terms(pnl).map { "\($0.label) \($0.amount.usd)" }
        let room = max(1, width - head.count)
        var rows: [String] = []
        for word in words {
            if let last = rows.last, last.count + 2 + word.count <= room {
                rows[rows.count - 1] = last + "  " + word
            } else {
                rows.append(word)
            }
        }
        return (head, rows)
    }

    /// The terms flowed over the whole width after the first row: for a panel too narrow to
    /// keep them under the first term in two rows (80×24), so the whole sum stays in sight.
    static func flowed(_ pnl: PnLSummary, width: Int) -> (head: String, rows: [String]) {
        let head = "net " + pnl.net.usd + " = "
        var rows: [String] = []
        for word in terms(pnl).map({ "\($0.label) \($0.amount.usd)" }) {
            // The first row starts after the head; the others at the panel's left edge.
            let room = rows.count == 1 ? width - head.count : width
            if let last = rows.last, last.count + 2 + word.count <= room {
                rows[rows.count - 1] = last + "  " + word
            } else {
                rows.append(word)
            }
        }
        return (head, rows)
    }

    /// The sum as drawn in `width` columns: under the first term, or flowed when that takes
    /// more than two rows and flowing takes fewer; `indent` is where the rows after the first start.
    static func sum(_ pnl: PnLSummary, width: Int) -> (head: String, rows: [String], indent: Int) {
        let (head, rows) = lines(pnl, width: width)
        let flowed = flowed(pnl, width: width).rows
        return rows.count > 2 && flowed.count < rows.count ? (head, flowed, 0) : (head, rows, head.count)
    }

    func render(into buffer: inout Buffer, area: Rect, glyphs: GlyphSet) {
        let inner = buffer.box(area, title: "PnL (USD) · \(window.label)", glyphs: glyphs)
        guard !inner.isEmpty else { return }
        let (head, rows, indent) = Self.sum(pnl, width: inner.width)
        var column = buffer.put("net ", in: inner, row: 0, style: Style(.muted), glyphs: glyphs) - inner.x
        column = buffer.put(pnl.net.usd, in: inner, row: 0, column: column, style: Style(Self.role(pnl.net), bold: true), glyphs: glyphs) - inner.x
        buffer.put(" = ", in: inner, row: 0, column: column, style: Style(.muted), glyphs: glyphs)
        for (row, text) in rows.enumerated() where row < inner.height {
            buffer.put(text, in: inner, row: row, column: row == 0 ? head.count : indent, style: Style(.text), glyphs: glyphs)
        }
        let chartArea = inner.splitTop(max(1, rows.count)).rest
        guard chartArea.height >= 2 else { return }
        chart.render(into: &buffer, area: chartArea, glyphs: glyphs)
    }

    /// Net over the spread chart's window, against a zero line.
    var chart: BrailleChart {
        let lineRole: ThemeRole = (series.last?.value ?? 0) < 0 ? .loss : .profit
        var chart = BrailleChart(series: [BrailleChart.Series(points: series, style: Style(lineRole))],
                                 levels: [BrailleChart.Level(value: 0, style: Style(.zeroLine))], labelPlaces: 2)
        chart.labelWidth = BrailleChart.moneyLabelWidth
        chart.span = window.duration.map { .last($0) } ?? .all
        return chart
    }

    static func role(_ amount: FixedDecimal) -> ThemeRole {
        amount.isNegative ? .loss : (amount.isPositive ? .profit : .text)
    }
}
