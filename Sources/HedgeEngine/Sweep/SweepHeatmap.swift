import Foundation
import HedgeCore

/// Net PnL over two of a sweep's parameters: one cell per pair of their values. When the grid
/// has other axes, a cell holds the best net over them (and `otherAxes` names them), so a cell
/// says what that pair can do at best; a cell with no finished run is nil.
public struct SweepHeatmap: Sendable, Hashable {
    /// Down the side (rows) and across (columns).
    public var rows: SweepAxis
    public var columns: SweepAxis
    /// `cells[row][column]`.
    public var cells: [[FixedDecimal?]]
    /// How many of the cells' runs have finished, out of all runs behind the map.
    public var finished: Int
    public var total: Int
    /// The other axes the cells take the best over.
    public var otherAxes: [SweepParameter]

    /// The two parameters a heatmap shows by default: the first two axes with more than one
    /// value (or the first axes there are).
    public static func defaultAxes(_ grid: SweepGrid) -> [SweepParameter] {
        let varying = grid.varying
        let all = varying + grid.axes.map(\.parameter).filter { !varying.contains($0) }
        return Array(all.prefix(2))
    }

    /// `--heatmap A,B`: two different parameters of the grid.
    public static func axes(parsing text: String, grid: SweepGrid) throws(SweepError) -> [SweepParameter] {
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        var parameters: [SweepParameter] = []
        for name in names {
            guard let parameter = SweepParameter(rawValue: name) else {
                throw SweepError("--heatmap: '\(name)' is not a parameter; give two of \(SweepParameter.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard grid.axisIndex(parameter) != nil else {
                throw SweepError("--heatmap: \(name) is not swept; give two of the swept parameters (\(grid.axes.map(\.parameter.rawValue).joined(separator: ", ")))")
            }
            parameters.append(parameter)
        }
        guard parameters.count == 2, parameters[0] != parameters[1] else {
            throw SweepError("--heatmap takes two different swept parameters, ROWS,COLUMNS, e.g. --heatmap entry,exit")
        }
        return parameters
    }

    /// The map of `rows` (finished so far) over the `axes` given (one axis: a single column).
    public init(grid: SweepGrid, axes: [SweepParameter], rows results: [SweepRow]) {
        let rowAxis = grid.axisIndex(axes[0]) ?? 0
        let columnAxis = axes.count > 1 ? grid.axisIndex(axes[1]) : nil
        let rowValues = grid.axes[rowAxis]
        let columnValues = columnAxis.map { grid.axes[$0] } ?? SweepAxis(parameter: rowValues.parameter, values: [""])
        rows = rowValues
        columns = columnValues
        otherAxes = grid.axes.indices.filter { $0 != rowAxis && $0 != columnAxis && grid.axes[$0].values.count > 1 }.map { grid.axes[$0].parameter }
        var cells: [[FixedDecimal?]] = Array(repeating: Array(repeating: nil, count: columnValues.values.count), count: rowValues.values.count)
        var finished = 0
        for row in results where row.fold == nil {
            finished += 1
            guard row.failure == nil, let r = rowValues.values.firstIndex(of: row.point.values[rowAxis]) else { continue }
            let c = columnAxis.flatMap { columnValues.values.firstIndex(of: row.point.values[$0]) } ?? 0
            if let old = cells[r][c], old >= row.net { continue }
            cells[r][c] = row.net
        }
        self.cells = cells
        self.finished = finished
        total = grid.count
    }

    /// The largest |net| of any cell: the scale a cell's shade is judged on.
    public var scale: FixedDecimal { cells.flatMap { $0 }.compactMap { $0?.magnitude }.max() ?? .zero }
}
