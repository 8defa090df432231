import HedgeCore
import HedgeEngine

/// A sweep's heatmap of net PnL: the row parameter's values down the side, the column
/// parameter's across, each cell's net in the theme's profit or loss role (bold when it is at
/// least half the largest |net|), the best cell reversed, runs not finished yet as `·`.
public struct SweepHeatmapView: Sendable {
    public var map: SweepHeatmap

    public init(map: SweepHeatmap) { self.map = map }

    /// Lines the map needs: a title, the column header, one per row value, a legend.
    public var height: Int { map.rows.values.count + 3 }

    /// Columns the widest line needs.
    public var width: Int {
        let (label, cell) = widths
        return label + (cell + 1) * map.columns.values.count
    }

    private var widths: (label: Int, cell: Int) {
        let label = max(corner.count, map.rows.values.map(\.count).max() ?? 0)
        let cell = max(map.columns.values.map(\.count).max() ?? 0, map.cells.flatMap { $0 }.map { Self.text($0).count }.max() ?? 0, 5)
        return (label, cell)
    }

    private var corner: String { map.columns.values == [""] ? map.rows.parameter.rawValue : "\(map.rows.parameter.rawValue) \\ \(map.columns.parameter.rawValue)" }

    static func text(_ net: FixedDecimal?) -> String { net.map { $0.formatted(places: 2, plusSign: true) } ?? "·" }

    /// Draws the map into `rect` of `buffer` (clipped to it).
    public func render(into buffer: inout Buffer, rect: Rect) {
        let (label, cell) = widths
        let best = map.cells.flatMap { $0 }.compactMap { $0 }.max()
        let half = map.scale.units / 2
        var row = 0
        let others = map.otherAxes.isEmpty ? "" : ", best over \(map.otherAxes.map(\.rawValue).joined(separator: ", "))"
        buffer.put("net PnL USD by \(corner)\(others)", in: rect, row: row, style: Style(.title, bold: true))
        row += 1
        buffer.put(corner, in: rect, row: row, style: Style(.muted))
        for (index, value) in map.columns.values.enumerated() {
            let x = label + 1 + index * (cell + 1)
            buffer.put(String(repeating: " ", count: max(0, cell - value.count)) + value, in: rect, row: row, column: x, style: Style(.accent))
        }
        row += 1
        for (r, value) in map.rows.values.enumerated() {
            buffer.put(value, in: rect, row: row, style: Style(.accent))
            for c in map.columns.values.indices {
                let net = map.cells[r][c]
                let text = Self.text(net)
                var style = Style(.muted)
                if let net {
                    style = Style(net.isPositive ? .profit : net.isNegative ? .loss : .muted, bold: net.magnitude.units > half && half > 0)
                    if net == best, best?.isPositive == true { style.reverse = true }
                }
                let x = label + 1 + c * (cell + 1)
                buffer.put(String(repeating: " ", count: max(0, cell - text.count)) + text, in: rect, row: row, column: x, style: style)
            }
            row += 1
        }
        let pending = map.total - map.finished
        let legend = pending > 0 ? "· not finished yet (\(pending) of \(map.total) runs)"
            : best?.isPositive == true ? "best cell reversed; bold: at least half the largest |net|" : "bold: at least half the largest |net|"
        buffer.put(legend, in: rect, row: row, style: Style(.muted))
    }
}
