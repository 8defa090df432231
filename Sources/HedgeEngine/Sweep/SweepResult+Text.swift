import HedgeCore

extension SweepResult {
    /// The printed result: the ranked table of the whole-data runs, then the walk-forward steps.
    /// The heatmap is drawn by the terminal layer (`SweepHeatmapView`), between the two.
    public var tableText: String {
        var lines = ["sweep \(fingerprint): \(grid.count) parameter set\(grid.count == 1 ? "" : "s") (\(grid.axes.map { "\($0.parameter.rawValue) \($0.values.count)" }.joined(separator: " × "))), ranked by net PnL (ties: grid order)"]
        lines += Self.table(ranked, grid: grid, ranks: true)
        let failed = ranked.filter { $0.failure != nil }
        for row in failed.prefix(5) { lines.append("  run \(row.point.index + 1) failed: \(row.failure ?? "")") }
        if failed.count > 5 { lines.append("  ... and \(failed.count - 5) more failed runs") }
        return lines.joined(separator: "\n")
    }

    /// The walk-forward section, or nil without folds.
    public var walkForwardText: String? {
        guard let folds, let steps = walkForward else { return nil }
        var lines = ["walk-forward: \(folds.count) folds by data time, each \(Self.span(folds[0])); chosen on fold k by the best in-sample net PnL (ties: grid order), then run on fold k+1"]
        for (number, fold) in folds.enumerated() {
            lines.append("  fold \(number + 1): \(ReplayWindow.text(fold.start)) → \(ReplayWindow.text(fold.end))")
        }
        let names = grid.axes.map(\.parameter.rawValue)
        var table = [["in", "out"] + names + ["in net", "in cyc", "out net", "out cyc", "out rank", "best out"]]
        for step in steps {
            table.append(["\(step.inSample)", "\(step.outOfSample)"] + step.chosen.values
                         + [step.inSampleNet.formatted(places: 2, plusSign: true), "\(step.inSampleCycles)",
                            step.outOfSampleNet.formatted(places: 2, plusSign: true), "\(step.outOfSampleCycles)",
                            "\(step.outOfSampleRank)/\(step.points)", step.outOfSampleBestNet.formatted(places: 2, plusSign: true)])
        }
        lines += Self.aligned(table, rightFrom: 2 + names.count).map { "  " + $0 }
        if !steps.isEmpty {
            let inTotal = (try? steps.map(\.inSampleNet).sum()) ?? .zero
            let outTotal = (try? steps.map(\.outOfSampleNet).sum()) ?? .zero
            lines.append("  in-sample total \(inTotal.formatted(places: 2, plusSign: true)) USD, out-of-sample total \(outTotal.formatted(places: 2, plusSign: true)) USD "
                         + "(the out-of-sample figure is the honest one: its parameters were chosen without its data)")
        }
        return lines.joined(separator: "\n")
    }

    /// Rows as an aligned table: the grid's values, then the figures.
    static func table(_ rows: [SweepRow], grid: SweepGrid, ranks: Bool) -> [String] {
        func percent(_ value: Double?) -> String { value.map { "\(($0 * 1000).rounded() / 10)%" } ?? "—" }
        func ratio(_ value: Double?) -> String { value.map { "\(($0 * 100).rounded() / 100)" } ?? "—" }
        let names = grid.axes.map(\.parameter.rawValue)
        var table = [(ranks ? ["rank"] : []) + names + ["net USD", "cycles", "win rate", "max DD", "Sharpe", "fees/gross"]]
        for (rank, row) in rows.enumerated() {
            let figures = row.failure != nil ? ["failed", "", "", "", "", ""]
                : [row.net.formatted(places: 2, plusSign: true), "\(row.cycles)", percent(row.winRate), row.maxDrawdown.formatted(places: 2),
                   ratio(row.sharpe), percent(row.feesShareOfGross)]
            table.append((ranks ? ["\(rank + 1)"] : []) + row.point.values + figures)
        }
        return aligned(table, rightFrom: (ranks ? 1 : 0) + names.count).map { "  " + $0 }
    }

    /// Columns padded to their widest cell: left-aligned before `rightFrom`, right-aligned from it.
    static func aligned(_ table: [[String]], rightFrom: Int) -> [String] {
        guard let columns = table.map(\.count).max() else { return [] }
        let widths = (0..<columns).map { column in table.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return table.map { row in
            row.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column >= rightFrom ? pad + cell : cell + pad
            }.joined(separator: " ")
        }.map { line in
            var line = line
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    /// "1m26s" for a fold's length.
    static func span(_ window: ReplayWindow) -> String { (window.end - window.start).compact }
}

extension SweepResult {
    /// The sweep's rows as CSV files: `sweep.csv` (the ranked whole-data runs) and, with folds,
    /// `walk-forward.csv` (each step) and `folds.csv` (every fold run).
    public var csvFiles: [(name: String, text: String)] {
        let names = grid.axes.map(\.parameter.rawValue)
        func optional(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }
        func rowFields(_ row: SweepRow) -> [String] {
            row.point.values + ["\(row.net)", "\(row.cycles)", optional(row.winRate), "\(row.maxDrawdown)", optional(row.sharpe),
                                optional(row.feesShareOfGross), row.failure ?? ""]
        }
        let figures = ["net_usd", "cycles", "win_rate", "max_drawdown_usd", "sharpe", "fees_share_of_gross", "failure"]
        var files = [("sweep.csv", RunReport.csv([["rank", "point"] + names + figures]
                                                 + ranked.enumerated().map { ["\($0.offset + 1)", "\($0.element.point.index + 1)"] + rowFields($0.element) }))]
        if let steps = walkForward {
            files.append(("walk-forward.csv", RunReport.csv([["in_sample_fold", "out_of_sample_fold"] + names
                                                             + ["in_sample_net_usd", "in_sample_cycles", "out_of_sample_net_usd", "out_of_sample_cycles",
                                                                "out_of_sample_rank", "points", "out_of_sample_best_net_usd"]]
                + steps.map { step in
                    ["\(step.inSample)", "\(step.outOfSample)"] + step.chosen.values
                        + ["\(step.inSampleNet)", "\(step.inSampleCycles)", "\(step.outOfSampleNet)", "\(step.outOfSampleCycles)",
                           "\(step.outOfSampleRank)", "\(step.points)", "\(step.outOfSampleBestNet)"]
                })))
            files.append(("folds.csv", RunReport.csv([["fold", "point"] + names + figures]
                                                     + foldRows.map { ["\($0.fold ?? 0)", "\($0.point.index + 1)"] + rowFields($0) })))
        }
        return files
    }
}
