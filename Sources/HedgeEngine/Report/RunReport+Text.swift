import HedgeCore

/// The quant's part of the printed report: equity chart, statistics, cycle and fill tables and
/// the parameters, each line at most 80 columns (paths and the command line excepted). Long
/// tables show their first rows and say how many more the JSON and CSV hold.
extension RunReport {
    /// Rows a printed table shows before it says how many more there are.
    static let printedRows = 30
    static let textWidth = 80

    static func executionLines(_ strategy: Strategy, from: Timestamp, to: Timestamp) -> [String] {
        var lines: [String] = []
        if strategy.equity.count > 2 || strategy.equity.contains(where: { !$0.net.isZero }) {
            lines.append("  equity USD (net PnL at each fill and cycle end, and each 0.1 s it moved):")
            let chart = TextChart(width: 60, height: 4)
            lines += chart.lines(strategy.equity.map { ($0.time, $0.net.doubleValue) },
                                 label: { FixedDecimal(units: Int64(($0 * 100).rounded()) * 1_000_000).formatted(places: 2, plusSign: true) },
                                 time: { CivilTime($0).clock }).map { "    " + $0 }
        }
        if let statistics = strategy.statistics {
            lines += statisticsLines(statistics)
        }
        if strategy.cycleResults.contains(where: { $0.net != nil }) {
            lines.append("  cycles, PnL split in USD (legs before fees; fees; funding):")
            let rows = strategy.cycleResults.map { cycle -> [String] in
                ["#\(cycle.number)", cycle.entrySpreadBps.formatted(places: 1), cycle.exitSpreadBps.map { $0.formatted(places: 1) } ?? "open",
                 cycle.closedAt.map { holding($0 - cycle.openedAt) } ?? "—",
                 money(cycle.legsPnL), money(cycle.fees?.negated), money(cycle.funding), money(cycle.net)]
            }
            lines += table(["cycle", "entry bps", "exit bps", "held", "legs", "fees", "funding", "net"], rows, indent: 4,
                           noun: "cycles")
        }
        if !strategy.fills.isEmpty {
            lines.append("  fills (\(strategy.fills.count); notional in the quote currency, slip in bps vs the decision price):")
            let rows = strategy.fills.map { fill -> [String] in
                [clockMillis(fill.time), "\(fill.leg)", fill.side.rawValue, "\(fill.quantity)", fill.notional.formatted(places: 2),
                 "\(fill.vwap)", "\(fill.levels)", "\(fill.fee)", fill.feeAsset, fill.slippageBps.map { $0.formatted(places: 1, plusSign: true) } ?? "—"]
            }
            lines += table(["time", "leg", "side", "qty", "notional", "vwap", "lv", "fee", "", "slip"], rows, indent: 4, noun: "fills")
        }
        return lines
    }

    static func statisticsLines(_ s: Statistics) -> [String] {
        func percent(_ value: Double?) -> String { value.map { "\(($0 * 1000).rounded() / 10)%" } ?? "—" }
        func ratio(_ value: Double?) -> String { value.map { "\(($0 * 100).rounded() / 100)" } ?? "—" }
        var words: [String] = []
        words.append("\(s.closedCycles) closed cycle\(s.closedCycles == 1 ? "" : "s"), \(s.wins) won, \(s.losses) lost, win rate \(percent(s.winRate));")
        words.append("average win \(money(s.averageWin)), average loss \(money(s.averageLoss)), profit factor \(ratio(s.profitFactor));")
        words.append("max drawdown \(s.maxDrawdown.formatted(places: 2)) USD (equity curve, fills included); time in market \(percent(s.timeInMarketShare)) (\(holding(.milliseconds(Int64(s.timeInMarketSeconds * 1000)))));")
        words.append("turnover \(s.turnover.formatted(places: 2, grouping: true)) USD; fees \(percent(s.feesShareOfGross)) of gross PnL;")
        words.append("Sharpe \(ratio(s.sharpe)) (\(s.sharpeFormula)).")
        return ["  statistics:"] + wrap(words.joined(separator: " "), indent: 4)
    }

    /// The parameters block: the command that runs this again, every file with its hash, and the
    /// settings of each strategy and venue.
    var parameterLines: [String] {
        guard let parameters else { return [] }
        var lines = ["", "parameters (this report's run, again):"]
        lines += Self.wrap(parameters.commandLine, indent: 2, continuation: " \\", hanging: 6)
        for file in parameters.files {
            lines.append("  \(file.role) \(file.path) (\(file.bytes) bytes)")
            lines.append("    sha256 \(file.sha256)")
        }
        for strategy in parameters.strategies {
            var words = "strategy \(strategy.name): \(strategy.kind), entry \(strategy.entry), exit \(strategy.exit), "
            words += "\(strategy.targetNotional) USD a leg, min edge \(strategy.minEdgeBps) bps, max slippage \(strategy.maxSlippageBps) bps, "
            words += "stop loss \(strategy.stopLossBps.map { "\($0) bps" } ?? "none"), cooldown \(strategy.cooldownSeconds) s, "
            words += "window \(strategy.window) samples every \(strategy.sampleIntervalSeconds) s (warm-up \(strategy.warmupSamples)), \(strategy.legOrder.rawValue)"
            lines += Self.wrap(words, indent: 2, hanging: 4)
            for (index, leg) in strategy.legs.enumerated() {
                let text = "leg \(index == 0 ? "A" : "B") \(leg.instrument): \(leg.contract), \(leg.margining), size \(leg.contractSize), "
                    + "tick \(leg.tickSize), lot \(leg.lotStep), min notional \(leg.minNotional), fees maker \(leg.makerFee) taker \(leg.takerFee) \(leg.settlementAsset)"
                lines += Self.wrap(text, indent: 4, hanging: 6)
            }
        }
        for venue in parameters.venues {
            let text = "venue \(venue.name): seed \(venue.seed), orders \(venue.orderLatency) each way, market data \(venue.marketDataLatency), "
                + "balances \(venue.balances.joined(separator: " "))"
            lines += Self.wrap(text, indent: 2, hanging: 4)
        }
        lines.append("  speed \(parameters.speed), on bad input \(parameters.badInput)")
        return lines
    }

    static func money(_ value: FixedDecimal?) -> String { value.map { $0.formatted(places: 2, plusSign: true) } ?? "—" }

    static func clockMillis(_ time: Timestamp) -> String {
        let civil = CivilTime(time)
        let millis = String(civil.millisecond + 1000).dropFirst()
        return "\(civil.clock).\(millis)"
    }

    /// Columns right-aligned (the first left-aligned) under their headers; beyond `printedRows`
    /// rows, a line says how many more the JSON and CSV hold.
    static func table(_ headers: [String], _ rows: [[String]], indent: Int, noun: String) -> [String] {
        var widths = headers.map(\.count)
        for row in rows { for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) } }
        func line(_ cells: [String]) -> String {
            let padded = cells.enumerated().map { index, cell in
                let pad = String(repeating: " ", count: max(0, widths[index] - cell.count))
                return index == 0 ? cell + pad : pad + cell
            }
            let text = String(repeating: " ", count: indent) + padded.joined(separator: " ")
            return String(text.reversed().drop { $0 == " " }.reversed())
        }
        var lines = [line(headers)]
        for row in rows.prefix(printedRows) { lines.append(line(row)) }
        if rows.count > printedRows {
            lines.append(String(repeating: " ", count: indent) + "… \(rows.count - printedRows) more \(noun): all of them are in --json and --csv")
        }
        return lines
    }

    /// `text` broken at spaces into lines of at most `textWidth` columns; a word longer than a
    /// line stands alone. `continuation` ends every line but the last (a shell's " \").
    static func wrap(_ text: String, indent: Int, continuation: String = "", hanging: Int? = nil) -> [String] {
        var lines: [String] = []
        var current = String(repeating: " ", count: indent)
        var empty = true
        let next = String(repeating: " ", count: hanging ?? indent)
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if !empty, current.count + 1 + word.count + continuation.count > textWidth {
                lines.append(current + continuation)
                current = next
                empty = true
            }
            current += (empty ? "" : " ") + word
            empty = false
        }
        if !empty { lines.append(current) }
        return lines
    }
}
